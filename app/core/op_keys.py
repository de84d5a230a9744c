"""Each member of staff's op-signing key at this workstation (Ed25519), sealed under their password.

Made at the person's first sign-in here and opened at every sign-in after: the password is the only
thing that opens it, so a colleague with this workstation's database, device secret and her own
token still cannot sign in anyone else's name. The key is argon2id(password, salt) → AES-256-GCM,
the argon2 cost written before the blob ("m=…,t=…,p=…$base64"; a blob without it is from before and
used RFC 9106's low-memory profile), so a change of cost never locks a key away: the old blob opens
with its own cost and is sealed again with the current one at that sign-in;
the opened key lives in the context (memory) until that person signs out. A changed password
cannot open the old key: a new one is made (the server keeps the old public half, so ops already
signed with it still verify).
"""

from __future__ import annotations

import base64
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy.orm import Session

from app.core import kdf
from app.core.context import AppContext
from db.models import SigningKey

_SALT, _NONCE = 16, 12
_AAD = b"onewindow-signing-key-v1:"
_LEGACY = kdf.RFC9106_LOW_MEMORY  # the cost of blobs sealed before the cost was stored with them


def _cost_of(sealed: str) -> tuple[kdf.Argon2Cost, str]:
    """The argon2 cost a blob was sealed with, and its base64 body."""
    if "$" not in sealed:  # base64 has no "$": a blob from before the cost was written
        return _LEGACY, sealed
    params, body = sealed.split("$", 1)
    return kdf.Argon2Cost.decode(params), body


def public_b64(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def _seal(key: Ed25519PrivateKey, username: str, password: str, cost: kdf.Argon2Cost = kdf.CURRENT) -> str:
    salt, nonce = os.urandom(_SALT), os.urandom(_NONCE)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    box = AESGCM(kdf.derive_key(password, salt, cost)).encrypt(nonce, raw, _AAD + username.encode())
    return f"{cost.encode()}${base64.b64encode(salt + nonce + box).decode()}"


def _open(sealed: str, username: str, password: str) -> Ed25519PrivateKey | None:
    cost, body = _cost_of(sealed)
    blob = base64.b64decode(body)
    salt, nonce, box = blob[:_SALT], blob[_SALT:_SALT + _NONCE], blob[_SALT + _NONCE:]
    try:
        raw = AESGCM(kdf.derive_key(password, salt, cost)).decrypt(nonce, box, _AAD + username.encode())
    except InvalidTag:
        return None
    return Ed25519PrivateKey.from_private_bytes(raw)


def unlock(ctx: AppContext, session: Session, username: str, password: str, now: datetime) -> None:
    """At a successful sign-in (password already checked): open this person's key, or make one."""
    if username in ctx.signing_keys:
        return  # opened earlier in this session of the program (an idle unlock, a second sign-in)
    row = session.get(SigningKey, username)
    key = _open(row.sealed, username, password) if row is not None else None
    if key is not None and row is not None and _cost_of(row.sealed)[0] != kdf.CURRENT:
        # Opened under an older cost: the same key, sealed again with today's (its public half is unchanged,
        # so the server's registration of it stands).
        row.sealed = _seal(key, username, password)
    if key is None:
        key = Ed25519PrivateKey.generate()
        if row is None:
            row = SigningKey(username=username, created_at=now)
            session.add(row)
        row.public_key, row.sealed, row.created_at, row.registered_at = public_b64(key), \
            _seal(key, username, password), now, None
    ctx.signing_keys[username] = key


def forget(ctx: AppContext, username: str) -> None:
    """At sign-out: the key is no longer in memory."""
    ctx.signing_keys.pop(username, None)


def sign(ctx: AppContext, username: str, message: bytes) -> str:
    """The base64 signature by this person's opened key, or "" when they have not signed in here."""
    key = ctx.signing_keys.get(username)
    return base64.b64encode(key.sign(message)).decode() if key is not None else ""


def opened_public_key(ctx: AppContext, username: str) -> str:
    key = ctx.signing_keys.get(username)
    return public_b64(key) if key is not None else ""
