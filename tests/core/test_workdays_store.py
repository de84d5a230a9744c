"""The calendar stored in the database gives the published answers, and says when it is estimating."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.core.context import AppContext
from app.reference.calendar import CalendarError, DayInfo, DayKind
from app.reference.workdays import current_calendar, horizon_of, store_version


def test_seeded_calendar_matches_published_days(ctx: AppContext) -> None:
    with ctx.read() as s:
        cal = current_calendar(s)
    # 国办发明电〔2025〕7号: 2026-02-14 (Sat) and 2026-02-28 (Sat) are make-up working days;
    # 2026-02-15 … 2026-02-23 is the Spring Festival holiday.
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 2, 28))
    assert not any(cal.is_workday(date(2026, 2, d)) for d in range(15, 24))
    # 国办发明电〔2024〕12号: 2025-10-01 … 10-08 off, 2025-09-28 and 10-11 (Sat) worked.
    assert cal.is_workday(date(2025, 9, 28)) and cal.is_workday(date(2025, 10, 11))
    assert not cal.is_workday(date(2025, 10, 8))


def test_provisional_2027_deadline_from_the_database(ctx: AppContext) -> None:
    with ctx.read() as s:
        cal = current_calendar(s)
    d = cal.add_working_days(date(2026, 12, 10), 20)
    assert d.day == date(2027, 1, 8) and d.provisional


def test_horizon(ctx: AppContext) -> None:
    with ctx.read() as s:
        official, last = horizon_of(s)
    assert official >= 2026 and last is not None and last.year >= official + 3 - 1


def test_far_future_year_is_refused_in_chinese(ctx: AppContext) -> None:
    with ctx.read() as s:
        cal = current_calendar(s)
    with pytest.raises(CalendarError, match="2040"):
        cal.is_workday(date(2040, 1, 2))


def test_new_version_replaces_current(ctx: AppContext) -> None:
    with ctx.read() as s:
        old = current_calendar(s)
    # A made-up official 2026 in which only Sundays rest.
    start = date(2026, 1, 1)
    days = []
    for i in range(365):
        d = start + timedelta(days=i)
        sunday = d.weekday() == 6
        days.append(DayInfo(d, not sunday, DayKind.WEEKEND if sunday else DayKind.WORKDAY, None, False))
    with ctx.write() as s:
        store_version(s, "server-test", "server", 2026, days)
    with ctx.read() as s:
        new = current_calendar(s)
    assert new.version == "server-test" != old.version
    assert new.is_workday(date(2026, 2, 21))  # a Saturday of the Spring Festival now works
    assert not old.is_workday(date(2026, 2, 21))
