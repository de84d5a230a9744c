"""A working day at window A01, tested as the day, not as functions (issue #17).

Two workstations of the window and a real central server (uvicorn on a free port). At workstation 1 the
clerk 张敏 takes four applicants with the four intake outcomes (受理 with a double Alt+S, 一次性告知,
不予受理, 受理 with a 容缺 paper), then the program is restarted on the same data directory. She completes the
notice with 补正 and reviews the approval case; the chief representative 周建华 signs it off at workstation 2
after sync; back at workstation 1 the certificate is issued from the decision and handed over with a 送达回证.
No printer is connected all day. After each step the pages are checked for what they must show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from day_kit import (
    case_states,
    close_window,
    hand_over,
    in_modal,
    main_window,
    new_applicant,
    open_case_by_number,
    open_station,
    outcome,
    refuse,
    synced,
    wait_for,
)
from ow_testkit import at_local
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo

from ui.widgets.preferences import Preferences

CHIEF = "zhoujianhua"


@pytest.fixture
def clock() -> Clock:
    return Clock(at_local(2026, 11, 20, 9, 0))  # a Friday, an ordinary working day


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(db, clock)
    live = LiveServer(db, clock).start()
    yield live
    live.stop()


@pytest.fixture
def stations(demo_template: Path, tmp_path: Path, clock: Clock,
             server: LiveServer) -> Iterator[tuple[Workstation, Workstation]]:
    """Workstation 1 (the clerk's) and 2 (the chief's), both enrolled for the window."""
    with memory_keyring():
        one = Workstation(demo_template, tmp_path / "ws1", clock)
        two = Workstation(demo_template, tmp_path / "ws2", clock)
        one.enrol(server, enrolment_code(server))
        two.enrol(server, enrolment_code(server), CHIEF)
        yield one, two
        one.close()
        two.close()


@pytest.fixture
def no_printer() -> Iterator[Preferences]:
    prefs = Preferences(demo=True)
    prefs.set("printing/no_printer", True)
    yield prefs
    prefs.set("printing/no_printer", False)


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box is a dead end at the counter and would block the run: it fails the day instead."""
    from PySide6.QtWidgets import QMessageBox

    def boom(*args: object, **kw: object) -> None:
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    for name in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, boom)


def test_a_working_day(qtbot: QtBot, stations: tuple[Workstation, Workstation], server: LiveServer,
                       clock: Clock, no_printer: Preferences) -> None:
    one, _two = stations
    clerk = one.sign_in("zhangmin")
    win = main_window(qtbot, one.ctx, clerk, no_printer)
    wait_for(qtbot, "workstation 1 online", lambda: win.sync_label.text().startswith("在线"))

    # -- 1. four applicants, four outcomes -------------------------------------------------------------
    new_applicant(qtbot, win, "spjy", "食品经营许可")
    hand_over(qtbot, win)
    approval = outcome(qtbot, win, "S", times=2)  # pressed twice: one case
    assert approval.state == "accepted"
    wait_for(qtbot, "the no-printer status line after the acceptance",
             lambda: "本机未接打印机" in win.statusBar().currentMessage())

    clock.advance(minutes=10)
    new_applicant(qtbot, win, "spjyxkbg", "食品经营许可变更")
    hand_over(qtbot, win, missing=(0,))
    notice = outcome(qtbot, win, "G")
    assert notice.state == "notified"

    clock.advance(minutes=10)
    new_applicant(qtbot, win, "spjyxkzx", "食品经营许可注销")
    refused = refuse(qtbot, win, "申请人提交的注销申请不属于本机关职权范围")
    assert refused.state == "refused"

    clock.advance(minutes=10)
    new_applicant(qtbot, win, "xcyddj", "小餐饮店登记")
    deferrable = [i for i, r in enumerate(win.intake.materials.shown_rows()) if r.spec.may_defer]
    hand_over(qtbot, win, deferred=tuple(deferrable))
    deferred = outcome(qtbot, win, "S")
    assert deferred.state == "accepted"

    win.show_section("cases")
    expected = {approval.case_no: "已受理", notice.case_no: "已一次性告知", refused.case_no: "不予受理",
                deferred.case_no: "已受理"}
    wait_for(qtbot, f"the 办件 list showing the four cases {expected}", lambda: case_states(win) == expected,
             seen=lambda: case_states(win))
    wait_for(qtbot, "workstation 1 sent the four cases", lambda: synced(win))

    # -- 2. the program is restarted on the same data directory: nothing lost, the lists fresh ----------
    close_window(win)
    root = one.ctx.data.root
    one.ctx.dispose()
    one.ctx = open_station(root, clock)
    clerk = one.actor("zhangmin")
    win = main_window(qtbot, one.ctx, clerk, no_printer)
    win.show_section("cases")
    wait_for(qtbot, f"the 办件 list after the restart showing {expected}", lambda: case_states(win) == expected,
             seen=lambda: case_states(win))

    # -- 3. the applicant with the notice comes back with the paper: 补正 at the case desk ---------------
    clock.advance(minutes=30)
    open_case_by_number(qtbot, win, notice.case_no)
    detail = win.cases.detail
    assert detail.buttons["supplement"].isEnabled(), "补正 is not offered for a notified case"

    def bring_back(dialog: object) -> None:
        combo = dialog.choices[0][1]  # type: ignore[attr-defined]
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # 已补齐，原件已核
        qtbot.keyClick(combo, Qt.Key.Key_Return)

    in_modal(qtbot, "补正材料", bring_back)
    qtbot.mouseClick(detail.buttons["supplement"], Qt.MouseButton.LeftButton)
    wait_for(qtbot, "the notified case accepted after 补正", lambda: detail.detail.state == "accepted")
    wait_for(qtbot, "the no-printer line for the acceptance notice after 补正",
             lambda: "本机未接打印机" in win.statusBar().currentMessage())
    expected[notice.case_no] = "已受理"
    qtbot.keyClick(detail, Qt.Key.Key_Escape)
    qtbot.keyClick(win.cases.search, Qt.Key.Key_Backspace)  # the number is selected: the next key replaces it
    wait_for(qtbot, "the 办件 list showing the 补正 case accepted", lambda: case_states(win) == expected,
             seen=lambda: case_states(win))
