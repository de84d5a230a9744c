"""政务服务"好差评": never by default, once per stage, paper forms marked, bad reviews followed up in time."""

from __future__ import annotations

from datetime import date

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock
from sqlalchemy import select

from app.cases.ratings import NOT_RATED, bad_reviews, case_ratings, record_follow_up, record_rating
from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from app.intake.outcomes import accept_case
from db.models import Case, OutboxOp, Rating


def _accepted(ctx: AppContext) -> str:
    set_clock(ctx, at_local(2026, 9, 21, 9))
    return accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可"))).case_id


def test_no_rating_shows_not_rated(ctx: AppContext) -> None:
    case_id = _accepted(ctx)
    stages = case_ratings(ctx, clerk(ctx), case_id)
    assert [(s.stage_label, s.text) for s in stages] == [("受理后评价", NOT_RATED), ("办结后评价", NOT_RATED)]
    with ctx.read() as s:
        assert s.execute(select(Rating)).first() is None


def test_paper_form_is_marked_and_once_per_stage(ctx: AppContext) -> None:
    case_id = _accepted(ctx)
    actor = clerk(ctx)
    info = record_rating(ctx, actor, case_id, "acceptance", 4, "态度好", "paper")
    assert info.level_label == "满意" and info.channel_label == "纸质评价表（补录）" and info.entered_by == actor.name
    assert not info.bad and info.follow_up_due is None
    with pytest.raises(AppError) as err:
        record_rating(ctx, actor, case_id, "acceptance", 5, "", "device")
    assert err.value.code == "already_rated"
    with pytest.raises(AppError) as err:
        record_rating(ctx, actor, case_id, "completion", 5, "", "device")  # not decided yet
    assert err.value.code == "not_yet"
    with pytest.raises(ValidationError):
        record_rating(ctx, actor, case_id, "acceptance", 6)
    device = record_rating  # the evaluation device's own entry carries no clerk
    with ctx.write() as s:
        s.get(Case, case_id).decided_at = at_local(2026, 9, 25, 10)
    d = device(ctx, actor, case_id, "completion", 5, "", "device")
    assert d.entered_by == "" and d.channel_label == "评价器"
    stages = case_ratings(ctx, actor, case_id)
    assert [s.text for s in stages] == ["满意", "非常满意"]
    with ctx.read() as s:
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity == "rating")).scalars().all()
    assert ops == ["record", "record"]


def test_bad_review_gets_a_correction_deadline_in_working_days(ctx: AppContext) -> None:
    case_id = _accepted(ctx)
    actor = clerk(ctx)
    set_clock(ctx, at_local(2026, 9, 30, 16))  # Wednesday before 国庆 (10-1 … 10-7 off, 10-10 Saturday works)
    with pytest.raises(ValidationError):
        record_rating(ctx, actor, case_id, "acceptance", 1, "", "paper")  # a bad paper review needs its words
    bad = record_rating(ctx, actor, case_id, "acceptance", 1, "排队太久", "paper", follow_up_workdays=3)
    # 10-8 ①, 10-9 ②, 10-10 ③
    assert bad.bad and bad.level_label == "非常不满意" and bad.follow_up_due == date(2026, 10, 10)
    listed = bad_reviews(ctx, actor, actor.window_id)
    assert [b.id for b in listed] == [bad.id]
    with pytest.raises(ValidationError):
        record_follow_up(ctx, actor, bad.id, " ")
    done = record_follow_up(ctx, actor, bad.id, "已电话回访，增设取号提醒")
    assert done.follow_up_done and bad_reviews(ctx, actor, actor.window_id) == ()
    assert [b.id for b in bad_reviews(ctx, actor, actor.window_id, open_only=False)] == [bad.id]
    with pytest.raises(AppError):
        record_follow_up(ctx, actor, bad.id, "再次整改")
