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
    ime_type,
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
from ow_testkit import PERSON_ID, at_local
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo

from app.station.bootstrap import DEMO_PASSWORD
from ui.widgets.preferences import Preferences

CHIEF = "zhoujianhua"
TERMS = "主体业态：食品销售经营者；经营项目：预包装食品销售（含冷藏冷冻食品）"
VALIDITY = "2026年11月20日至2031年11月19日"


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
    one, two = stations
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
    qtbot.mouseClick(detail.back_button, Qt.MouseButton.LeftButton)
    assert win.cases.stack.currentWidget() is win.cases.list_page, "← 返回列表 did not return to the list"
    qtbot.keyClick(win.cases.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win.cases.search, Qt.Key.Key_Backspace)
    wait_for(qtbot, "the 办件 list showing the 补正 case accepted", lambda: case_states(win) == expected,
             seen=lambda: case_states(win))

    # -- 4. the clerk's review (一审) of the approval case on the 签批 page ------------------------------
    clock.advance(minutes=30)
    win.show_section("signoff")
    desk = win.signoff
    wait_for(qtbot, "the approval case on the clerk's review desk",
             lambda: approval.case_id in [r.case_id for r in desk.desk_model.rows],
             seen=lambda: [r.case_id for r in desk.desk_model.rows])
    desk.tabs.setCurrentIndex(0)
    desk.desk.selectRow([r.case_id for r in desk.desk_model.rows].index(approval.case_id))
    qtbot.mouseClick(desk.review_button, Qt.MouseButton.LeftButton)
    review = desk.dialog
    assert review is not None, "审查 / 决定 opened no dialog"
    qtbot.waitExposed(review)
    ime_type(review.opinion, "经审查，申请材料齐全，符合法定条件、标准，建议准予许可")
    review.content.clear()
    ime_type(review.content, TERMS)
    review.validity.clear()
    ime_type(review.validity, VALIDITY)
    qtbot.mouseClick(review.ok, Qt.MouseButton.LeftButton)
    wait_for(qtbot, "the review recorded", lambda: not review.isVisible(),
             seen=lambda: (review.general.text(), [lab.text() for lab in review.findChildren(type(review.general))
                                                   if lab.text()]))
    expected[approval.case_no] = "待首席代表签批"
    win.show_section("cases")
    wait_for(qtbot, "the 办件 list showing the case waiting for the chief", lambda: case_states(win) == expected,
             seen=lambda: (case_states(win), desk.status.text()))
    wait_for(qtbot, "workstation 1 sent the review", lambda: synced(win), seen=win.sync_label.text)

    # -- 5. the chief representative signs off at workstation 2 ---------------------------------------
    clock.advance(minutes=30)
    chief_win = main_window(qtbot, two.ctx, two.sign_in(CHIEF), no_printer)
    chief_win.show_section("signoff")
    sign = chief_win.signoff
    wait_for(qtbot, "the case in the chief's queue at workstation 2 after sync",
             lambda: approval.case_id in [r.case_id for r in sign.queue_model.rows],
             seen=lambda: (chief_win.sync_label.text(), [r.case_id for r in sign.queue_model.rows],
                           _state_at(two, approval.case_id)))
    sign.tabs.setCurrentIndex(sign.tabs.count() - 1)
    sign.queue.selectRow([r.case_id for r in sign.queue_model.rows].index(approval.case_id))
    qtbot.mouseClick(sign.sign_button, Qt.MouseButton.LeftButton)
    decision = sign.dialog
    assert decision is not None, "签批 opened no dialog"
    qtbot.waitExposed(decision)
    # The reviewer's proposal travels through the server: the chief at another workstation finds its terms.
    assert decision.content.toPlainText() == TERMS, f"the proposal's terms did not travel: {decision.content.toPlainText()!r}"
    assert decision.validity.text() == VALIDITY
    qtbot.mouseClick(decision.ok, Qt.MouseButton.LeftButton)
    wait_for(qtbot, "the custodian's password asked", lambda: sign.password is not None and sign.password.isVisible())
    password = sign.password
    qtbot.keyClicks(password.password, DEMO_PASSWORD)
    qtbot.keyClick(password.password, Qt.Key.Key_Return)
    wait_for(qtbot, "the case gone from the chief's queue",
             lambda: approval.case_id not in [r.case_id for r in sign.queue_model.rows], seen=sign.status.text)
    wait_for(qtbot, "workstation 2 sent the decision", lambda: synced(chief_win), seen=chief_win.sync_label.text)
    close_window(chief_win)

    # -- 6. back at workstation 1: the certificate from the decision, then the handover ------------------
    clock.advance(minutes=30)
    win.show_section("sync")  # the chief rang: the clerk does not wait for the minute's periodic run
    qtbot.mouseClick(win.sync_view.sync_button, Qt.MouseButton.LeftButton)
    win.show_section("certificates")
    certs = win.certificates
    wait_for(qtbot, "the approved case in 发证's queue at workstation 1 after sync",
             lambda: approval.case_id in [p.case_id for p in certs.pending.rows],
             seen=lambda: (win.sync_label.text(), [p.case_id for p in certs.pending.rows],
                           _state_at(one, approval.case_id), _state_at(two, approval.case_id),
                           win.sync_view.sync_button.isEnabled(), win.sync_controller.running))
    certs.tabs.setCurrentIndex(0)
    certs.pending_table.selectRow([p.case_id for p in certs.pending.rows].index(approval.case_id))
    qtbot.mouseClick(certs.issue_open, Qt.MouseButton.LeftButton)
    form = certs.form
    assert form is not None, "制证… opened no form"
    scope = form.inputs["scope"]
    assert not scope.isEnabled() and "预包装食品销售" in scope.toPlainText() \
        and "热食类" not in scope.toPlainText(), f"the certificate does not take the decision's terms: {scope.toPlainText()!r}"
    form.password.setFocus()
    qtbot.keyClicks(form.password, DEMO_PASSWORD)
    qtbot.mouseClick(form.issue_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, "the certificate issued", lambda: certs.last_issued is not None,
             seen=lambda: (form.status.text(), form.errors.messages() if hasattr(form.errors, "messages") else ""))
    issued = certs.last_issued
    assert "2031" in str(issued.valid_to), f"validity differs from the decision: {issued.valid_to}"
    wait_for(qtbot, "the no-printer line for the certificate", lambda: "本机未接打印机" in win.statusBar().currentMessage())
    certs.tabs.setCurrentIndex(1)
    certs.select_certificate(issued.id)
    certs.deliver_selected()
    handover = certs.delivery_dialog
    assert handover is not None and handover.isVisible(), "交付 opened no dialog"
    ime_type(handover.name, "王䶮")
    qtbot.keyClicks(handover.id_number, PERSON_ID)
    qtbot.mouseClick(handover.ok_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, "the handover recorded with its 送达回证", lambda: handover.result_ is not None
             and not handover.isVisible(), seen=lambda: handover.status.text())
    wait_for(qtbot, "the register showing the certificate delivered",
             lambda: {c.id: c.status for c in certs.register.rows}.get(issued.id) == "delivered")
    expected[approval.case_no] = "已送达"
    win.show_section("cases")
    wait_for(qtbot, "the 办件 list showing the case delivered", lambda: case_states(win) == expected,
             seen=lambda: case_states(win))
    wait_for(qtbot, "workstation 1 sent the certificate and the handover", lambda: synced(win),
             seen=win.sync_label.text)

    # -- 7. the end of the day: every page tells the same truth, nothing stale, nothing doubled -----------
    open_cases = {approval.case_id, notice.case_id, deferred.case_id} - {approval.case_id}  # delivered: done
    due = win.due_panel
    due.refresh()

    def due_ids() -> list[str]:
        d = due.due
        return [r.id for r in (*d.overdue, *d.due_soon, *d.moved)] if d is not None else ["(not loaded)"]

    wait_for(qtbot, "the due panel holding no case twice and no finished case",
             lambda: len(due_ids()) == len(set(due_ids())) and set(due_ids()) <= open_cases, seen=due_ids)
    win.show_section("stats")
    wait_for(qtbot, "统计 counting three acceptances (受理, 补正 then 受理, 容缺受理) without 统计 being pressed",
             lambda: win.stats.card_labels["accepted"].text() == "3",
             seen=lambda: {k: v.text() for k, v in win.stats.card_labels.items()})
    win.show_section("certificates")
    wait_for(qtbot, "发证: the queue empty and one certificate in the register, delivered",
             lambda: not certs.pending.rows and [c.status for c in certs.register.rows] == ["delivered"],
             seen=lambda: ([p.case_no for p in certs.pending.rows], [c.status for c in certs.register.rows]))
    win.show_section("signoff")
    wait_for(qtbot, "签批: nothing left on the clerk's desk for the decided case",
             lambda: approval.case_id not in [r.case_id for r in win.signoff.desk_model.rows])
    win.show_section("cases")
    assert case_states(win) == expected and len(win.cases.model.rows) == 4, case_states(win)
    close_window(win)


def _state_at(station: Workstation, case_id: str) -> object:
    from db.models import Case

    with station.ctx.read() as s:
        case = s.get(Case, case_id)
        return None if case is None else (case.state, case.reviewer_id, getattr(case, "decision_content", None))
