"""The sync panel and the status bar with a real server: enrol, sign in, go offline and back, act on rejections."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ow_testkit import complete, item_named
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo

from app.core import outbox
from app.intake.outcomes import accept_case
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import status
from ui.sync import view as sync_view
from ui.sync.view import SyncView
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences

WAIT = 30_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    clock = Clock()
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(db, clock)
    live = LiveServer(db, clock).start()
    yield live
    live.stop()


@pytest.fixture
def station(demo_template: Path, tmp_path: Path) -> Iterator[Workstation]:
    with memory_keyring():
        ws = Workstation(demo_template, tmp_path / "ws", Clock())
        yield ws
        ws.close()


def _idle(qtbot: QtBot, view: SyncView) -> None:
    qtbot.waitUntil(lambda: not view.controller.running, timeout=WAIT)


def test_status_bar_online_offline_and_back(qtbot: QtBot, server: LiveServer, station: Workstation,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_view.backoff, "delay", lambda attempt, retry_after=None: 0.3)
    station.enrol(server, enrolment_code(server))
    actor = station.sign_in("zhangmin")
    win = MainWindow(station.ctx, actor, hall_info(station.ctx), prefs=Preferences(True))
    qtbot.addWidget(win)
    label = win.sync_label
    qtbot.waitUntil(lambda: label.text().startswith("在线 · 待同步 0 · 上次同步"), timeout=WAIT)
    server.stop()
    accept_case(station.ctx, actor, complete(item_named(station.ctx, "食品经营许可变更")))  # a commit starts a run
    qtbot.waitUntil(lambda: label.text().startswith("离线 · 待同步 1"), timeout=WAIT)
    server.start()  # the next backoff probe finds it
    qtbot.waitUntil(lambda: label.text().startswith("在线 · 待同步 0"), timeout=WAIT)
    _idle(qtbot, win.sync_view)  # the page is built now, on first use, and loads off the UI thread
    history = win.sync_view.history
    qtbot.waitUntil(lambda: history.rowCount() >= 2, timeout=WAIT)
    results = [history.item(r, 5).text() for r in range(history.rowCount())]
    # the history says why in words; the code (offline) stays in the log, not on screen
    assert "成功" in results and any(r.startswith("无法连接中心服务器") for r in results)
    win.sync_view.controller.shutdown()


def test_rejections_are_listed_with_their_reason_until_handled(qtbot: QtBot, server: LiveServer,
                                                                station: Workstation) -> None:
    station.enrol(server, enrolment_code(server))
    actor = station.sign_in("zhangmin")
    ghost = str(uuid.uuid4())
    with station.ctx.write() as s:  # an op about a case the server never heard of
        outbox.enqueue(s, "case", ghost, "sign_off", {"case_id": ghost, "state": "approved", "actor": "zhangmin"},
                       station.ctx.now())
    view = SyncView(station.ctx, actor, Preferences(True), station.store)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.rejections.rowCount() == 1, timeout=WAIT)
    _idle(qtbot, view)
    assert "没有该办件的记录" in view.rejections.item(0, 2).text() and "sign_off" in view.rejections.item(0, 1).text()
    assert view.controller.text().startswith("1 条操作被中心服务器拒收")  # before 在线: never "synced" alone
    assert "先同步受理该办件的工作站" in view.rejections.item(0, 3).text()  # what to do
    view.rejections.selectRow(0)
    qtbot.mouseClick(view.handled_button, Qt.MouseButton.LeftButton)
    assert view.rejections.rowCount() == 0 and "拒收" not in view.controller.text()
    assert status.rejections(station.ctx, include_handled=True)[0].handled
    view.controller.shutdown()


def test_enrol_and_sign_in_from_the_panel(qtbot: QtBot, server: LiveServer, station: Workstation) -> None:
    actor = station.actor("zhangmin")
    view = SyncView(station.ctx, actor, Preferences(True), station.store)
    qtbot.addWidget(view)
    assert view.controller.text().startswith("未登记中心服务器") and view.enrol_button.isEnabled()
    dialog = view.ask_enrol()
    dialog.findChild(QLineEdit, "serverUrl").setText(server.url)
    dialog.findChild(QLineEdit, "enrolCode").setText("WRONG-CODE0")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    assert "登记码无效" in dialog.error.text()
    dialog.findChild(QLineEdit, "enrolCode").setText(enrolment_code(server))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: status.summary(station.ctx).enrolled, timeout=WAIT)
    qtbot.waitUntil(lambda: not view.enrol_button.isEnabled(), timeout=WAIT)
    login = view.ask_login()
    login.findChild(QLineEdit, "serverPassword").setText(DEMO_PASSWORD)
    login.buttons.accepted.emit()
    qtbot.waitUntil(lambda: view.controller.text().startswith("在线"), timeout=WAIT)
    _idle(qtbot, view)
    qtbot.waitUntil(lambda: view.history.rowCount() >= 1, timeout=WAIT)  # the page reloads off the UI thread
    assert view.history.item(0, 5).text() == "成功"
    view.controller.shutdown()


def test_a_copied_disk_says_so_and_offers_enrolment_again(qtbot: QtBot, server: LiveServer, station: Workstation,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEWINDOW_MACHINE_ID", "the-original-machine")
    station.enrol(server, enrolment_code(server))
    actor = station.sign_in("zhangmin")
    assert station.sync("zhangmin").ok
    monkeypatch.setenv("ONEWINDOW_MACHINE_ID", "a-second-machine")  # the same data directory, another computer
    view = SyncView(station.ctx, actor, Preferences(True), station.store)
    qtbot.addWidget(view)
    _idle(qtbot, view)
    view.refresh()
    assert view.controller.text().startswith("本机需重新登记（数据复制自另一台电脑）")
    assert "暂停编号" in view.state.text() and view.enrol_button.isEnabled()
    view.controller.shutdown()


def test_a_lost_device_secret_is_enrolled_again(qtbot: QtBot, server: LiveServer, station: Workstation) -> None:
    station.enrol(server, enrolment_code(server))
    actor = station.sign_in("zhangmin")
    assert station.sync("zhangmin").ok
    first = status.summary(station.ctx).device_code
    with station.ctx.read() as s:
        from app.sync import settings as keys

        device_id = keys.enrolment(s).device_id  # type: ignore[union-attr]
    station.store.forget_device(device_id)  # the keyring lost it (another system account, a reset keyring)
    outcome = station.sync("zhangmin")
    assert not outcome.ok and outcome.code == "no_device_secret"
    view = SyncView(station.ctx, actor, Preferences(True), station.store)
    qtbot.addWidget(view)
    view.controller.last = outcome
    view.refresh()
    assert view.enrol_button.isEnabled() and "重新登记本机" in view.state.text()
    station.enrol(server, enrolment_code(server))  # the way out: a new code, a new device
    assert status.summary(station.ctx).device_code != first
    station.sign_in("zhangmin")
    assert station.sync("zhangmin").ok
    view.controller.shutdown()
