"""告知承诺 and site visits in the figures and the exported workbook, against counts made by hand.

Four 告知承诺 cases accepted Friday 2026-11-20 (post-check deadline 12-18, twenty working days on): A, B, C decided
on the spot, D not decided. A checked 属实 on 12-18 (on time), B 不属实 on 12-21 (late) and revoked with its credit
record, C and D never checked. Three 食品经营许可 cases with a visit each scheduled the same day: one resulted 限期整改
with two photos, one 符合 with one photo on 11-25, the third still waiting. The figures are read on 12-22.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook
from ow_testkit import at_local
from signoff_kit import ADMIN, CHIEF, FRIDAY, accepted, start, who
from tests_commitment_terms import decided_on_commitment
from visit_kit import FOOD, photo, visit_on

from app.cases.commitments import record_check
from app.cases.site_visits import VisitResultInput, record_visit_result, schedule_site_visit
from app.certificates.revocation import revoke_on_false_commitment
from app.core.context import AppContext
from app.figures.report import window_figures
from app.figures.workbook import export_xlsx, promise_rows
from app.station.bootstrap import DEMO_PASSWORD

VISIT_DAY = date(2026, 11, 25)
SHEET = "告知承诺与现场核查"
# By hand, over 2026-11-01 … 2026-12-31 (see the module's story):
DECEMBER_TOO = {"告知承诺受理": 4, "告知承诺准予许可": 3, "核查到期": 4, "完成核查": 2, "其中按期核查": 1,
                "逾期未核查": 3, "核查不属实": 1, "撤销许可": 1, "信用记录": 1, "安排现场核查": 3, "完成现场核查": 2,
                "附现场照片": 2, "现场照片（张）": 3, "核查符合": 1, "限期整改": 1, "核查不符合": 0}
# … and over November alone: nothing fell due, nothing was checked or revoked yet.
NOVEMBER = {**DECEMBER_TOO, "核查到期": 0, "完成核查": 0, "其中按期核查": 0, "逾期未核查": 0, "核查不属实": 0,
            "撤销许可": 0, "信用记录": 0}


def _story(ctx: AppContext) -> int:
    ws = SimpleNamespace(ctx=ctx, actor=lambda username: who(ctx, username))
    start(ctx, FRIDAY)
    a, b, _c = (decided_on_commitment(ws) for _ in range(3))
    decided_on_commitment(ws, decide=False)
    clerk = who(ctx, "wangyan")
    visits = [schedule_site_visit(ctx, clerk, accepted(ctx, FOOD), visit_on(VISIT_DAY)).id for _ in range(3)]
    start(ctx, at_local(2026, 11, 25, 16))
    record_visit_result(ctx, clerk, visits[0], VisitResultInput(
        "rectify", "冷库温度记录缺失", date(2026, 12, 1), (("冷库.png", photo()), ("操作间.png", photo((9, 9, 9))))))
    record_visit_result(ctx, clerk, visits[1], VisitResultInput("meets", photos=(("场所.png", photo()),)))
    start(ctx, at_local(2026, 12, 18, 16))
    record_check(ctx, clerk, a, "true", "")
    start(ctx, at_local(2026, 12, 21, 10))
    record_check(ctx, clerk, b, "false", "经营场所与承诺不符")
    revoke_on_false_commitment(ctx, who(ctx, CHIEF), b, custodian_password=DEMO_PASSWORD)
    start(ctx, at_local(2026, 12, 22, 10))
    return int(clerk.window_id)


def _sheet(path: Path) -> dict[str, object]:
    ws = load_workbook(path)[SHEET]
    assert [c.value for c in ws[4]] == ["项目", "件数"]
    return {str(r[0]): r[1] for r in ws.iter_rows(min_row=5, max_col=2, values_only=True) if r[1] is not None}


def test_the_workbook_counts_commitments_and_site_visits_as_counted_by_hand(ctx: AppContext, tmp_path: Path) -> None:
    window = _story(ctx)
    admin = who(ctx, ADMIN)
    whole = window_figures(ctx, admin, date(2026, 11, 1), date(2026, 12, 31), "month", window, "A01")
    assert load_workbook(export_xlsx(whole, tmp_path / "全期.xlsx")).sheetnames[-1] == SHEET
    assert _sheet(tmp_path / "全期.xlsx") == DECEMBER_TOO
    assert [label for label, n in promise_rows(whole) if n is None] == ["告知承诺", "现场核查"]  # section heads
    november = window_figures(ctx, admin, date(2026, 11, 1), date(2026, 11, 30), "month", window, "A01")
    assert _sheet(export_xlsx(november, tmp_path / "十一月.xlsx")) == NOVEMBER
    other = window_figures(ctx, admin, date(2026, 11, 1), date(2026, 12, 31), "month", who(ctx, "wuqian").window_id)
    assert set(_sheet(export_xlsx(other, tmp_path / "其他窗口.xlsx")).values()) == {0}  # another window's figures
