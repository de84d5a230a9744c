"""Every op signed by the person who made it, as the use case commits; their key registered online.

`install(ctx)` hooks two things into the context:
- before each write transaction commits, the ops queued in it (app.core.outbox) are turned into their
  wire form (codes, not this database's ids; the case and its documents as they now stand), frozen in
  the outbox row and signed with the actor's opened key (app.core.op_keys) over `signing_message`.
  Push sends exactly that; the server verifies it against the key the actor registered for this device.
- after a sign-in, a person whose key the server does not hold yet signs in online here too (when the
  workstation is enrolled and the server answers), which registers the public half. Offline, it is
  registered at the next online sign-in (登录中心服务器) and the queue waits for it (code `no_key`).
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import op_keys
from app.core.context import AppContext
from app.core.errors import AppError
from app.sync import settings as keys
from app.sync.client import DeviceCredential, SyncClient
from app.sync.credentials import CredentialStore
from app.sync.outbox_push import Codes, to_op
from app.sync.protocol import signing_message
from db.models import OutboxOp, SigningKey

log = logging.getLogger(__name__)


def sign_queued(ctx: AppContext, session: Session) -> None:
    """Freeze and sign the ops queued in this transaction (called just before it commits)."""
    rows: list[OutboxOp] = session.info.pop("new_ops", [])
    acting = session.info.pop("acting_staff", None)  # the person this transaction audited (app.core.audit)
    if not rows:
        return
    session.flush()
    device_id = keys.get(session, keys.DEVICE_ID)
    codes = Codes(session)
    for row in rows:
        try:
            op = to_op(session, row, row.epoch, codes, acting)
        except (LookupError, TypeError, ValueError):  # never fail the person's action over its wire form:
            log.exception("op %s left unsigned: no wire form", row.op_id)  # the server refuses it, visibly
            continue
        row.actor = op.actor
        row.wire_json = json.dumps(op.payload, ensure_ascii=False, sort_keys=True, default=str)
        op.payload = json.loads(row.wire_json)  # signed exactly as it will be read back and sent
        row.signature = op_keys.sign(ctx, op.actor, signing_message(op, device_id))
        if not row.signature:
            log.warning("op %s by %s left unsigned: that person has not signed in here", row.op_id, op.actor)


def register_online(ctx: AppContext, store: CredentialStore, username: str, password: str) -> None:
    """Register this person's public key with the server if it does not hold it yet (best effort)."""
    with ctx.read() as s:
        known = keys.enrolment(s)
        row = s.get(SigningKey, username)
        done = row is None or row.registered_at is not None
    if known is None or done or not op_keys.opened_public_key(ctx, username):
        return
    secret = store.device_secret(known.device_id)
    if not secret:
        return
    client = SyncClient(known.server_url, DeviceCredential(known.device_id, secret))
    try:
        answer = client.login(username, password, op_keys.opened_public_key(ctx, username))
    except AppError as exc:  # offline, or the server refuses (wrong window): registered at a later sign-in
        log.info("signing key of %s not registered now: %s", username, exc)
        return
    finally:
        client.close()
    store.set_token(known.device_id, username, answer.token, answer.expires_at)
    mark_registered(ctx, username, op_keys.opened_public_key(ctx, username))


def mark_registered(ctx: AppContext, username: str, public_key: str) -> None:
    with ctx.write() as s:
        row = s.execute(select(SigningKey).where(SigningKey.username == username,
                                                 SigningKey.public_key == public_key)).scalar_one_or_none()
        if row is not None and row.registered_at is None:
            row.registered_at = ctx.now()


def install(ctx: AppContext, store: CredentialStore | None = None) -> None:
    own = store or CredentialStore(ctx.demo)
    ctx.before_commit.append(lambda s: sign_queued(ctx, s))
    ctx.on_sign_in.append(lambda username, password: register_online(ctx, own, username, password))
