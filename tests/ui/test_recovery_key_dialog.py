"""The sync page's 登记本机: after the enrolment the recovery key is shown once, printed, handed over (issue #19)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from recovery_kit import print_to_file
from sqlalchemy import select
from sync_testkit import LiveServer, demo_server_with_keyring, enrolment_code

from app.core.auth import login
from app.core.context import AppContext
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.station.recovery import peek_recovery_key
from app.sync import status
from app.sync.credentials import CredentialStore
from db.models import AuditEntry
from ui.sync.view import SyncView
from ui.widgets.preferences import Preferences

WAIT = 30_000


@pytest.fixture
def protected(demo_template: Path, tmp_path: Path) -> Iterator[tuple[LiveServer, AppContext]]:
    """A real server and a demo workstation whose directory a production start has encrypted."""
    root = tmp_path / "ws"
    shutil.copytree(demo_template, root)
    with demo_server_with_keyring(tmp_path) as server:
        open_data_dir(root).dispose()  # its recovery key now waits in the (memory) secret store
        ctx = open_data_dir(root, demo=True)  # the demo hall's accounts, on the encrypted directory
        yield server, ctx
        ctx.dispose()


def test_enrol_from_the_sync_page_shows_the_key_once(qtbot: QtBot, protected: tuple[LiveServer, AppContext],
                                                     tmp_path: Path) -> None:
    server, ctx = protected
    actor = login(ctx, "zhangmin", DEMO_PASSWORD)
    view = SyncView(ctx, actor, Preferences(True), CredentialStore(), autostart=False)
    qtbot.addWidget(view)
    dialog = view.ask_enrol()
    dialog.findChild(QLineEdit, "serverUrl").setText(server.url)
    dialog.findChild(QLineEdit, "enrolCode").setText(enrolment_code(server))
    dialog.findChild(QLineEdit, "workstationName").setText("A01-3号机")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.recovery_dialog is not None and view.recovery_dialog.isVisible(), timeout=WAIT)
    keys = view.recovery_dialog
    assert keys is not None and status.summary(ctx).enrolled
    assert keys.handover.sheet.workstation == "A01-3号机" and keys.handover.key == peek_recovery_key(ctx.data)
    print_to_file(keys, tmp_path / "printed.pdf")
    keys.close_button.click()
    qtbot.waitUntil(lambda: not keys.isVisible(), timeout=WAIT)
    assert peek_recovery_key(ctx.data) is None
    with ctx.read() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "recovery_key_handed_over")).scalar_one()
    assert entry.staff_id == actor.staff_id and json.loads(entry.detail_json) == {"printed": True, "via": "sync_page"}
    qtbot.waitUntil(lambda: not view.enrol_button.isEnabled(), timeout=WAIT)  # the page's reload has landed
    view.controller.shutdown()
