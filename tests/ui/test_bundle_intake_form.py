"""The 一件事 form alone at the comprehensive window: theme picked → one merged list → accept → the form is
cleared, a second Alt+S makes no second bundle, and the bundle's documents are there to print."""

from __future__ import annotations

from bundle_kit import application, theme
from bundle_ui_kit import fill_bundle_form
from day_kit import ime_type
from ow_testkit import PERSON_ID, at_local, clerk, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.bundles.bundle_intake import BundleResult, accept_bundle
from app.core.context import AppContext
from db.models import Bundle, Case, Document
from ui.bundles.intake_view import BundleIntakeView
from ui.figures.stats_view import StatsView
from ui.widgets.preferences import Preferences


def _view(qtbot: QtBot, ctx: AppContext) -> BundleIntakeView:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    view = BundleIntakeView(ctx, clerk(ctx))  # zhangmin: the comprehensive window W01
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.activateWindow()  # the shortcuts belong to the active window
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.picker.count() > 1)
    return view


def _count(ctx: AppContext, model: type) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_one_form_one_merged_list_one_bundle(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    fill_bundle_form(qtbot, view)
    t = theme(ctx)
    asked = [p for p in t.papers if not p.from_part and not p.for_agent]
    shown = [r.paper.name for r in view.papers.rows if r.status.isVisible()]
    assert shown == [p.name for p in asked] and len(set(shown)) == len(shown)  # each paper once
    shared = [p for p in asked if len(p.item_codes) > 1]
    assert shared, "开办餐饮店 has papers several items need"
    needs = {r.paper.name: r.needs for r in view.papers.rows}
    names = {p.item_code: p.item_name for p in t.parts}
    assert all(names[c] in needs[shared[0].name] for c in shared[0].item_codes)
    assert view.parts.rowCount() == len(t.parts)
    with qtbot.waitSignal(view.completed, timeout=30_000) as done:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # the second press finds an empty form
    result: BundleResult = done.args[0]
    assert result.bundle_no.startswith("YJ") and len(result.parts) == len(t.parts)
    assert "已受理" in view.status.text() and result.bundle_no in view.status.text()
    assert view.picker.currentIndex() == 0 and view.applicant.lines["name"].text() == ""
    assert not view.papers.rows and view.parts.rowCount() == 0
    QApplication.processEvents()
    assert _count(ctx, Bundle) == 1 and _count(ctx, Case) == len(t.parts)
    with ctx.read() as s:
        kinds = sorted(s.execute(select(Document.kind).where(Document.id.in_(result.document_ids))).scalars())
    assert len(kinds) == len(result.document_ids) >= 2  # the one receipt and the one 受理通知书


def test_a_missing_shared_field_is_shown_at_its_field(qtbot: QtBot, ctx: AppContext) -> None:
    view = _view(qtbot, ctx)
    fill_bundle_form(qtbot, view)
    view.applicant.shared["premises"].clear()
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.applicant.shared["premises"].hasFocus())
    assert _count(ctx, Bundle) == 0 and view.picker.currentIndex() > 0  # nothing kept, nothing cleared


def test_the_figures_page_shows_the_bundles(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    accept_bundle(ctx, clerk(ctx), application(ctx))
    view = StatsView(ctx, clerk(ctx), Preferences(demo=True))
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.bundle_tab.figures is not None)
    f = view.bundle_tab.figures
    assert f is not None and f.received == 1 and f.finished == 0
    assert "受理“一件事” 1 件" in view.bundle_tab.summary.text()
    assert view.tabs.tabText(view.tabs.indexOf(view.bundle_tab)) == "一件事一次办"


def test_items_added_by_hand(qtbot: QtBot, ctx: AppContext) -> None:
    """自选事项 at the end of the theme list: tick two items (one is not enough), then one intake as for a theme."""
    view = _view(qtbot, ctx)
    view.pick_theme("ADHOC")
    qtbot.waitUntil(lambda: view.item_picker is not None and view.item_picker.isVisible())
    picker = view.item_picker
    assert picker is not None
    picker.filter.setText("spsc")  # 食品生产许可 by its pinyin initials
    shown = [picker.list.item(i).text() for i in range(picker.list.count()) if not picker.list.item(i).isHidden()]
    assert any(t.startswith("食品生产许可") for t in shown)
    picker.tick("330999-SJ-XK-008")
    assert not picker.ok_button.isEnabled() and "至少 2 个" in picker.count.text()
    picker.tick("330999-WJ-XK-001")
    assert picker.ok_button.isEnabled()
    picker.accept()
    qtbot.waitUntil(lambda: view.theme is not None and view.theme.code == "ADHOC")
    assert view.parts.rowCount() == 2 and "B01 卫生健康窗口" in view.parts.item(1, 1).text()
    view.activateWindow()  # the keys belong to the active window, the form's again once the dialog is gone
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    ime_type(view.applicant.lines["name"], "王䶮")
    qtbot.keyClicks(view.applicant.lines["id_number"], PERSON_ID)
    qtbot.keyClicks(view.applicant.lines["phone"], "13800001234")
    ime_type(view.applicant.lines["address"], "云岫市桂花巷 12 号")
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    with qtbot.waitSignal(view.completed, timeout=30_000) as done:
        qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    result: BundleResult = done.args[0]
    assert len(result.parts) == 2 and {p.state for p in result.parts} == {"accepted"}
    with ctx.read() as s:
        assert s.get(Bundle, result.bundle_id).theme_code == "ADHOC"  # type: ignore[union-attr]
