"""注销（换班）forgets the person's opened signing key: nothing is signed in their name until they sign in again
with their password (issue #16's leftover). The signature is checked with the public key, not the code."""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from ow_testkit import clerk, complete, item_named, person
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core import op_keys
from app.core.auth import login, sign_out
from app.core.context import AppContext
from app.intake.outcomes import accept_case
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry
from ui.system.main_window import MainWindow

MESSAGE = b"op to sign"


def _verifies(public_b64: str, signature: str) -> bool:
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
    try:
        key.verify(base64.b64decode(signature), MESSAGE)
    except (InvalidSignature, ValueError):
        return False
    return True


def test_after_sign_out_the_key_needs_the_password_again(ctx: AppContext) -> None:
    actor = clerk(ctx)
    public = op_keys.opened_public_key(ctx, actor.username)
    assert _verifies(public, op_keys.sign(ctx, actor.username, MESSAGE))
    sign_out(ctx, actor)
    assert op_keys.sign(ctx, actor.username, MESSAGE) == ""  # nothing in memory signs in her name
    assert op_keys.opened_public_key(ctx, actor.username) == ""
    with ctx.read() as s:
        assert s.execute(select(AuditEntry.target).where(AuditEntry.action == "logout")).scalars().all() == ["zhangmin"]
    login(ctx, actor.username, DEMO_PASSWORD)  # her password opens the same key again
    assert _verifies(public, op_keys.sign(ctx, actor.username, MESSAGE))


def test_change_of_shift_forgets_the_key(qtbot: QtBot, ctx: AppContext) -> None:
    actor = clerk(ctx)
    accept_case(ctx, actor, complete(item_named(ctx, "食品经营许可变更"), person("王䶮")))  # she worked, signed
    win = MainWindow(ctx, actor, hall_info(ctx))
    qtbot.addWidget(win)
    win.show()
    menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "系统")
    next(a for a in menu.actions() if a.text() == "注销（换班）").trigger()
    assert win.shift_change and not win.isVisible()
    assert actor.username not in ctx.signing_keys and op_keys.sign(ctx, actor.username, MESSAGE) == ""
