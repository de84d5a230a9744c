"""电子监察 figures per week and month, hand-counted on the 2026 schedule (国办发明电〔2025〕7号:
中秋 9月25日—27日 off; 国庆 10月1日—7日 off, 10月10日 (Saturday) a working day), and the .xlsx export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from ow_testkit import at_local, clerk, complete, item_named, set_clock, with_status

from app.cases.ratings import record_rating
from app.cases.special_procedures import end_suspension, start_suspension
from app.core.context import AppContext
from app.documents.data import Refusal
from app.figures.report import bucket, window_figures
from app.figures.workbook import export_xlsx
from app.intake.outcomes import accept_case, notify_case, refuse_case
from db.models import Case

DRUGS, FOOD = "药品零售许可", "食品经营许可"  # promised/legal 10/20 and 5/10 working days


def _decide(ctx: AppContext, case_id: str, y: int, m: int, d: int) -> None:
    """The decision itself belongs to review and sign-off; here only its time matters."""
    with ctx.write() as s:
        case = s.get(Case, case_id)
        case.state, case.decision, case.decided_at = "approved", "approved", at_local(y, m, d, 15)


@pytest.fixture
def month(ctx: AppContext) -> AppContext:
    actor = clerk(ctx)
    set_clock(ctx, at_local(2026, 9, 21, 9))  # Monday
    a = accept_case(ctx, actor, complete(item_named(ctx, DRUGS))).case_id  # promised 10-12, legal 10-26
    b = accept_case(ctx, actor, complete(item_named(ctx, FOOD))).case_id  # promised 9-29, legal 10-12
    c = accept_case(ctx, actor, complete(item_named(ctx, DRUGS))).case_id
    set_clock(ctx, at_local(2026, 9, 22, 9))
    food = item_named(ctx, FOOD)
    notify_case(ctx, actor, complete(food, overrides=with_status(food, 1, "missing")))
    set_clock(ctx, at_local(2026, 9, 29, 9))
    start_suspension(ctx, actor, c, "expert_review", "专家评审", 5)
    set_clock(ctx, at_local(2026, 10, 13, 9))
    end_suspension(ctx, actor, c)  # suspended 9-29 … 10-13 → promised 10-21
    set_clock(ctx, at_local(2026, 10, 12, 9))
    refuse_case(ctx, actor, complete(food), Refusal("不属于本机关职权范围", "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
                                                  "云岫市某局", "云岫市人民政府", "云岫市人民法院"))
    _decide(ctx, a, 2026, 10, 9)  # used 9-22,23,24,28,29,30,10-8,9 = 8 working days; on time (≤ 10-12)
    _decide(ctx, b, 2026, 10, 13)  # used 11 (… 10-10 Sat, 10-12, 10-13); late (> 9-29) and over legal (> 10-12)
    _decide(ctx, c, 2026, 10, 20)  # used 9-22,23,24,28, 10-14,15,16,19,20 = 9; on time (≤ 10-21)
    set_clock(ctx, at_local(2026, 10, 20, 16))
    record_rating(ctx, actor, a, "acceptance", 5, "办事很快", "paper")
    record_rating(ctx, actor, b, "completion", 2, "超期了", "paper")
    return ctx


def test_buckets() -> None:
    assert bucket(date(2026, 10, 18), "week") == date(2026, 10, 12)  # Sunday → its Monday
    assert bucket(date(2026, 10, 12), "week") == date(2026, 10, 12)
    assert bucket(date(2026, 10, 31), "month") == date(2026, 10, 1)


def test_weekly_figures(month: AppContext) -> None:
    ctx = month
    f = window_figures(ctx, clerk(ctx), date(2026, 9, 21), date(2026, 10, 25), "week", clerk(ctx).window_id)
    weeks = {p.start: p for p in f.periods}
    assert list(weeks) == [date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12),
                           date(2026, 10, 19)]
    assert (weeks[date(2026, 9, 21)].accepted, weeks[date(2026, 9, 21)].notices) == (3, 1)
    w = weeks[date(2026, 10, 5)]
    assert (w.completed, w.on_time, w.late, w.avg_workdays) == (1, 1, 0, 8)
    w = weeks[date(2026, 10, 12)]
    assert (w.completed, w.on_time, w.late, w.over_legal, w.avg_workdays, w.refusals) == (1, 0, 1, 1, 11, 1)
    w = weeks[date(2026, 10, 19)]
    assert (w.completed, w.on_time, w.avg_workdays) == (1, 1, 9)
    t = f.total
    assert (t.accepted, t.completed, t.on_time, t.late, t.notices, t.refusals, t.forwarded) == (3, 3, 2, 1, 1, 1, 0)
    assert t.avg_workdays == pytest.approx(28 / 3) and t.on_time_rate == pytest.approx(2 / 3)
    speeds = {i.item_name: i for i in f.items}
    assert speeds[DRUGS].accepted == 2 and speeds[DRUGS].rate == pytest.approx(0.5)
    assert speeds[FOOD].accepted == 1 and speeds[FOOD].rate == pytest.approx(0.5)
    assert f.ratings[5] == 1 and f.ratings[2] == 1 and f.bad == 1 and f.rated == 2
    assert [b.comment for b in f.bad_reviews] == ["超期了"]


def test_monthly_and_daily_figures(month: AppContext) -> None:
    ctx = month
    actor = clerk(ctx)
    f = window_figures(ctx, actor, date(2026, 9, 1), date(2026, 10, 31), "month")
    assert [(p.label, p.accepted, p.completed, p.notices, p.refusals) for p in f.periods] == [
        ("2026年9月", 3, 0, 1, 0), ("2026年10月", 0, 3, 0, 1)]
    day = window_figures(ctx, actor, date(2026, 10, 13), date(2026, 10, 13), "day")
    assert [(p.completed, p.late) for p in day.periods] == [(1, 1)]
    other = window_figures(ctx, actor, date(2026, 9, 1), date(2026, 10, 31), "month", window_id=actor.window_id + 1)
    assert other.total.accepted == 0 and other.rated == 0


def test_export_xlsx(month: AppContext, tmp_path: Path) -> None:
    ctx = month
    f = window_figures(ctx, clerk(ctx), date(2026, 9, 21), date(2026, 10, 25), "week", scope="A01 市场监管综合窗口")
    path = export_xlsx(f, tmp_path / "统计.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["办件统计", "事项提速率", "好差评", "告知承诺与现场核查"]
    ws = wb["办件统计"]
    assert [c.value for c in ws[4]][:4] == ["期间", "受理", "办结", "按时办结"]
    total = [c.value for c in ws[4 + len(f.periods) + 1]]
    assert total[:6] == ["合计", 3, 3, 2, 1, 1]
    assert total[6] == pytest.approx(2 / 3) and ws.cell(row=4 + len(f.periods) + 1, column=7).number_format == "0.0%"
    assert len(ws._charts) == 1
    items = {r[1]: r for r in wb["事项提速率"].iter_rows(min_row=5, values_only=True)}
    assert items[DRUGS][2:] == (2, 10, 20, 0.5)
    rated = wb["好差评"]
    assert [rated.cell(row=r, column=2).value for r in range(5, 11)] == [1, 0, 0, 1, 0, 2]
    assert rated.cell(row=13, column=6).value == "超期了"


def test_deemed_acceptance_counts_on_the_day_of_receipt(ctx: AppContext) -> None:
    """Art. 32: accepted from the day materials were received, whenever the sweep notices it; each one is
    also counted as 视为受理 (a five-day notice the window missed)."""
    from app.intake.outcomes import receive_case, sweep_deemed_acceptance

    actor, food = clerk(ctx), item_named(ctx, FOOD)
    # Mon 09-28 before National Day, material 2 missing: notice due 09-29, 09-30, 10-08, 10-09, Sat 10-10.
    set_clock(ctx, at_local(2026, 9, 28, 9))
    receive_case(ctx, actor, complete(food, overrides=with_status(food, 2, "missing")))
    # Mon 11-02: notice due 11-03 … 11-09 (weekend 11-07/08 not counted); accepted at the counter the same day.
    set_clock(ctx, at_local(2026, 11, 2, 9))
    receive_case(ctx, actor, complete(food))
    accept_case(ctx, actor, complete(food))
    set_clock(ctx, at_local(2026, 10, 12, 8))
    assert len(sweep_deemed_acceptance(ctx).done) == 1  # the September one
    set_clock(ctx, at_local(2026, 11, 10, 8))
    assert len(sweep_deemed_acceptance(ctx).done) == 1  # the November one, on Tuesday 11-10

    week = window_figures(ctx, actor, date(2026, 11, 2), date(2026, 11, 9), "day", actor.window_id)
    days = {p.start: p for p in week.periods}
    assert (days[date(2026, 11, 2)].accepted, days[date(2026, 11, 2)].deemed) == (2, 1)
    assert (week.total.accepted, week.total.deemed) == (2, 1)
    after = window_figures(ctx, actor, date(2026, 11, 10), date(2026, 11, 10), "day", actor.window_id)
    assert (after.total.accepted, after.total.deemed) == (0, 0), "not on the sweep's day"
    autumn = window_figures(ctx, actor, date(2026, 9, 28), date(2026, 10, 11), "week", actor.window_id)
    weeks = {p.start: p for p in autumn.periods}
    assert (weeks[date(2026, 9, 28)].accepted, weeks[date(2026, 9, 28)].deemed) == (1, 1)
    assert (weeks[date(2026, 10, 5)].accepted, weeks[date(2026, 10, 5)].deemed) == (0, 0)
    month = window_figures(ctx, actor, date(2026, 9, 1), date(2026, 11, 30), "month", actor.window_id)
    assert [(p.accepted, p.deemed) for p in month.periods] == [(1, 1), (0, 0), (2, 1)]
