"""A bundle's progress: the 前置's approval starts the parts waiting on it (their clock from that day), its
denial stops them with a notice event; the bundle's state, its longest-path deadline and lights."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from bundle_kit import FIRE, FOOD_LICENCE, REGISTRATION, SIGN, application
from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import select

from app.bundles.bundle_intake import accept_bundle
from app.bundles.bundle_progress import bundle_progress
from app.cases.lights import Light
from app.core.context import AppContext
from app.core.errors import AppError
from app.signoff.decisions import DecisionInput, decide_single
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case, CaseEvent, OutboxOp

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
APPROVE = DecisionInput("approve", "符合条件，准予登记", content="核准个体工商户设立登记")
DENY = DecisionInput("deny", "经营场所不符合要求", reasons="经营场所位于禁止经营餐饮的居民楼内",
                     basis="《中华人民共和国市场主体登记管理条例》第二十一条")


def _cases(ctx: AppContext, bundle_id: str) -> dict[str, Case]:
    with ctx.read() as s:
        return {c.item_code: c for c in s.execute(select(Case).where(Case.bundle_id == bundle_id)).scalars()}


def test_parts_wait_and_the_bundle_runs_on_its_longest_path(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))  # Friday
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    progress = bundle_progress(ctx, clerk(ctx), result.bundle_id)
    assert progress.state == "open" and progress.bundle_no == result.bundle_no
    labels = {p.item_name: p.state_label for p in progress.parts}
    assert labels["个体工商户设立登记"] == "已受理"
    assert labels["食品经营许可"] == labels["户外招牌设置审批"] == "等待前置事项准予"
    assert {p.window for p in progress.parts} == {"A02 市场监管登记注册窗口", "D01 消防救援窗口", "B02 住房城乡建设窗口"}
    # Longest path by law: registration 3 days (→ 25 Nov), then 户外招牌 20 days (→ 23 Dec).
    assert progress.legal_deadline == date(2026, 12, 23)
    assert progress.promised_deadline == date(2026, 11, 27)  # 0 + 5 promised days
    assert progress.light == Light.YELLOW  # the 前置 is due on 25 Nov, within three working days
    # Nothing is reviewed or decided on a part before its 前置 is approved.
    fire = _cases(ctx, result.bundle_id)[FIRE]
    with pytest.raises(AppError) as err:
        decide_single(ctx, clerk(ctx, "fangqing"), fire.id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "waiting_on_prerequisite"


def test_approval_of_the_prerequisite_starts_the_waiting_parts_that_day(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    reg = _cases(ctx, result.bundle_id)[REGISTRATION]
    set_clock(ctx, at_local(2026, 11, 24, 15, 0))  # Tuesday: registration approved at A02
    decide_single(ctx, clerk(ctx, "lina"), reg.id, APPROVE, custodian_password=DEMO_PASSWORD)
    cases = _cases(ctx, result.bundle_id)
    for code in (FOOD_LICENCE, FIRE, SIGN):
        assert cases[code].clock_start == date(2026, 11, 24), code
    # 食品经营许可: promised 5, legal 10 working days from Tue 24 Nov (not counted).
    assert cases[FOOD_LICENCE].promised_deadline == date(2026, 12, 1)
    assert cases[FOOD_LICENCE].legal_deadline == date(2026, 12, 8)
    with ctx.read() as s:
        kinds = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == cases[FIRE].id)
                          .order_by(CaseEvent.id)).scalars().all()
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity_id == cases[FIRE].id)
                        .order_by(OutboxOp.device_seq)).scalars().all()
    assert kinds == ["accepted", "bundle_started"] and ops == ["accept", "clock_start"]
    progress = bundle_progress(ctx, clerk(ctx), result.bundle_id)
    assert "等待前置事项准予" not in {p.state_label for p in progress.parts}
    assert progress.legal_deadline == date(2026, 12, 22)  # 户外招牌 20 days from 24 Nov
    # The fire check can now be decided at D01.
    decide_single(ctx, clerk(ctx, "fangqing"), cases[FIRE].id,
                  DecisionInput("approve", "检查合格", content="准予投入使用、营业"), custodian_password=DEMO_PASSWORD)


def test_denial_of_the_prerequisite_stops_the_waiting_parts(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    reg = _cases(ctx, result.bundle_id)[REGISTRATION]
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    decide_single(ctx, clerk(ctx, "lina"), reg.id, DENY, custodian_password=DEMO_PASSWORD)
    cases = _cases(ctx, result.bundle_id)
    assert {cases[c].state for c in (FOOD_LICENCE, FIRE, SIGN)} == {"stopped"}
    with ctx.read() as s:
        stop = s.execute(select(CaseEvent).where(CaseEvent.case_id == cases[SIGN].id,
                                                 CaseEvent.kind == "bundle_stopped")).scalar_one()
    assert "个体工商户设立登记" in stop.reason and "不予许可" in stop.reason and "告知申请人" in stop.reason
    progress = bundle_progress(ctx, clerk(ctx), result.bundle_id)
    assert progress.state == "ready" and progress.legal_deadline is None and progress.light == Light.NONE
    assert {p.state_label for p in progress.parts} == {"不予许可", "前置未准予，终止办理"}


def test_the_bundle_is_red_when_its_running_part_is_late(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    set_clock(ctx, at_local(2026, 11, 26, 9, 0))  # the registration's legal day (25 Nov) has passed
    progress = bundle_progress(ctx, clerk(ctx), result.bundle_id)
    assert progress.light == Light.RED
    assert next(p for p in progress.parts if p.item_name == "个体工商户设立登记").light == Light.RED
