"""The argon2id cost moved from RFC 9106's 64 MiB profile to OWASP's m=19 MiB, t=2, p=1 (#18: sign-in was
the memory peak). What was stored under the old cost still works and is redone at the next sign-in:
the password hash (its cost is in the hash) and the sealed op-signing key (its cost is written with it;
a blob without one is from the old profile). The key itself never changes, so the server's record of
its public half stands.
"""

from __future__ import annotations

import base64
import os

import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import select

from app.core import kdf, op_keys
from app.core.auth import hash_password, login, sign_out
from app.core.context import AppContext
from app.core.errors import AppError
from app.station.bootstrap import DEMO_PASSWORD
from db.models import SigningKey, Staff

OLD = kdf.RFC9106_LOW_MEMORY


def _old_hash(password: str) -> str:
    return PasswordHasher(time_cost=OLD.time_cost, memory_cost=OLD.memory_cost, parallelism=OLD.parallelism) \
        .hash(password)


def _old_blob(key: Ed25519PrivateKey, username: str, password: str) -> str:
    """A key sealed as before the cost was stored: base64(salt | nonce | AES-GCM box), argon2 at 64 MiB."""
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    box = AESGCM(kdf.derive_key(password, salt, OLD)).encrypt(nonce, raw, b"onewindow-signing-key-v1:"
                                                                + username.encode())
    return base64.b64encode(salt + nonce + box).decode()


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def test_new_hashes_use_the_owasp_cost() -> None:
    stored = hash_password(DEMO_PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert DEMO_PASSWORD not in stored


def test_an_old_hash_still_signs_in_and_is_redone_with_the_new_cost(ctx: AppContext) -> None:
    with ctx.write() as s:
        staff = s.execute(select(Staff).where(Staff.username == "zhangmin")).scalar_one()
        staff.password_hash = _old_hash(DEMO_PASSWORD)
    with pytest.raises(AppError):
        login(ctx, "zhangmin", "not-the-password")
    with ctx.read() as s:  # a wrong password leaves the old hash as it was
        assert "m=65536,t=3,p=4" in s.execute(select(Staff.password_hash)
                                               .where(Staff.username == "zhangmin")).scalar_one()
    login(ctx, "zhangmin", DEMO_PASSWORD)
    with ctx.read() as s:
        redone = s.execute(select(Staff.password_hash).where(Staff.username == "zhangmin")).scalar_one()
    assert redone.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    sign_out(ctx, ctx_actor := login(ctx, "zhangmin", DEMO_PASSWORD))  # the new hash verifies
    assert ctx_actor.username == "zhangmin"


def test_a_key_sealed_under_the_old_cost_opens_and_is_sealed_again(ctx: AppContext) -> None:
    actor = login(ctx, "zhangmin", DEMO_PASSWORD)
    key = ctx.signing_keys["zhangmin"]
    sign_out(ctx, actor)
    with ctx.write() as s:
        row = s.get(SigningKey, "zhangmin")
        assert row is not None and row.sealed.startswith("m=19456,t=2,p=1$")
        public = row.public_key
        row.sealed = _old_blob(key, "zhangmin", DEMO_PASSWORD)
        row.registered_at = row.created_at  # the server knows this key
    login(ctx, "zhangmin", DEMO_PASSWORD)
    assert _raw(ctx.signing_keys["zhangmin"]) == _raw(key)  # the same key, not a new one
    with ctx.read() as s:
        row = s.get(SigningKey, "zhangmin")
        assert row is not None
        assert row.sealed.startswith("m=19456,t=2,p=1$") and row.public_key == public
        assert row.registered_at is not None  # still registered: nothing for the server to learn
        assert op_keys._open(row.sealed, "zhangmin", DEMO_PASSWORD) is not None
        assert op_keys._open(row.sealed, "zhangmin", "not-the-password") is None


def test_the_cost_is_read_from_the_blob() -> None:
    key = Ed25519PrivateKey.generate()
    for cost in (kdf.OWASP, kdf.Argon2Cost(time_cost=1, memory_cost=8 * 1024, parallelism=2)):
        sealed = op_keys._seal(key, "lihua", "a-password-1", cost)
        assert sealed.startswith(cost.encode() + "$")
        opened = op_keys._open(sealed, "lihua", "a-password-1")
        assert opened is not None and _raw(opened) == _raw(key)
