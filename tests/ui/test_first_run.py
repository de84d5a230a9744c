"""A fresh data directory: the login says how to enrol and the first-run dialog enrols with a real server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from recovery_kit import print_to_file
from sync_testkit import LiveServer, demo_server_with_keyring, enrolment_code

from app.core.auth import login
from app.core.context import AppContext
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.station.recovery import peek_recovery_key
from app.sync.credentials import CredentialStore
from app.sync.first_run import needs_setup
from ui.system.first_run_dialog import NOT_ENROLLED_HINT, offer_first_run
from ui.system.keys_cli import run_recovery_key
from ui.system.login_dialog import LoginDialog

WAIT = 30_000


@pytest.fixture
def server(tmp_path: Path, demo_template: Path) -> Iterator[LiveServer]:
    with demo_server_with_keyring(tmp_path) as live:
        yield live


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_data_dir(tmp_path / "new-ws")
    yield ctx
    ctx.dispose()


def _login(qtbot: QtBot, ctx: AppContext) -> LoginDialog:
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    dialog.set_context(ctx)
    dialog.show()
    return dialog


def test_enrol_online_from_the_first_run_dialog(qtbot: QtBot, server: LiveServer, fresh: AppContext,
                                                tmp_path: Path) -> None:
    login_dialog = _login(qtbot, fresh)
    first = offer_first_run(login_dialog, fresh, CredentialStore())
    assert first is not None and first.isVisible()
    assert login_dialog.note.text() == NOT_ENROLLED_HINT
    first.server.setText(server.url)
    first.code.setText("WRONG-CODE1")
    first.ok.click()
    qtbot.waitUntil(lambda: first.error.text() != "", timeout=WAIT)
    assert first.isVisible() and needs_setup(fresh)  # refused: nothing changed, the dialog stays
    first.code.setText(enrolment_code(server, "W01"))
    first.ok.click()
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT)
    assert first.result_ is not None and "本机已登记" in login_dialog.note.text()
    assert not login_dialog.findChild(type(first.ok), "firstRunAgain").isVisible()
    assert login(fresh, "zhangmin", DEMO_PASSWORD).username == "zhangmin"
    # The recovery key comes up over the login at once: printed, then handed over and gone from this machine.
    keys = first.recovery_dialog
    assert keys is not None and keys.isVisible()
    shown = keys.findChild(QLabel, "recoveryKey").text().split()
    assert "-".join(shown) == peek_recovery_key(fresh.data) and len(shown) == 13
    out = print_to_file(keys, tmp_path / "printed.pdf")
    assert re.search(r"^Pages:\s+1$", out, re.M) and keys.printed
    keys.close_button.click()
    qtbot.waitUntil(lambda: not keys.isVisible(), timeout=WAIT)
    assert peek_recovery_key(fresh.data) is None
    assert run_recovery_key(fresh.data.root) == 1


def test_later_keeps_a_way_back_and_the_setup_file_works(qtbot: QtBot, server: LiveServer, fresh: AppContext,
                                                         tmp_path: Path) -> None:
    login_dialog = _login(qtbot, fresh)
    first = offer_first_run(login_dialog, fresh, CredentialStore())
    assert first is not None
    first.reject()  # 稍后
    again = login_dialog.findChild(type(first.ok), "firstRunAgain")
    assert again.isVisible() and login_dialog.note.text() == NOT_ENROLLED_HINT
    out = tmp_path / "setup.json"
    assert server.admin("setup-file", "--window", "W01", "--out", str(out), "--server", server.url) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "onewindow-setup"
    again.click()
    assert first.isVisible()
    first.tabs.setCurrentIndex(1)
    first.file.setText(str(out))
    first.ok.click()
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT)
    assert not needs_setup(fresh) and not again.isVisible()
    keys = first.recovery_dialog  # an offline install is an enrolment too: the key is shown, then Esc
    assert keys is not None and keys.isVisible() and peek_recovery_key(fresh.data) is not None
    keys.reject()
    qtbot.waitUntil(lambda: not keys.isVisible(), timeout=WAIT)
    assert peek_recovery_key(fresh.data) is None and not keys.printed


def test_no_first_run_for_the_demo_or_an_enrolled_hall(qtbot: QtBot, ctx: AppContext) -> None:
    assert offer_first_run(_login(qtbot, ctx), ctx, CredentialStore(demo=True)) is None
