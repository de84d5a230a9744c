"""Each op is signed by its actor as the use case commits, with a key only that person's password opens."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from ow_testkit import clerk, complete, item_named
from sqlalchemy import select

from app.core.auth import login
from app.core.context import AppContext
from app.core.errors import AppError
from app.intake.outcomes import receive_case
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.sync.outbox_push import Codes, to_op
from app.sync.protocol import signing_message
from db.models import OutboxOp, SigningKey

ITEM = "食品经营许可变更"


def test_the_key_is_made_at_sign_in_and_sealed_under_the_password(ctx: AppContext, demo_dir: Path) -> None:
    clerk(ctx, "zhangmin")
    with ctx.read() as s:
        row = s.get(SigningKey, "zhangmin")
        assert row is not None and row.registered_at is None
    private = ctx.signing_keys["zhangmin"].private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    ctx.dispose()
    on_disk = b"".join(p.read_bytes() for p in demo_dir.rglob("*") if p.is_file())
    assert private not in on_disk and base64.b64encode(private) not in on_disk
    again = open_data_dir(demo_dir, demo=True)  # the program started again: only the password opens it
    try:
        assert "zhangmin" not in again.signing_keys
        with pytest.raises(AppError):
            login(again, "zhangmin", "not-the-password")
        assert "zhangmin" not in again.signing_keys
        login(again, "zhangmin", DEMO_PASSWORD)
        reopened = again.signing_keys["zhangmin"].private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        assert reopened == private
    finally:
        again.dispose()


def test_an_op_is_frozen_and_signed_by_its_actor_in_its_transaction(ctx: AppContext) -> None:
    actor = clerk(ctx, "zhangmin")
    receive_case(ctx, actor, complete(item_named(ctx, ITEM)))
    with ctx.read() as s:
        (row,) = s.execute(select(OutboxOp)).scalars().all()
        public = s.get(SigningKey, "zhangmin").public_key  # type: ignore[union-attr]
        op = to_op(s, row, 0, Codes(s))
    assert row.actor == "zhangmin" and op.signature == row.signature != ""
    assert op.payload == json.loads(row.wire_json) and op.payload["item_name"] == ITEM
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public))
    key.verify(base64.b64decode(op.signature), signing_message(op, ""))  # not enrolled: no device id yet
    op.payload["applicant_name"] = "别人"
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(op.signature), signing_message(op, ""))


def test_an_op_by_someone_not_signed_in_here_is_left_unsigned(ctx: AppContext) -> None:
    actor = clerk(ctx, "zhangmin")
    ctx.signing_keys.clear()  # as if the key had not been opened
    receive_case(ctx, actor, complete(item_named(ctx, ITEM)))
    with ctx.read() as s:
        (row,) = s.execute(select(OutboxOp)).scalars().all()
    assert row.wire_json and row.signature == ""  # the server refuses it as "unsigned", visibly
