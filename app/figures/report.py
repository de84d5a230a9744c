"""电子监察 figures for a window (or the whole local database) per day, week or month, and their .xlsx export.

Counts come from indexed ranges (accepted_at, decided_at, case_event(to_state, at)) grouped by
hall-local day in SQL; a case deemed accepted (art. 32) has `accepted_at` on its day of receipt, so it is
counted on that day, and counted again under 视为受理 — each one a five-day notice the window missed; days are bucketed into weeks (Monday first) or months here. "On time"
compares the decision day with the promised deadline in force (after suspensions and extensions);
working days used leave out suspended days, as the deadlines do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.cases.ratings import BAD_LEVELS, LEVELS, RatingInfo, bad_reviews
from app.core import promise_rules
from app.core.auth import Action, require
from app.core.context import HALL_TZ, Actor, AppContext
from app.figures.commitments import CommitmentFigures, commitment_figures
from app.figures.consultations import ConsultationFigures, consultation_figures
from app.figures.site_visits import SiteVisitFigures, site_visit_figures
from app.reference import workdays
from app.reference.calendar import CalendarError, WorkCalendar

GRANULARITIES = {"day": "日", "week": "周", "month": "月"}
SPEED_UP_TARGET = promise_rules.SPEED_UP_TARGET  # the promised limit at most half of the legal one
_LOCAL = "'+8 hours'"  # Beijing time has no daylight saving: SQLite's date() shifts stored UTC by a constant


@dataclass(frozen=True)
class PeriodFigures:
    start: date
    label: str
    accepted: int = 0
    completed: int = 0
    on_time: int = 0
    late: int = 0
    over_legal: int = 0
    workdays_used: int = 0  # summed over completed cases with a clock
    timed: int = 0  # completed cases counted in workdays_used
    notices: int = 0
    refusals: int = 0
    forwarded: int = 0
    deemed: int = 0  # of `accepted`: deemed accepted under art. 32 (no one-time notice within five days)
    forwarded_late: int = 0  # 上报 after the two working days from complete papers (by the day it was forwarded)

    @property
    def avg_workdays(self) -> float | None:
        return self.workdays_used / self.timed if self.timed else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None


@dataclass(frozen=True)
class ItemSpeed:
    item_code: str
    item_name: str
    accepted: int
    promised_days: int
    legal_days: int

    @property
    def rate(self) -> float | None:
        """提速率 = 1 − promised / legal (None for items without a legal limit)."""
        return promise_rules.speed_up_rate(self.legal_days, self.promised_days)


@dataclass(frozen=True)
class Figures:
    granularity: str
    start: date
    end: date
    scope: str  # e.g. "A01 市场监管综合窗口"
    periods: tuple[PeriodFigures, ...]
    total: PeriodFigures
    items: tuple[ItemSpeed, ...]
    ratings: dict[int, int] = field(default_factory=dict)  # level → count (rated in the range)
    bad_reviews: tuple[RatingInfo, ...] = ()
    consultations: ConsultationFigures | None = None  # visitors who only asked (首问负责), per window and item
    commitments: CommitmentFigures | None = None  # 告知承诺: cases, post-checks on time, revocations
    site_visits: SiteVisitFigures | None = None  # 现场核查: scheduled, done, with photos, what they found

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def bad(self) -> int:
        return sum(n for level, n in self.ratings.items() if level in BAD_LEVELS)


def bucket(day: date, granularity: str) -> date:
    """The first day of the period holding `day`."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def period_label(start: date, granularity: str) -> str:
    if granularity == "week":
        end = start + timedelta(days=6)
        return f"{start:%m-%d}—{end:%m-%d}"
    if granularity == "month":
        return f"{start.year}年{start.month}月"
    return f"{start:%m-%d}"


def _periods(start: date, end: date, granularity: str) -> list[date]:
    out: list[date] = []
    d = bucket(start, granularity)
    while d <= end:
        out.append(d)
        d = (d.replace(day=28) + timedelta(days=4)).replace(day=1) if granularity == "month" else \
            d + timedelta(days=7 if granularity == "week" else 1)
    return out


def _utc(day: date) -> str:
    local = datetime.combine(day, time(0), tzinfo=HALL_TZ)
    return (local - local.utcoffset()).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[operator]


def _by_day(session: Session, sql: str, params: dict[str, object]) -> dict[date, int]:
    return {date.fromisoformat(d): n for d, n in session.execute(text(sql), params).all()}


def _used(cal: WorkCalendar, start: date, done: date, spans: list[tuple[date, date]]) -> int | None:
    try:
        return cal.working_days_between(start, done, spans)
    except CalendarError:
        return None


def window_figures(ctx: AppContext, actor: Actor, start: date, end: date, granularity: str = "day",
                   window_id: int | None = None, scope: str = "") -> Figures:
    """Figures of the window's cases from `start` to `end` (hall-local days, both included)."""
    require(actor, Action.VIEW_STATS)
    if granularity not in GRANULARITIES:
        raise ValueError(granularity)
    where_window = " AND c.window_id = :window" if window_id is not None else ""
    p: dict[str, object] = {"lo": _utc(start), "hi": _utc(end + timedelta(days=1)), "window": window_id}
    with ctx.read() as s:
        cal = workdays.current_calendar(s)
        accepted = _by_day(s, f"SELECT date(c.accepted_at, {_LOCAL}) d, count(*) FROM \"case\" c WHERE c.accepted_at "
                              f">= :lo AND c.accepted_at < :hi{where_window} GROUP BY d", p)
        deemed = _by_day(s, f"SELECT date(c.accepted_at, {_LOCAL}) d, count(*) FROM \"case\" c WHERE c.accepted_at "
                            f">= :lo AND c.accepted_at < :hi AND c.deemed_accepted{where_window} GROUP BY d", p)
        events: dict[str, dict[date, int]] = {}
        for state in ("notified", "refused", "forwarded"):
            events[state] = _by_day(s, f"SELECT date(e.at, {_LOCAL}) d, count(*) FROM case_event e JOIN \"case\" c "
                                       f"ON c.id = e.case_id WHERE e.to_state = :st AND e.at >= :lo AND e.at < :hi "
                                       f"AND (e.from_state IS NULL OR e.from_state != :st){where_window} GROUP BY d",
                                    {**p, "st": state})
        # forward_due is a hall-local day; forwarded_at a UTC instant, compared as the hall's day
        late_fwd = _by_day(s, f"SELECT date(c.forwarded_at, {_LOCAL}) d, count(*) FROM \"case\" c WHERE "
                              f"c.forwarded_at >= :lo AND c.forwarded_at < :hi AND c.forward_due IS NOT NULL "
                              f"AND date(c.forwarded_at, {_LOCAL}) > c.forward_due{where_window} GROUP BY d", p)
        done = s.execute(text(f"SELECT c.id, date(c.decided_at, {_LOCAL}), c.clock_start, c.promised_deadline, "
                              f"c.legal_deadline FROM \"case\" c WHERE c.decided_at >= :lo AND c.decided_at < :hi"
                              f"{where_window}"), p).all()
        spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
        if done:
            # A decided case has no running suspension: only ended ones count.
            for case_id, first, last in s.execute(text(
                    f"SELECT sp.case_id, sp.started_on, sp.ended_on FROM suspension sp JOIN \"case\" c "
                    f"ON c.id = sp.case_id WHERE sp.ended_on IS NOT NULL AND c.decided_at >= :lo "
                    f"AND c.decided_at < :hi{where_window}"), p).all():
                spans[case_id].append((date.fromisoformat(first), date.fromisoformat(last)))
        items = s.execute(text(f"SELECT c.item_code, c.item_name, count(*), c.promised_days, c.legal_days "
                               f"FROM \"case\" c WHERE c.accepted_at >= :lo AND c.accepted_at < :hi{where_window} "
                               f"GROUP BY c.item_code, c.item_name, c.promised_days, c.legal_days "
                               f"ORDER BY c.item_code"), p).all()
        ratings = dict(s.execute(text(f"SELECT r.level, count(*) FROM rating r JOIN \"case\" c ON c.id = r.case_id "
                                      f"WHERE r.at >= :lo AND r.at < :hi{where_window} GROUP BY r.level"), p
                                 ).all())
    per: dict[date, dict[str, int]] = {d: defaultdict(int) for d in _periods(start, end, granularity)}

    def add(day: date, key: str, n: int = 1) -> None:
        per.setdefault(bucket(day, granularity), defaultdict(int))[key] += n

    for day, n in accepted.items():
        add(day, "accepted", n)
    for day, n in deemed.items():
        add(day, "deemed", n)
    for day, n in late_fwd.items():
        add(day, "forwarded_late", n)
    for state, key in (("notified", "notices"), ("refused", "refusals"), ("forwarded", "forwarded")):
        for day, n in events[state].items():
            add(day, key, n)
    for case_id, decided, clock, promised, legal in done:
        day = date.fromisoformat(decided)
        add(day, "completed")
        if promised is not None:
            add(day, "on_time" if day <= date.fromisoformat(promised) else "late")
        if legal is not None and day > date.fromisoformat(legal):
            add(day, "over_legal")
        used = _used(cal, date.fromisoformat(clock), day, spans.get(case_id, [])) if clock else None
        if used is not None:
            add(day, "workdays_used", used)
            add(day, "timed")
    periods = tuple(PeriodFigures(d, period_label(d, granularity), **per[d]) for d in sorted(per))
    total = PeriodFigures(start, "合计", **{k: sum(getattr(x, k) for x in periods) for k in _COUNTS})
    speeds = tuple(ItemSpeed(code, name, n, promised, legal) for code, name, n, promised, legal in items)
    bad = bad_reviews(ctx, actor, window_id, open_only=False, start=start, end=end)
    return Figures(granularity, start, end, scope, periods, total, speeds,
                   {level: ratings.get(level, 0) for level in LEVELS}, bad,
                   consultation_figures(ctx, actor, start, end, window_id),
                   commitment_figures(ctx, actor, start, end, window_id),
                   site_visit_figures(ctx, actor, start, end, window_id))


_COUNTS = ("accepted", "completed", "on_time", "late", "over_legal", "workdays_used", "timed", "notices", "refusals",
           "forwarded", "deemed", "forwarded_late")
COLUMNS: tuple[tuple[str, str], ...] = (
    ("label", "期间"), ("accepted", "受理"), ("completed", "办结"), ("on_time", "按时办结"), ("late", "超承诺时限"),
    ("over_legal", "超法定时限"), ("on_time_rate", "按时办结率"), ("avg_workdays", "平均用时（工作日）"),
    ("notices", "一次性告知"), ("refusals", "不予受理"), ("forwarded", "上报"), ("deemed", "视为受理"),
    ("forwarded_late", "逾期上报"),
)


def rows_of(figures: Figures) -> Iterable[list[object]]:
    """Table rows of the periods and the total, as the view and the workbook show them."""
    for p in (*figures.periods, figures.total):
        yield [getattr(p, key) for key, _title in COLUMNS]
