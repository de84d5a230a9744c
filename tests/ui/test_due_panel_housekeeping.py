"""The due panel lists each case housekeeping could not handle, with the reason, and opens it."""

from __future__ import annotations

from ow_testkit import at_local, clerk, complete, item_named, set_clock
from pytestqt.qtbot import QtBot
from signoff_kit import ADMIN, who
from sqlalchemy import select

from app.core.context import AppContext
from app.intake.outcomes import receive_case
from app.reference.hall import hall_info
from app.seal.custody import revoke_seal
from app.station.housekeeping import run_housekeeping
from db.models import Seal, Window
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences


def test_a_case_housekeeping_left_over_is_on_the_due_panel(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 2, 9))  # Monday; notice due 11-09
    r = receive_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))
    with ctx.read() as s:
        seal_id = s.execute(select(Seal.id).join(Window, Window.id == Seal.window_id)
                            .where(Window.number == "A01")).scalar_one()
    revoke_seal(ctx, who(ctx, ADMIN), seal_id, "印章更换")
    set_clock(ctx, at_local(2026, 11, 10, 9))
    result = run_housekeeping(ctx, 60)
    win = MainWindow(ctx, clerk(ctx), hall_info(ctx), prefs=Preferences(demo=True))
    qtbot.addWidget(win)
    panel = win.due_panel
    panel.set_housekeeping_problems(result.failed)
    first = panel.list.item(0)
    assert r.case_no in first.text() and "印章已撤销" in first.text() and "未能自动处理" in first.text()
    panel.list.itemActivated.emit(first)
    assert win.pages.currentWidget() is win.cases and win.cases.detail.detail.id == r.case_id  # type: ignore[union-attr]
