"""政务服务"好差评": the applicant's own rating after acceptance and after completion, and bad-review follow-up.

A rating is never filled in by default: a stage without one shows 未评价. Ratings come from the
evaluation device or are typed in from a paper form (channel "paper", marked with who entered it).
Bad reviews (不满意, 非常不满意) get a correction deadline in working days (setting
"ratings/follow_up_workdays") and stay on the follow-up list until the correction is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive, utc_start_of
from app.core.errors import AppError, NotFound, ValidationError
from app.records.case_events import add_event
from app.reference import settings, workdays
from app.reference.calendar import CalendarError
from db.models import Case, Rating, Staff

LEVELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_LEVELS = frozenset({1, 2})
STAGES: dict[str, str] = {"acceptance": "受理后评价", "completion": "办结后评价"}
CHANNELS: dict[str, str] = {"device": "评价器", "qr": "扫码评价", "paper": "纸质评价表（补录）"}
NOT_RATED = "未评价"


@dataclass(frozen=True)
class RatingInfo:
    id: int
    case_id: str
    case_no: str
    applicant_name: str
    item_name: str
    stage: str
    stage_label: str
    level: int
    level_label: str
    comment: str
    channel: str
    channel_label: str
    at: datetime  # hall local time
    entered_by: str  # who typed a paper form in; "" for the device
    follow_up_due: date | None
    follow_up_note: str
    follow_up_done: bool

    @property
    def bad(self) -> bool:
        return self.level in BAD_LEVELS


@dataclass(frozen=True)
class StageRating:
    """One stage of a case: its rating, or none (shown as 未评价)."""

    stage: str
    stage_label: str
    rating: RatingInfo | None

    @property
    def text(self) -> str:
        return self.rating.level_label if self.rating else NOT_RATED


def _info(r: Rating, case: Case, entered_by: str) -> RatingInfo:
    return RatingInfo(r.id, case.id, case.case_no, case.applicant_name, case.item_name, r.stage,
                      STAGES.get(r.stage, r.stage), r.level, LEVELS.get(r.level, str(r.level)), r.comment, r.channel,
                      CHANNELS.get(r.channel, r.channel), local_naive(r.at), entered_by, r.follow_up_due,
                      r.follow_up_note, r.follow_up_done_at is not None)


def _stage_open(case: Case, stage: str) -> bool:
    if stage == "acceptance":
        return case.state != "received"  # the counter service (accept, notice or refusal) is done
    return case.decided_at is not None or case.closed_at is not None


def record_rating(ctx: AppContext, actor: Actor, case_id: str, stage: str, level: int, comment: str = "",
                  channel: str = "paper",
                  follow_up_workdays: int = settings.default("ratings/follow_up_workdays")) -> RatingInfo:
    """Record the applicant's rating of one stage; a bad one gets its correction deadline."""
    require(actor, Action.RECORD_RATING)
    if stage not in STAGES:
        raise ValidationError("stage", "请选择评价环节")
    if level not in LEVELS:
        raise ValidationError("level", "请选择评价等级（非常满意至非常不满意）")
    if channel not in CHANNELS:
        raise ValidationError("channel", "评价渠道无效")
    if level in BAD_LEVELS and not comment.strip() and channel == "paper":
        raise ValidationError("comment", "差评请照录评价表上的意见（评价表未填写的，写“未填写”）")
    with ctx.write("rating") as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound("办件不存在")
        if not _stage_open(case, stage):
            raise AppError("not_yet", f"该办件尚未{'受理' if stage == 'acceptance' else '办结'}，不能登记{STAGES[stage]}")
        seen = s.execute(select(Rating.id).where(Rating.case_id == case_id, Rating.stage == stage)).first()
        if seen is not None:
            raise AppError("already_rated", f"该办件已有{STAGES[stage]}，每个环节只能评价一次")
        now = ctx.now()
        due = None
        if level in BAD_LEVELS:
            try:
                due = workdays.current_calendar(s).add_working_days(ctx.today(), follow_up_workdays).day
            except CalendarError as exc:
                raise AppError("calendar", str(exc)) from exc
        row = Rating(case_id=case_id, stage=stage, level=level, comment=comment.strip(), channel=channel, at=now,
                     entered_by_id=actor.staff_id if channel == "paper" else None, follow_up_due=due)
        s.add(row)
        s.flush()
        add_event(s, case_id, actor.staff_id, "rating", now, f"{STAGES[stage]}：{LEVELS[level]}",
                  level=level, channel=channel, comment=comment.strip(), follow_up_due=due)
        outbox.enqueue(s, "rating", str(row.id), "record", _payload(s, case, row), now)
        return _info(row, case, actor.name if channel == "paper" else "")


def _payload(session: Session, case: Case, r: Rating) -> dict[str, object]:
    """The fields a province's 好差评 system expects with each rating."""
    clerk = session.get(Staff, case.clerk_id)
    return {"case_id": case.id, "case_no": case.case_no, "item_code": case.item_code, "accepted_at": case.accepted_at,
            "completed_at": case.decided_at or case.closed_at, "applicant_kind": case.applicant_kind,
            "applicant_name": case.applicant_name, "id_type": case.applicant_id_type,
            "id_number": case.applicant_id_number, "phone": case.applicant_phone, "channel": r.channel,
            "stage": r.stage, "level": r.level, "comment": r.comment, "at": r.at,
            "clerk": clerk.name if clerk else "", "follow_up_due": r.follow_up_due}


def case_ratings(ctx: AppContext, actor: Actor, case_id: str) -> tuple[StageRating, ...]:
    """Both stages of a case, rated or 未评价."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound("办件不存在")
        rows = s.execute(select(Rating, Staff.name).outerjoin(Staff, Staff.id == Rating.entered_by_id)
                         .where(Rating.case_id == case_id)).all()
        by_stage = {r.stage: _info(r, case, who or "") for r, who in rows}
    return tuple(StageRating(stage, label, by_stage.get(stage)) for stage, label in STAGES.items())


def bad_reviews(ctx: AppContext, actor: Actor, window_id: int | None = None, open_only: bool = True,
                start: date | None = None, end: date | None = None) -> tuple[RatingInfo, ...]:
    """Bad reviews for follow-up, earliest correction deadline first."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        q = (select(Rating, Case, Staff.name).join(Case, Case.id == Rating.case_id)
             .outerjoin(Staff, Staff.id == Rating.entered_by_id).where(Rating.level.in_(sorted(BAD_LEVELS))))
        if window_id is not None:
            q = q.where(Case.window_id == window_id)
        if open_only:
            q = q.where(Rating.follow_up_done_at.is_(None))
        if start is not None:
            q = q.where(Rating.at >= utc_start_of(start))
        if end is not None:
            q = q.where(Rating.at < utc_start_of(end + timedelta(days=1)))
        rows = s.execute(q.order_by(Rating.follow_up_due, Rating.id)).all()
        return tuple(_info(r, c, who or "") for r, c, who in rows)


def record_follow_up(ctx: AppContext, actor: Actor, rating_id: int, note: str) -> RatingInfo:
    """The correction of a bad review is done: what was done (callback, correction), recorded once."""
    require(actor, Action.RECORD_RATING)
    if not note.strip():
        raise ValidationError("note", "请写明回访及整改情况")
    with ctx.write("rating_follow_up") as s:
        row = s.get(Rating, rating_id)
        if row is None:
            raise NotFound("评价不存在")
        if row.level not in BAD_LEVELS:
            raise AppError("not_bad", "只有差评需要整改")
        if row.follow_up_done_at is not None:
            raise AppError("already_done", "该差评已登记整改")
        case = s.get(Case, row.case_id)
        assert case is not None
        now = ctx.now()
        row.follow_up_note, row.follow_up_done_at = note.strip(), now
        late = row.follow_up_due is not None and ctx.today() > row.follow_up_due
        add_event(s, case.id, actor.staff_id, "rating_follow_up", now, note.strip(), rating=row.id, late=late)
        outbox.enqueue(s, "rating", str(row.id), "follow_up", {"case_no": case.case_no, "note": note.strip(),
                                                               "done_at": now, "late": late}, now)
        who = s.get(Staff, row.entered_by_id) if row.entered_by_id else None
        return _info(row, case, who.name if who else "")
