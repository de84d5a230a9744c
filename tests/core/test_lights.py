"""Lights at their boundaries, on the published 2025 / 2026 schedules (see test_case_deadlines.py's header).

Yellow = due today or within N working days after today (today not counted); red = past the deadline day.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.cases.lights import Light, case_lights, light_of, light_window, worst
from app.reference.calendar import WorkCalendar, estimated_days, official_days

D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar("t", official_days(2025, 2026) + estimated_days(2027), 2026)


@pytest.mark.parametrize(("deadline", "expected"), [
    (D(2026, 9, 29), Light.RED),  # yesterday: late
    (D(2026, 9, 30), Light.YELLOW),  # due today
    (D(2026, 10, 8), Light.YELLOW),  # first working day after the National Day holiday: ①
    (D(2026, 10, 9), Light.YELLOW),  # ②
    (D(2026, 10, 10), Light.YELLOW),  # Saturday make-up day: ③ — the last yellow working day
    (D(2026, 10, 11), Light.YELLOW),  # Sunday after it: still only three working days away
    (D(2026, 10, 12), Light.GREEN),  # Monday: ④
])
def test_yellow_three_working_days_across_national_day_2026(cal: WorkCalendar, deadline: date,
                                                              expected: Light) -> None:
    window = light_window(cal, D(2026, 9, 30), 3)  # Wednesday before 国庆 (10-1 … 10-7 off, 10-10 works)
    assert window.green_from == D(2026, 10, 12)
    assert light_of(deadline, window) is expected


def test_spring_festival_2025_make_up_sunday_counts(cal: WorkCalendar) -> None:
    # Today Fri 2025-01-24: 1-26 (Sunday, make-up) ①, 1-27 ②, [1-28 … 2-4 off], 2-5 ③, 2-6 ④
    window = light_window(cal, D(2025, 1, 24), 3)
    assert window.green_from == D(2025, 2, 6)
    assert light_of(D(2025, 2, 5), window) is Light.YELLOW
    assert light_of(D(2025, 2, 6), window) is Light.GREEN


def test_zero_yellow_days_means_only_today_is_yellow(cal: WorkCalendar) -> None:
    window = light_window(cal, D(2026, 11, 20), 0)  # Friday
    assert light_of(D(2026, 11, 20), window) is Light.YELLOW
    assert light_of(D(2026, 11, 22), window) is Light.YELLOW  # the weekend before the next working day
    assert light_of(D(2026, 11, 23), window) is Light.GREEN


def test_lights_follow_the_state(cal: WorkCalendar) -> None:
    window = light_window(cal, D(2026, 11, 20), 3)
    assert case_lights("under_review", D(2026, 11, 19), D(2026, 12, 1), window) == (Light.RED, Light.GREEN)
    assert case_lights("suspended", D(2026, 11, 19), D(2026, 12, 1), window) == (Light.PAUSED, Light.PAUSED)
    assert case_lights("delivered", D(2026, 11, 19), D(2026, 12, 1), window) == (Light.NONE, Light.NONE)
    assert case_lights("forwarded", None, None, window) == (Light.NONE, Light.NONE)
    assert worst(Light.GREEN, Light.RED, Light.YELLOW) is Light.RED


def test_past_the_calendar_nothing_is_yellow_beyond_tomorrow() -> None:
    short = WorkCalendar("short", official_days(2026, 2026), 2026)
    window = light_window(short, D(2026, 12, 31), 3)
    assert light_of(D(2026, 12, 31), window) is Light.YELLOW
    assert light_of(D(2027, 1, 1), window) is Light.GREEN
