"""The working-day calendar held in the database: seeded once, replaceable by the server's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.reference.calendar import (
    DayInfo,
    DayKind,
    WorkCalendar,
    estimated_days,
    official_days,
    official_horizon,
)
from db.models import CalendarDay, CalendarVersion

SEED_FIRST_YEAR = 2024
ESTIMATE_YEARS = 3

_cache: dict[tuple[str, int], WorkCalendar] = {}


def store_version(session: Session, label: str, source: str, official_through: int,
                  days: Iterable[DayInfo]) -> int:
    """Store a calendar version and make it current (one transaction: the caller's)."""
    session.execute(update(CalendarVersion).values(current=False))
    version = CalendarVersion(label=label, source=source, official_through=official_through, current=True)
    session.add(version)
    session.flush()
    session.add_all(CalendarDay(version_id=version.id, day=d.day, workday=d.workday, kind=str(d.kind),
                                name=d.name, estimated=d.estimated) for d in days)
    session.flush()
    return version.id


def seed_if_empty(session: Session) -> None:
    """First start: official schedules from chinesecalendar, then estimated years after them."""
    if session.execute(select(CalendarVersion.id).limit(1)).first() is not None:
        return
    horizon = official_horizon()
    days = official_days(SEED_FIRST_YEAR, horizon)
    for year in range(horizon + 1, horizon + 1 + ESTIMATE_YEARS):
        days.extend(estimated_days(year))
    store_version(session, f"seed-official-{horizon}+est-{horizon + ESTIMATE_YEARS}", "seed", horizon, days)


def current_calendar(session: Session) -> WorkCalendar:
    """The current calendar version, loaded once per process and version."""
    version = session.execute(select(CalendarVersion).where(CalendarVersion.current.is_(True))).scalar_one()
    key = (version.label, version.id)
    cal = _cache.get(key)
    if cal is None:
        rows = session.execute(select(CalendarDay).where(CalendarDay.version_id == version.id)).scalars()
        cal = WorkCalendar(version.label, (DayInfo(r.day, r.workday, DayKind(r.kind), r.name, r.estimated)
                                           for r in rows), version.official_through)
        _cache[key] = cal
    return cal


def horizon_of(session: Session) -> tuple[int, date | None]:
    """(last officially scheduled year, last day known at all) for `doctor`."""
    version = session.execute(select(CalendarVersion).where(CalendarVersion.current.is_(True))
                              ).scalar_one_or_none()
    if version is None:
        return 0, None
    last = session.execute(select(CalendarDay.day).where(CalendarDay.version_id == version.id)
                           .order_by(CalendarDay.day.desc()).limit(1)).scalar_one_or_none()
    return version.official_through, last
