"""The case desk in Qt: the lazy table model, a scanned receipt barcode, debounced search, detail, due panel, stats."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from case_dialog_kit import FakePrinter, ime_type
from openpyxl import load_workbook
from ow_testkit import at_local, clerk, complete, item_named, person, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.cases.queries import CaseQuery, search_cases
from app.cases.special_procedures import start_suspension
from app.core.context import AppContext
from app.intake.outcomes import accept_case
from app.reference.hall import hall_info
from ui.cases import list_view as case_list_view
from ui.cases.list_view import CaseListView
from ui.cases.table_model import CaseTableModel
from ui.figures.stats_view import StatsView
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences


def _accept(ctx: AppContext, name: str = "王䶮", item: str = "药品零售许可") -> tuple[str, str]:
    r = accept_case(ctx, clerk(ctx), complete(item_named(ctx, item), person(name)))
    return r.case_id, r.case_no


def _view(qtbot: QtBot, ctx: AppContext) -> tuple[CaseListView, FakePrinter]:
    printer = FakePrinter()
    view = CaseListView(ctx, clerk(ctx), Preferences(demo=True), printer)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view, printer


def test_model_passes_qt_model_tester_across_pages(qtmodeltester, qapp, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    set_clock(ctx, at_local(2026, 9, 21, 9))
    for i in range(7):
        _accept(ctx, f"测试{i}")
    actor = clerk(ctx)
    model = CaseTableModel()
    model.set_query(lambda after: search_cases(ctx, actor, CaseQuery(), after, limit=3))
    assert model.rowCount() == 3 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 7
    qtmodeltester.check(model)


def test_scanned_receipt_barcode_opens_the_case(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    _accept(ctx, "李雷")
    target_id, target_no = _accept(ctx, "韩梅梅")
    view, _p = _view(qtbot, ctx)
    view.search.setFocus()
    qtbot.keyClicks(view.search, target_no)  # the scanner "types" the 18 digits …
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # … and Enter
    assert view.stack.currentWidget() is view.detail  # at once: no waiting for the typing pause
    assert view.detail.detail is not None and view.detail.detail.id == target_id
    assert target_no in view.detail.header.text() and "韩梅梅" in view.detail.header.text()
    qtbot.keyClick(view.detail, Qt.Key.Key_Escape)
    assert view.stack.currentWidget() is view.list_page


def test_typing_a_name_queries_once_after_the_pause(qtbot: QtBot, ctx: AppContext,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    _accept(ctx, "王芳")
    _accept(ctx, "王芳芳")
    _accept(ctx, "李王芳")
    view, _p = _view(qtbot, ctx)
    calls: list[str] = []
    real = case_list_view.search_cases

    def counting(ctx_: AppContext, actor: object, query: CaseQuery, after: object = None) -> object:
        calls.append(query.text)
        return real(ctx_, actor, query, after)  # type: ignore[arg-type]

    monkeypatch.setattr(case_list_view, "search_cases", counting)
    view.search.setFocus()
    for ch in "王芳":  # two characters committed one after the other, faster than the pause
        ime_type(view.search, ch)
    qtbot.waitUntil(lambda: calls == ["王芳"], timeout=2000)
    assert sorted(r.applicant_name for r in view.model.rows) == ["王芳", "王芳芳"]
    assert "已显示 2 件" in view.count.text()


def test_table_loads_more_pages_as_it_scrolls(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    for i in range(5):
        _accept(ctx, f"分页{i}")
    view, _p = _view(qtbot, ctx)
    actor = clerk(ctx)
    view.model.set_query(partial(lambda q, after: search_cases(ctx, actor, q, after, limit=2), CaseQuery()))
    assert view.model.rowCount() == 2
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 5 or not view.model.canFetchMore(), timeout=3000)
    while view.model.canFetchMore():  # offscreen views fetch as they lay out; finish what is left
        view.model.fetchMore()
    assert view.model.rowCount() == 5


def test_detail_shows_a_suspension_and_its_notice(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 9, 21, 9))
    case_id, _no = _accept(ctx, "赵敏")
    set_clock(ctx, at_local(2026, 9, 29, 10))
    start_suspension(ctx, clerk(ctx), case_id, "expert_review", "组织专家评审", 5)
    view, _p = _view(qtbot, ctx)
    view.open_case(case_id)
    d = view.detail
    assert d.buttons["suspend"].text() == "结束特别程序…" and d.buttons["suspend"].isEnabled()
    assert not d.buttons["extend"].isEnabled()  # a clerk cannot approve an extension
    labels = [d.timeline.item(r, 2).text() for r in range(d.timeline.rowCount())]
    assert "特别程序开始" in labels and "期限变更" in labels
    docs = [d.documents.item(r, 0).text() for r in range(d.documents.rowCount())]
    assert docs == ["材料接收凭证", "受理通知书", "特别程序告知书"]
    assert d.suspensions.item(0, 0).text() == "专家评审" and d.suspensions.item(0, 5).text() == "进行中"
    assert [d.ratings.item(r, 1).text() for r in range(2)] == ["未评价", "未评价"]


def test_stats_view_counts_and_exports(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    _accept(ctx, "钱多多")
    _accept(ctx, "孙小美", "食品经营许可")
    view = StatsView(ctx, clerk(ctx), Preferences(demo=True))
    qtbot.addWidget(view)
    assert view.card_labels["accepted"].text() == "2"
    path = view.export(tmp_path / "figures.xlsx")
    assert path is not None and load_workbook(path)["办件统计"]["A4"].value == "期间"
    assert view.card_labels["site_visits"].text() == "0/0"  # 现场核查 done / with photos (none scheduled yet)
    assert load_workbook(path)["告知承诺与现场核查"]["A5"].value == "告知承诺"


def test_main_window_has_the_case_desk_stats_and_due_panel(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 9, 21, 9))
    case_id, _no = _accept(ctx, "周芷若")  # promised 2026-10-12 (see tests/core/test_case_deadlines.py)
    set_clock(ctx, at_local(2026, 10, 13, 9))  # a day late
    win = MainWindow(ctx, clerk(ctx), hall_info(ctx), prefs=Preferences(demo=True))
    qtbot.addWidget(win)
    assert isinstance(win.cases, CaseListView) and isinstance(win.stats, StatsView)
    panel = win.due_panel
    win.show()  # the panel loads off the UI thread once it is on screen
    qtbot.waitUntil(lambda: panel.due is not None, timeout=20_000)
    assert panel.due is not None and [r.id for r in panel.due.overdue] == [case_id]
    assert "逾期 <b>1</b> 件" in panel.summary.text()
    panel.list.itemActivated.emit(panel.list.item(0))
    assert win.pages.currentWidget() is win.cases and win.cases.detail.detail.id == case_id  # type: ignore[union-attr]
