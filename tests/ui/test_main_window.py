"""The main window in Chinese: status bar, navigation, and the catalog browser driven by keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.auth import login
from app.core.context import AppContext
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD
from ui.catalog.view import CatalogView, ItemTableModel
from ui.system.login_dialog import LoginDialog
from ui.system.main_window import SECTIONS, MainWindow


def _user(ctx: AppContext, role: str) -> str:
    import sqlite3

    from app.core.auth import Role

    con = sqlite3.connect(ctx.data.database)
    try:
        return con.execute("SELECT username FROM staff WHERE role=? ORDER BY id", (str(Role(role)),)).fetchone()[0]
    finally:
        con.close()


def test_status_bar_and_navigation(qtbot: QtBot, ctx: AppContext) -> None:
    actor = login(ctx, _user(ctx, "clerk"), DEMO_PASSWORD)
    win = MainWindow(ctx, actor, hall_info(ctx))
    qtbot.addWidget(win)
    texts = [w.text() for w in win.statusBar().findChildren(QLabel)]
    assert hall_info(ctx).name in texts and f"值班：{actor.name}" in texts and "窗口工作人员" in texts
    assert actor.window_name in texts and actor.department_name in texts
    assert [win.nav.item(i).text() for i in range(win.nav.count())] == [t for _k, t in SECTIONS]


def test_catalog_search_by_initials(qtbot: QtBot, ctx: AppContext) -> None:
    actor = login(ctx, _user(ctx, "clerk"), DEMO_PASSWORD)
    view = CatalogView(ctx, actor)
    qtbot.addWidget(view)
    qtbot.keyClicks(view.search, "spjy")
    qtbot.waitUntil(lambda: bool(view.model.items) and view.model.items[0].name.startswith("食品经营"))
    qtbot.waitUntil(lambda: "食品经营" in view.guide.toPlainText())  # the guide is read off the UI thread
    html = view.guide.toHtml()
    assert "申请材料" in html and "设定依据" in html and "投诉电话" in html


def test_item_model_passes_qt_model_tester(qtmodeltester, ctx: AppContext) -> None:  # type: ignore[no-untyped-def]
    from app.reference.catalog import search_items

    actor = login(ctx, _user(ctx, "clerk"), DEMO_PASSWORD)
    model = ItemTableModel()
    model.set_items(search_items(ctx, actor, ""))
    qtmodeltester.check(model)


def test_login_dialog_shows_error_at_password(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, _user(ctx, "clerk"))
    qtbot.keyClick(dialog.username, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "用户名或密码错误" and dialog.actor is None
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.result() == LoginDialog.DialogCode.Accepted


def test_the_catalog_page_warns_on_a_promise_over_half_the_legal_limit(qtbot: QtBot, ctx: AppContext) -> None:
    from promise_kit import slow_catalog  # the demo catalog with 药品零售许可 promised 15 of 20 days

    from app.sync.reference_data import load_catalog

    actor = login(ctx, _user(ctx, "clerk"), DEMO_PASSWORD)
    calm = CatalogView(ctx, actor)
    qtbot.addWidget(calm)
    qtbot.waitUntil(lambda: bool(calm.model.items))  # the page loads off the UI thread
    assert calm.promise_warning.isHidden()  # the demo catalog keeps every promise
    with ctx.write("catalog") as s:
        load_catalog(s, slow_catalog(), "test")
    view = CatalogView(ctx, actor)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.promise_warning.isHidden())
    assert "1 个事项" in view.promise_warning.text() and "药品零售许可" in view.promise_warning.text()
    qtbot.keyClicks(view.search, "yplsxk")  # pinyin initials of 药品零售许可
    qtbot.waitUntil(lambda: bool(view.model.items) and view.model.items[0].name == "药品零售许可")
    assert "提速率低于50%" in view.model.data(view.model.index(0, 3))
    qtbot.waitUntil(lambda: "药品零售许可" in view.guide.toPlainText())
    assert "警告" in view.guide.toPlainText() and "提速率 25%" in view.guide.toPlainText()


def test_the_figures_mark_each_item_against_the_fifty_percent_line(qtbot: QtBot, ctx: AppContext) -> None:
    from ow_testkit import at_local, clerk, complete, item_named, set_clock
    from promise_kit import slow_catalog
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from app.intake.outcomes import accept_case
    from app.sync.reference_data import load_catalog
    from db.models import CatalogVersion, Item
    from ui.figures.stats_view import StatsView
    from ui.widgets.preferences import Preferences

    set_clock(ctx, at_local(2026, 12, 10, 10))
    accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))  # 5 of 10 days: 50 %, meets it
    with ctx.write("catalog") as s:
        load_catalog(s, slow_catalog(), "test")
    with ctx.read() as s:  # the new version's item (the old version stays for the cases that cite it)
        slow = s.execute(select(Item).options(selectinload(Item.materials)).join(CatalogVersion).where(
            Item.name == "药品零售许可", CatalogVersion.current.is_(True))).scalar_one()
    accept_case(ctx, clerk(ctx), complete(slow))  # 15 of 20 days: 25 %
    view = StatsView(ctx, clerk(ctx), Preferences(demo=True))
    qtbot.addWidget(view)
    rows = {view.items.item(r, 1).text(): [view.items.item(r, c).text() for c in range(7)]
            for r in range(view.items.rowCount())}
    assert rows["食品经营许可"][5:] == ["50%", "达标"]
    assert rows["药品零售许可"][3:] == ["15", "20", "25%", "低于 50%"]


def test_unopened_pages_are_built_while_the_counter_is_quiet(qtbot: QtBot, ctx: AppContext,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A page's first build holds the UI thread (#18): it is done between applicants, never while the clerk
    types or the window is locked, in the navigation's order, and the page the clerk then opens is the one
    built."""
    import ui.system.main_window as main_window

    monkeypatch.setattr(main_window, "PREBUILD_EVERY_MS", 20)
    actor = login(ctx, _user(ctx, "clerk"), DEMO_PASSWORD)
    win = MainWindow(ctx, actor, hall_info(ctx))
    qtbot.addWidget(win)
    win.show()
    quiet = {"ms": 0}
    win.prebuild_pages(lambda: quiet["ms"])
    opened = set(win._built)
    assert opened == {"intake"}
    qtbot.wait(150)
    assert set(win._built) == opened  # the clerk is typing: nothing built
    quiet["ms"] = main_window.PREBUILD_QUIET_MS
    qtbot.waitUntil(lambda: len(win._built) > len(opened), timeout=2000)
    order = [k for k, _t in SECTIONS if k not in opened]
    assert [k for k in win._built if k not in opened] == order[:len(win._built) - len(opened)]  # in turn
    win.setEnabled(False)  # the lock screen disables the window: nothing is built behind it
    built = set(win._built)
    qtbot.wait(150)
    assert set(win._built) == built
    win.setEnabled(True)
    with qtbot.waitSignal(win.every_page_built, timeout=5000):
        pass
    assert set(win._built) == {k for k, _t in SECTIONS}
    cases = win.cases
    win.show_section("cases")
    assert win.pages.currentWidget() is cases  # opening it shows the page built in the quiet
