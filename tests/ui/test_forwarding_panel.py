"""上报 on screen: the due panel lists the case to forward with its light; the detail shows the department's time."""

from __future__ import annotations

from ow_testkit import at_local
from pytestqt.qtbot import QtBot
from signoff_kit import accepted, start, who

from app.core.context import AppContext
from app.reference.hall import hall_info
from app.signoff.decisions import record_backoffice_decision
from app.signoff.review import forward_case
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences

FORWARDED = "第三类医疗器械经营许可"


def test_due_panel_then_department_time_on_the_detail(qtbot: QtBot, ctx: AppContext) -> None:
    clerk = who(ctx, "wangyan")
    start(ctx, at_local(2026, 12, 10, 10))  # Thursday: forward by Monday 12-14
    case_id = accepted(ctx, FORWARDED)
    start(ctx, at_local(2026, 12, 15, 9))  # Tuesday: late
    win = MainWindow(ctx, clerk, hall_info(ctx), prefs=Preferences(demo=True))
    qtbot.addWidget(win)
    panel = win.due_panel
    panel.refresh()
    assert "待上报 <b>1</b> 件" in panel.summary.text()
    rows = [panel.list.item(i) for i in range(panel.list.count())]
    line = next(r for r in rows if "上报期限" in r.text())
    assert "2026-12-14" in line.text() and "已逾期" in line.text()
    panel.list.itemActivated.emit(line)
    assert win.cases.detail.detail.id == case_id  # type: ignore[union-attr]

    forward_case(ctx, clerk, case_id, "报市局审批")
    start(ctx, at_local(2026, 12, 23, 9))
    record_backoffice_decision(ctx, case_id, "approve", decided_at=at_local(2026, 12, 22, 16),
                               decided_by="云岫市市场监督管理局", opinion="同意", content="第三类医疗器械", validity="五年")
    win.cases.open_case(case_id)  # type: ignore[union-attr]
    text = win.cases.detail.limits_label.text()  # type: ignore[union-attr]
    assert "上报期限 2026-12-14" in text and "逾期上报" in text
    assert "部门用时 5 个工作日" in text and "法定时限 20 个工作日（至 2027-01-08）" in text
