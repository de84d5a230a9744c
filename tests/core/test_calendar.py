"""Tests for app.reference.calendar against the State Council's published holiday schedules."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.reference.calendar import (
    CalendarError,
    DayInfo,
    DayKind,
    Deadline,
    WorkCalendar,
    build_default_calendar,
    estimated_days,
    official_days,
    official_horizon,
    statutory_holidays,
)

D = date
Period = tuple[str, date, date]  # (name as printed in the notice, first day off, last day off)

# ---------------------------------------------------------------------------------------------
# Expected values are typed in from the notices themselves, not from chinese_calendar.
#
# 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）:
#   一、元旦：1月1日（周三）放假1天，不调休。
#   二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
#   三、清明节：4月4日（周五）至6日（周日）放假，共3天。
#   四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
#   五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
#   六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
HOLIDAYS_2025: list[Period] = [
    ("元旦", D(2025, 1, 1), D(2025, 1, 1)),
    ("春节", D(2025, 1, 28), D(2025, 2, 4)),
    ("清明节", D(2025, 4, 4), D(2025, 4, 6)),
    ("劳动节", D(2025, 5, 1), D(2025, 5, 5)),
    ("端午节", D(2025, 5, 31), D(2025, 6, 2)),
    ("国庆节、中秋节", D(2025, 10, 1), D(2025, 10, 8)),
]
MAKEUP_2025: list[tuple[date, str]] = [
    (D(2025, 1, 26), "春节"),
    (D(2025, 2, 8), "春节"),
    (D(2025, 4, 27), "劳动节"),
    (D(2025, 9, 28), "国庆节、中秋节"),
    (D(2025, 10, 11), "国庆节、中秋节"),
]

# 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）:
#   一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
#   二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
#   三、清明节：4月4日（周六）至6日（周一）放假，共3天。
#   四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
#   五、端午节：6月19日（周五）至21日（周日）放假，共3天。
#   六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
#   七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
# chinese_calendar 1.11.0 agrees with both notices day for day (checked by the tests below).
HOLIDAYS_2026: list[Period] = [
    ("元旦", D(2026, 1, 1), D(2026, 1, 3)),
    ("春节", D(2026, 2, 15), D(2026, 2, 23)),
    ("清明节", D(2026, 4, 4), D(2026, 4, 6)),
    ("劳动节", D(2026, 5, 1), D(2026, 5, 5)),
    ("端午节", D(2026, 6, 19), D(2026, 6, 21)),
    ("中秋节", D(2026, 9, 25), D(2026, 9, 27)),
    ("国庆节", D(2026, 10, 1), D(2026, 10, 7)),
]
MAKEUP_2026: list[tuple[date, str]] = [
    (D(2026, 1, 4), "元旦"),
    (D(2026, 2, 14), "春节"),
    (D(2026, 2, 28), "春节"),
    (D(2026, 5, 9), "劳动节"),
    (D(2026, 9, 20), "国庆节"),
    (D(2026, 10, 10), "国庆节"),
]


def _expand(periods: list[Period]) -> list[tuple[date, str]]:
    out: list[tuple[date, str]] = []
    for name, first, last in periods:
        d = first
        while d <= last:
            out.append((d, name))
            d += timedelta(days=1)
    return out


def _names(notice_name: str) -> set[str]:
    # The 2025 notice gives 国庆节 and 中秋节 as one period; a day in it may carry either name.
    return set(notice_name.split("、"))


HOLIDAY_DAYS = _expand(HOLIDAYS_2025) + _expand(HOLIDAYS_2026)
MAKEUP_DAYS = MAKEUP_2025 + MAKEUP_2026


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    # Built explicitly (not via official_horizon) so that a chinese_calendar release with
    # 2027 in it does not change what these tests mean: 2027 stays estimated here.
    return WorkCalendar("test-2025..2026+est-2027", official_days(2025, 2026) + estimated_days(2027), 2026)


# --- every day of the two notices --------------------------------------------------------------


@pytest.mark.parametrize(("day", "notice_name"), HOLIDAY_DAYS, ids=[d.isoformat() for d, _ in HOLIDAY_DAYS])
def test_notice_holiday_is_day_off(cal: WorkCalendar, day: date, notice_name: str) -> None:
    info = cal.day(day)
    assert not cal.is_workday(day)
    assert info.kind is DayKind.HOLIDAY
    assert info.name in _names(notice_name)
    assert not info.estimated


@pytest.mark.parametrize(("day", "notice_name"), MAKEUP_DAYS, ids=[d.isoformat() for d, _ in MAKEUP_DAYS])
def test_notice_makeup_day_is_working(cal: WorkCalendar, day: date, notice_name: str) -> None:
    assert day.weekday() >= 5  # the notice only ever moves Saturdays and Sundays
    info = cal.day(day)
    assert cal.is_workday(day)
    assert info.kind is DayKind.MAKEUP
    assert info.name in _names(notice_name)


@pytest.mark.parametrize("year", [2025, 2026])
def test_all_other_days_follow_the_week(cal: WorkCalendar, year: int) -> None:
    # Completeness: a day the notice does not mention is a working day iff Monday–Friday.
    special = {d for d, _ in HOLIDAY_DAYS + MAKEUP_DAYS}
    d = date(year, 1, 1)
    while d.year == year:
        if d not in special:
            info = cal.day(d)
            assert info.workday == (d.weekday() < 5), d
            assert info.kind is (DayKind.WORKDAY if d.weekday() < 5 else DayKind.WEEKEND), d
            assert info.name is None, d
        d += timedelta(days=1)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 2025: 261 weekdays (365 days, starts on a Wednesday) − 18 weekday holidays
        # (元旦 1, 春节 6, 清明 1, 劳动 3, 端午 1, 国庆中秋 6) + 5 make-up days = 248.
        (2025, 248),
        # 2026: 261 weekdays (starts on a Thursday) − 19 weekday holidays
        # (元旦 2, 春节 6, 清明 1, 劳动 3, 端午 1, 中秋 1, 国庆 5) + 6 make-up days = 248.
        (2026, 248),
    ],
)
def test_working_days_per_year(cal: WorkCalendar, year: int, expected: int) -> None:
    days = [date(year, 1, 1) + timedelta(days=k) for k in range(365)]
    assert sum(cal.is_workday(d) for d in days) == expected


# --- the 2025 reform: 13 statutory days -------------------------------------------------------

# 全国年节及纪念日放假办法（2024年11月10日修订，2025年1月1日起施行）: 元旦1天、春节4天（除夕至初三）、
# 清明1天、劳动节2天（5月1日、2日）、端午1天、中秋1天、国庆3天 = 13 days.
# 2025 lunar dates: 除夕 1-28, 春节 1-29, 清明 4-4, 端午 5-31, 中秋 10-6.
STATUTORY_2025 = {
    D(2025, 1, 1), D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31), D(2025, 4, 4),
    D(2025, 5, 1), D(2025, 5, 2), D(2025, 5, 31), D(2025, 10, 1), D(2025, 10, 2), D(2025, 10, 3),
    D(2025, 10, 6),
}  # fmt: skip


def test_statutory_2025_is_the_13_days_of_the_reform() -> None:
    assert set(statutory_holidays(2025)) == STATUTORY_2025


@pytest.mark.parametrize(
    ("year", "count"), [(2024, 11), (2025, 13), (2026, 13), (2027, 13), (2028, 13), (2029, 13)]
)
def test_statutory_day_count(year: int, count: int) -> None:
    # Counted per festival: 2028 has 中秋 on 10-03, a 国庆 day, so 12 dates carry 13 holidays.
    assert sum(len(names) for names in statutory_holidays(year).values()) == count


def test_new_years_eve_is_a_holiday_from_2025() -> None:
    # 2024 notice: 春节 2月10日至17日, 除夕 (2月9日, Friday) a working day; 2025: 除夕 1月28日 is off.
    cal24 = WorkCalendar("t", official_days(2024, 2025), 2025)
    assert cal24.is_workday(D(2024, 2, 9))
    assert cal24.day(D(2025, 1, 28)).kind is DayKind.HOLIDAY
    assert "春节" in statutory_holidays(2025)[D(2025, 1, 28)]
    assert "劳动节" in statutory_holidays(2025)[D(2025, 5, 2)]
    assert D(2024, 5, 2) not in statutory_holidays(2024)


# --- estimated 2027 ---------------------------------------------------------------------------


# 2027: 除夕 2-05 (Fri), 正月初一 2-06 (Sat), 初二 2-07 (Sun), 初三 2-08 (Mon). Two statutory days
# fall on the weekend, so 放假办法 art. 6 makes them up on the next weekdays: 2-09, 2-10.
@pytest.mark.parametrize(
    "day", [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)]
)
def test_estimated_2027_spring_festival(cal: WorkCalendar, day: date) -> None:
    info = cal.day(day)
    assert (info.kind, info.name, info.workday, info.estimated) == (DayKind.HOLIDAY, "春节", False, True)


def test_estimated_2027_spring_festival_day_and_edges(cal: WorkCalendar) -> None:
    assert statutory_holidays(2027)[D(2027, 2, 6)] == ["春节"]  # 正月初一
    assert cal.is_workday(D(2027, 2, 4)) and cal.is_workday(D(2027, 2, 11))


@pytest.mark.parametrize(
    ("day", "workday", "kind"),
    [
        (D(2027, 1, 1), False, DayKind.HOLIDAY),  # 元旦, a Friday
        (D(2027, 1, 2), False, DayKind.WEEKEND),
        (D(2027, 1, 4), True, DayKind.WORKDAY),
        (D(2027, 10, 1), False, DayKind.HOLIDAY),
        (D(2027, 10, 5), False, DayKind.HOLIDAY),  # 10-02/10-03 on the weekend -> 10-04, 10-05
        (D(2027, 10, 6), True, DayKind.WORKDAY),
        (D(2027, 10, 9), False, DayKind.WEEKEND),  # no 调休 is guessed: Saturdays rest
    ],
)
def test_estimated_2027_days(cal: WorkCalendar, day: date, workday: bool, kind: DayKind) -> None:
    info = cal.day(day)
    assert (info.workday, info.kind, info.estimated) == (workday, kind, True)


def test_estimated_year_has_no_makeup_days() -> None:
    days = estimated_days(2027)
    assert len(days) == 365 and all(i.estimated for i in days)
    assert not [i for i in days if i.kind is DayKind.MAKEUP]


# --- deadline arithmetic ----------------------------------------------------------------------

DEADLINES: list[tuple[str, date, int, list[tuple[date, date]], date]] = [
    # Mon 01-20 +20: 01-21..24 (1-4), Sun 01-26 make-up (5), 01-27 (6), off 01-28..02-04,
    # 02-05..07 (7-9), Sat 02-08 make-up (10), 02-10..14 (11-15), 02-17..21 (16-20).
    ("2025 春节 from Mon 01-20", D(2025, 1, 20), 20, [], D(2025, 2, 21)),
    # Fri 01-24 +20: 01-26 (1), 01-27 (2), 02-05..07 (3-5), 02-08 (6), 02-10..14 (7-11),
    # 02-17..21 (12-16), 02-24..27 (17-20).
    ("2025 春节 from Fri 01-24", D(2025, 1, 24), 20, [], D(2025, 2, 27)),
    # Mon 01-27 (last day before) +20: 02-05..07 (1-3), 02-08 (4), 02-10..14 (5-9), 02-17..21 (10-14),
    # 02-24..28 (15-19), Mon 03-03 (20).
    ("2025 春节 from Mon 01-27", D(2025, 1, 27), 20, [], D(2025, 3, 3)),
    # Fri 09-26 +20: Sun 09-28 make-up (1), 09-29, 09-30 (2-3), off 10-01..08, 10-09, 10-10 (4-5),
    # Sat 10-11 make-up (6), 10-13..17 (7-11), 10-20..24 (12-16), 10-27..30 (17-20).
    ("2025 国庆 from Fri 09-26", D(2025, 9, 26), 20, [], D(2025, 10, 30)),
    # Tue 09-30 +20: 10-09, 10-10 (1-2), 10-11 (3), 10-13..17 (4-8), 10-20..24 (9-13),
    # 10-27..31 (14-18), 11-03, 11-04 (19-20).
    ("2025 国庆 from Tue 09-30", D(2025, 9, 30), 20, [], D(2025, 11, 4)),
    # Thu 02-12 +20: Fri 02-13 (1), Sat 02-14 make-up (2), off 02-15..23, 02-24..27 (3-6),
    # Sat 02-28 make-up (7), 03-02..06 (8-12), 03-09..13 (13-17), 03-16..18 (18-20).
    ("2026 春节 from Thu 02-12", D(2026, 2, 12), 20, [], D(2026, 3, 18)),
    # Accepted on the make-up Saturday 02-14: 02-24..27 (1-4), 02-28 (5), 03-02..06 (6-10),
    # 03-09..13 (11-15), 03-16..20 (16-20).
    ("2026 春节 from make-up Sat 02-14", D(2026, 2, 14), 20, [], D(2026, 3, 20)),
    # Fri 09-18 +20: Sun 09-20 make-up (1), 09-21..24 (2-5), off 09-25..27 (中秋), 09-28..30 (6-8),
    # off 10-01..07, 10-08, 10-09 (9-10), Sat 10-10 make-up (11), 10-12..16 (12-16), 10-19..22 (17-20).
    ("2026 国庆 from Fri 09-18", D(2026, 9, 18), 20, [], D(2026, 10, 22)),
    # Wed 09-30 +20: 10-08, 10-09 (1-2), 10-10 (3), 10-12..16 (4-8), 10-19..23 (9-13),
    # 10-26..30 (14-18), 11-02, 11-03 (19-20).
    ("2026 国庆 from Wed 09-30", D(2026, 9, 30), 20, [], D(2026, 11, 3)),
    # 劳动节 2025: Wed 04-30 +5: off 05-01..05, 05-06..09 (1-4), Mon 05-12 (5).
    ("2025 劳动节 +5", D(2025, 4, 30), 5, [], D(2025, 5, 12)),
    ("N=1 on an ordinary Friday", D(2025, 3, 7), 1, [], D(2025, 3, 10)),
    ("N=1 on Friday before make-up Sat", D(2025, 10, 10), 1, [], D(2025, 10, 11)),
    ("N=1 on Friday before make-up Sat 2026", D(2026, 5, 8), 1, [], D(2026, 5, 9)),
    ("N=1 on Friday before make-up Sun", D(2025, 4, 25), 1, [], D(2025, 4, 27)),
    ("N=1 on the eve of 国庆", D(2025, 9, 30), 1, [], D(2025, 10, 9)),
    ("N=0 is the same day", D(2025, 3, 7), 0, [], D(2025, 3, 7)),
    ("N=0 on a holiday is the same day", D(2025, 10, 1), 0, [], D(2025, 10, 1)),
    # Expert review 09-29..10-10 spans 国庆: 09-28 (1), suspended 09-29..10-10, 10-11 (2), 10-13..17 (3-7),
    # 10-20..24 (8-12), 10-27..31 (13-17), 11-03..05 (18-20). Four working days (09-29, 09-30, 10-09,
    # 10-10) were suspended, so it is four working days after the unsuspended 10-30.
    (
        "suspension spanning 国庆 2025",
        D(2025, 9, 26),
        20,
        [(D(2025, 9, 29), D(2025, 10, 10))],
        D(2025, 11, 5),
    ),
    # Tue 02-10 +10, suspended 02-12..02-25 (covers make-up Sat 02-14, which then does not count):
    # 02-11 (1), 02-26, 02-27 (2-3), Sat 02-28 (4), 03-02..06 (5-9), 03-09 (10).
    ("suspension spanning 春节 2026", D(2026, 2, 10), 10, [(D(2026, 2, 12), D(2026, 2, 25))], D(2026, 3, 9)),
    # One-day suspension on Tue 03-11: 03-10 (1), 03-12 (2), 03-13 (3).
    ("suspension start=end", D(2025, 3, 7), 3, [(D(2025, 3, 11), D(2025, 3, 11))], D(2025, 3, 13)),
    # A one-day suspension on a holiday changes nothing.
    ("suspension on a holiday only", D(2025, 9, 30), 1, [(D(2025, 10, 1), D(2025, 10, 1))], D(2025, 10, 9)),
    # Suspension 06-01..06-05 includes the start Tue 06-03: 06-04, 06-05 suspended, 06-06 (1),
    # 06-09 (2), 06-10 (3).
    ("suspension includes start", D(2025, 6, 3), 3, [(D(2025, 6, 1), D(2025, 6, 5))], D(2025, 6, 10)),
    ("suspension before start", D(2025, 3, 7), 1, [(D(2025, 3, 1), D(2025, 3, 5))], D(2025, 3, 10)),
    # Overlapping suspensions 03-11..12 and 03-12..13: 03-10 (1), 03-14 (2), 03-17 (3).
    (
        "overlapping suspensions",
        D(2025, 3, 7),
        3,
        [(D(2025, 3, 12), D(2025, 3, 13)), (D(2025, 3, 11), D(2025, 3, 12))],
        D(2025, 3, 17),
    ),
    # Two separate suspensions, given out of order: 03-10 (1), [03-11], 03-12 (2), [03-13], 03-14 (3).
    (
        "two suspensions",
        D(2025, 3, 7),
        3,
        [(D(2025, 3, 13), D(2025, 3, 13)), (D(2025, 3, 11), D(2025, 3, 11))],
        D(2025, 3, 14),
    ),
]


@pytest.mark.parametrize(
    ("start", "n", "suspensions", "expected"), [c[1:] for c in DEADLINES], ids=[c[0] for c in DEADLINES]
)
def test_add_working_days(
    cal: WorkCalendar, start: date, n: int, suspensions: list[tuple[date, date]], expected: date
) -> None:
    assert cal.add_working_days(start, n, suspensions) == Deadline(expected, False, n)
    if n:
        # The same count read back, as "days used" on the deadline day.
        assert cal.working_days_between(start, expected, suspensions) == n


def test_provisional_deadline_into_2027(cal: WorkCalendar) -> None:
    # Accepted Thu 2026-12-10, 20 working days; December 2026 has no holidays (official),
    # 2027 is estimated with 01-01 元旦 (a Friday) the only holiday and weekends at rest:
    #   Fri 12-11 (1), 12-14..18 (2-6), 12-21..25 (7-11), 12-28..31 (12-15),
    #   off Fri 2027-01-01 元旦 and the weekend 01-02/03, Mon 01-04..Thu 01-07 (16-19), Fri 01-08 (20).
    assert cal.add_working_days(D(2026, 12, 10), 20) == Deadline(D(2027, 1, 8), True, 20)
    assert cal.working_days_between(D(2026, 12, 10), D(2027, 1, 8)) == 20


@pytest.mark.parametrize(
    ("start", "n", "expected", "provisional"),
    [
        (D(2026, 12, 1), 5, D(2026, 12, 8), False),  # Tue 12-01: 12-02..04, 12-07, 12-08, all official
        (D(2026, 12, 31), 1, D(2027, 1, 4), True),  # passes over the estimated 元旦 2027
        (D(2027, 1, 5), 0, D(2027, 1, 5), False),  # nothing examined after the start
    ],
)
def test_provisional_flag(cal: WorkCalendar, start: date, n: int, expected: date, provisional: bool) -> None:
    assert cal.add_working_days(start, n) == Deadline(expected, provisional, n)


@pytest.mark.parametrize(
    ("start", "end", "suspensions", "expected"),
    [
        (D(2025, 1, 27), D(2025, 2, 5), [], 1),
        (D(2025, 9, 30), D(2025, 10, 11), [], 3),  # 10-09, 10-10, make-up 10-11
        (D(2025, 10, 1), D(2025, 10, 8), [], 0),  # inside 国庆
        (D(2025, 3, 7), D(2025, 3, 7), [], 0),
        (D(2025, 3, 7), D(2025, 3, 1), [], 0),
        (D(2025, 3, 7), D(2025, 3, 14), [(D(2025, 3, 1), D(2025, 3, 11))], 3),  # 03-12, 03-13, 03-14
        (D(2025, 3, 7), D(2025, 3, 14), [(D(2025, 3, 14), D(2025, 3, 20))], 4),  # 03-10..13
    ],
)
def test_working_days_between(
    cal: WorkCalendar, start: date, end: date, suspensions: list[tuple[date, date]], expected: int
) -> None:
    assert cal.working_days_between(start, end, suspensions) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 10, 1), D(2025, 10, 9)),
        (D(2025, 10, 11), D(2025, 10, 11)),  # a make-up Saturday is itself
        (D(2026, 2, 15), D(2026, 2, 24)),
        (D(2026, 2, 14), D(2026, 2, 14)),
        (D(2026, 12, 31), D(2026, 12, 31)),
        (D(2027, 1, 1), D(2027, 1, 4)),
    ],
)
def test_next_workday(cal: WorkCalendar, day: date, expected: date) -> None:
    assert cal.next_workday(day) == expected


def _reference_add(cal: WorkCalendar, start: date, n: int, suspensions: list[tuple[date, date]]) -> date:
    # Day-by-day walk, the obvious way, to check the bisect-based implementation.
    d, left = start, n
    while left:
        d += timedelta(days=1)
        if cal.is_workday(d) and not any(a <= d <= b for a, b in suspensions):
            left -= 1
    return d


_dates_2025_2026 = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 11, 30))


@settings(max_examples=300, deadline=None)
@given(
    start=_dates_2025_2026,
    n=st.integers(min_value=0, max_value=30),
    raw=st.lists(st.tuples(_dates_2025_2026, st.integers(min_value=0, max_value=40)), max_size=3),
)
def test_add_matches_day_by_day_walk(
    cal: WorkCalendar, start: date, n: int, raw: list[tuple[date, int]]
) -> None:
    suspensions = [(a, a + timedelta(days=k)) for a, k in raw]
    result = cal.add_working_days(start, n, suspensions)
    assert result.day == _reference_add(cal, start, n, suspensions)
    assert cal.working_days_between(start, result.day, suspensions) == n


# --- errors -----------------------------------------------------------------------------------


def test_error_for_year_outside_the_days() -> None:
    small = WorkCalendar("official-2026", official_days(2025, 2026), 2026)
    with pytest.raises(CalendarError, match="没有 2027 年的工作日历") as e:
        small.day(D(2027, 1, 4))
    assert "官方日程只到 2026 年" in str(e.value) and "估算" not in str(e.value)
    with pytest.raises(CalendarError, match="2024"):
        small.is_workday(D(2024, 12, 31))


def test_error_message_names_official_and_estimated_ends() -> None:
    cal = WorkCalendar("x", official_days(2026, 2026) + estimated_days(2027) + estimated_days(2028), 2026)
    with pytest.raises(CalendarError) as e:
        cal.day(D(2031, 5, 6))
    assert (
        str(e.value)
        == "没有 2031 年的工作日历（官方日程只到 2026 年，估算只到 2028 年），请同步中心服务器的日历"
    )


def test_deadline_beyond_the_days_raises(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError, match="2028"):
        cal.add_working_days(D(2027, 12, 20), 20)
    with pytest.raises(CalendarError, match="2028"):
        cal.working_days_between(D(2027, 12, 20), D(2028, 1, 20))
    with pytest.raises(CalendarError, match="2024"):
        cal.add_working_days(D(2024, 12, 31), 1)
    assert cal.next_workday(D(2027, 12, 31)) == D(2027, 12, 31)  # a Friday, the last day we have


def test_next_workday_past_the_end_raises() -> None:
    # The data ends on a weekend: no working day to move to.
    cal = WorkCalendar("x", [i for i in estimated_days(2027) if i.day <= D(2027, 12, 26)], 2026)
    with pytest.raises(CalendarError, match="2027"):
        cal.next_workday(D(2027, 12, 25))


@pytest.mark.parametrize(
    ("n", "suspensions"), [(-1, []), (1, [(D(2025, 3, 12), D(2025, 3, 11))])], ids=["negative n", "reversed"]
)
def test_bad_arguments(cal: WorkCalendar, n: int, suspensions: list[tuple[date, date]]) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 3, 7), n, suspensions)


# --- sources and construction -----------------------------------------------------------------


def test_official_horizon_is_detected() -> None:
    horizon = official_horizon()
    assert horizon >= 2026
    chinese_calendar.is_workday(D(horizon, 12, 31))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(horizon + 1, 1, 1))
    with pytest.raises(CalendarError, match=str(horizon + 1)):
        official_days(horizon + 1, horizon + 1)


def test_build_default_calendar() -> None:
    h = official_horizon()
    cal = build_default_calendar()
    assert cal.version == f"official-{h}+est-{h + 3}"
    assert (cal.first_day, cal.last_day, cal.official_through) == (D(2024, 1, 1), D(h + 3, 12, 31), h)
    assert not cal.day(D(h, 12, 31)).estimated and cal.day(D(h + 1, 1, 1)).estimated
    assert build_default_calendar(2025, 0).version == f"official-{h}"


def test_official_days_shape() -> None:
    days = official_days(2025, 2025)
    assert [i.day for i in days] == [D(2025, 1, 1) + timedelta(days=k) for k in range(365)]
    assert all(not i.estimated for i in days)
    assert all(i.name is None for i in days if i.kind in (DayKind.WORKDAY, DayKind.WEEKEND))


def test_official_row_beats_estimated_row() -> None:
    fake = [DayInfo(D(2026, 10, 1), True, DayKind.WORKDAY, None, True)]  # a stale estimate
    cal = WorkCalendar("x", fake + official_days(2026, 2026), 2026)
    assert cal.day(D(2026, 10, 1)).kind is DayKind.HOLIDAY


def test_invalid_day_sets() -> None:
    days = official_days(2025, 2025)
    with pytest.raises(ValueError, match="2025-03-01"):
        WorkCalendar("x", [i for i in days if i.day != D(2025, 3, 1)], 2025)
    with pytest.raises(ValueError):
        WorkCalendar("x", [*days, DayInfo(D(2025, 3, 1), False, DayKind.HOLIDAY, "春节", False)], 2025)
    with pytest.raises(ValueError):
        WorkCalendar("x", [], 2025)
