"""Working-day calendar: official Chinese schedules, rule-based estimates, and deadline arithmetic."""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "CalendarError",
    "DayInfo",
    "DayKind",
    "Deadline",
    "WorkCalendar",
    "build_default_calendar",
    "estimated_days",
    "official_days",
    "official_horizon",
    "statutory_holidays",
]

_ONE_DAY = timedelta(days=1)
_SYNC_HINT = "请同步中心服务器的日历"
_FIRST_OFFICIAL_YEAR = 2004  # chinese_calendar's first year; new releases only add years at the far end


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP = "makeup"  # 调休: a Saturday or Sunday that is a working day


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    kind: DayKind
    name: str | None  # the holiday, for HOLIDAY days and for the MAKEUP days that serve it
    estimated: bool


@dataclass(frozen=True)
class Deadline:
    day: date
    provisional: bool  # some counted-over day comes from an estimated (not yet published) schedule
    working_days: int


class CalendarError(Exception):
    """A date the calendar has no schedule for; the message is Chinese and shown to clerks as is."""


# chinese_calendar names days by its Holiday enum's English value; its own Chinese
# labels are abbreviated (清明, 端午, 中秋), so the full names are spelled out here.
_OFFICIAL_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",  # one-off, 2015-09-03
}

# vacanza `holidays` (language en_US) statutory entries. Anything else it reports
# ("Day off (substituted from …)" for years it knows the 调休 of) is deliberately not
# mapped: its substituted days off come without the matching make-up working days.
_STATUTORY_NAMES: dict[str, str] = {
    "New Year's Day": "元旦",
    "Chinese New Year's Eve": "春节",
    "Chinese New Year (Spring Festival)": "春节",
    "Tomb-Sweeping Day": "清明节",
    "Labor Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def _year_days(year: int) -> Iterable[date]:
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += _ONE_DAY


def _is_weekend(d: date) -> bool:
    return d.weekday() >= 5


@functools.cache
def official_horizon() -> int:
    """Last year chinese_calendar has the State Council schedule for (found by probing)."""
    import chinese_calendar  # here, not at import: the tables are only read when a calendar is made

    year = _FIRST_OFFICIAL_YEAR
    while True:
        try:
            chinese_calendar.is_workday(date(year + 1, 12, 31))
        except NotImplementedError:
            return year
        year += 1


def official_days(first_year: int, last_year: int) -> list[DayInfo]:
    """Every day of first_year..last_year from the published schedules in chinese_calendar."""
    import chinese_calendar

    horizon = official_horizon()
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} > last_year {last_year}")
    for year in (first_year, last_year):
        if not _FIRST_OFFICIAL_YEAR <= year <= horizon:
            raise CalendarError(
                f"没有 {year} 年的官方日程（本机官方日程为 {_FIRST_OFFICIAL_YEAR}—{horizon} 年），{_SYNC_HINT}"
            )
    out: list[DayInfo] = []
    for year in range(first_year, last_year + 1):
        for d in _year_days(year):
            is_holiday, english = chinese_calendar.get_holiday_detail(d)
            name = _OFFICIAL_NAMES.get(english, english) if english else None
            if not is_holiday:
                kind = DayKind.MAKEUP if _is_weekend(d) else DayKind.WORKDAY
                # A weekday working day has nothing to be named after.
                out.append(DayInfo(d, True, kind, name if kind is DayKind.MAKEUP else None, False))
            elif name is None and _is_weekend(d):
                out.append(DayInfo(d, False, DayKind.WEEKEND, None, False))
            else:
                # Weekend days inside a holiday period are part of the holiday, as the notice says.
                out.append(DayInfo(d, False, DayKind.HOLIDAY, name, False))
    return out


def statutory_holidays(year: int) -> dict[date, list[str]]:
    """Statutory holiday days of a year (全国年节及纪念日放假办法), names in Chinese.

    From 2025 there are 13 (元旦 1, 春节 4 with 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3);
    a date carries two names when two festivals coincide (中秋 on a 国庆 day).
    """
    import holidays  # 11 MiB of every country's rules: only when a calendar is made

    table = holidays.China(years=year, observed=False, language="en_US")
    out: dict[date, list[str]] = {}
    for d, label in sorted(table.items()):
        # `holidays` joins coinciding festivals with "; ".
        names = [_STATUTORY_NAMES[p] for p in label.split("; ") if p in _STATUTORY_NAMES]
        if names:
            out[d] = names
    return out


def estimated_days(year: int) -> list[DayInfo]:
    """Every day of a year without a published schedule, from the statutory rules only.

    No 调休 can be guessed, so weekends rest. What the rules do fix is 补假 (放假办法 art. 6):
    a statutory day on a Saturday or Sunday, or two festivals on one date, is made up by
    the next weekday(s) after that festival's days that are not holidays already.
    """
    statutory = statutory_holidays(year)
    off: dict[date, str] = {d: names[0] for d, names in statutory.items()}
    owed: dict[str, int] = {}
    last_of: dict[str, date] = {}
    for d, names in statutory.items():
        for name in names:
            last_of[name] = max(last_of.get(name, d), d)
        owed_here = len(names) - 1 + (1 if _is_weekend(d) else 0)
        owed[names[-1]] = owed.get(names[-1], 0) + owed_here
    for name, count in owed.items():
        d = last_of[name]
        while count > 0:
            d += _ONE_DAY
            if not _is_weekend(d) and d not in off:
                off[d] = name
                count -= 1
    out: list[DayInfo] = []
    for d in _year_days(year):
        if d in off:
            out.append(DayInfo(d, False, DayKind.HOLIDAY, off[d], True))
        elif _is_weekend(d):
            out.append(DayInfo(d, False, DayKind.WEEKEND, None, True))
        else:
            out.append(DayInfo(d, True, DayKind.WORKDAY, None, True))
    return out


def _merge(suspensions: Sequence[tuple[date, date]]) -> list[tuple[int, int]]:
    """Suspensions as sorted, disjoint, inclusive ordinal ranges."""
    spans: list[tuple[int, int]] = []
    for first, last in sorted(suspensions):
        if last < first:
            raise ValueError(f"suspension ends before it starts: {first} .. {last}")
        a, b = first.toordinal(), last.toordinal()
        if spans and a <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


class WorkCalendar:
    """Working-day arithmetic over a contiguous run of days (official and/or estimated)."""

    def __init__(self, version: str, days: Iterable[DayInfo], official_through: int) -> None:
        self.version = version
        self.official_through = official_through
        by_day: dict[date, DayInfo] = {}
        for info in days:
            seen = by_day.get(info.day)
            if seen is None or (seen.estimated and not info.estimated):
                by_day[info.day] = info  # a published day always beats an estimate of it
            elif seen != info and seen.estimated == info.estimated:
                raise ValueError(f"two different rows for {info.day}: {seen} / {info}")
        if not by_day:
            raise ValueError("a WorkCalendar needs at least one day")
        self.first_day = min(by_day)
        self.last_day = max(by_day)
        self._first_ord = self.first_day.toordinal()
        span = self.last_day.toordinal() - self._first_ord + 1
        if span != len(by_day):
            # Counting across a hole would silently skip days; refuse the data instead.
            missing = next(d for d in (self.first_day + timedelta(i) for i in range(span)) if d not in by_day)
            raise ValueError(f"calendar days are not contiguous: {missing} is missing")
        self._days: list[DayInfo] = [by_day[self.first_day + timedelta(i)] for i in range(span)]
        # Sorted ordinals of working days: the n-th working day after s is one bisect away.
        self._workdays: list[int] = [i.day.toordinal() for i in self._days if i.workday]
        # _estimated_before[i] = estimated days among _days[:i], to answer "provisional?" in O(1).
        self._estimated_before: list[int] = [0]
        for info in self._days:
            self._estimated_before.append(self._estimated_before[-1] + info.estimated)
        est_years = [i.day.year for i in self._days if i.estimated]
        self._estimated_through: int | None = max(est_years) if est_years else None

    def __repr__(self) -> str:
        return f"WorkCalendar({self.version!r}, {self.first_day}..{self.last_day})"

    def _error(self, d: date) -> CalendarError:
        if d < self.first_day:
            return CalendarError(
                f"没有 {d.year} 年的工作日历（日历从 {self.first_day.isoformat()} 开始），{_SYNC_HINT}"
            )
        coverage = f"官方日程只到 {self.official_through} 年"
        if self._estimated_through is not None and self._estimated_through > self.official_through:
            coverage += f"，估算只到 {self._estimated_through} 年"
        return CalendarError(f"没有 {d.year} 年的工作日历（{coverage}），{_SYNC_HINT}")

    def _index(self, d: date) -> int:
        i = d.toordinal() - self._first_ord
        if not 0 <= i < len(self._days):
            raise self._error(d)
        return i

    def day(self, d: date) -> DayInfo:
        return self._days[self._index(d)]

    def is_workday(self, d: date) -> bool:
        return self._days[self._index(d)].workday

    def next_workday(self, d: date) -> date:
        self._index(d)
        k = bisect_left(self._workdays, d.toordinal())
        if k == len(self._workdays):
            raise self._error(self.last_day + _ONE_DAY)
        return date.fromordinal(self._workdays[k])

    def _provisional(self, start: date, end: date) -> bool:
        """Whether any of the days start+1 .. end is estimated."""
        if end <= start:
            return False
        a, b = self._index(start) + 1, self._index(end) + 1
        return self._estimated_before[b] - self._estimated_before[a] > 0

    def add_working_days(
        self, start: date, n: int, suspensions: Sequence[tuple[date, date]] = ()
    ) -> Deadline:
        """The n-th counting working day after start (the start day itself never counts)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        self._index(start)
        if n == 0:
            return Deadline(start, False, 0)
        wd = self._workdays
        spans = _merge(suspensions)
        k = bisect_right(wd, start.toordinal())  # index of the first working day after start
        s = 0
        remaining = n
        while True:
            if k >= len(wd):  # the answer lies beyond the last day we have
                raise self._error(self.last_day + _ONE_DAY)
            while s < len(spans) and spans[s][1] < wd[k]:
                s += 1
            if s < len(spans) and spans[s][0] <= wd[k]:
                k = bisect_right(wd, spans[s][1], lo=k)  # jump over the suspension
                continue
            # The working days before the next suspension all count: take them in one step.
            limit = bisect_left(wd, spans[s][0], lo=k) if s < len(spans) else len(wd)
            take = min(remaining, limit - k)
            k += take
            remaining -= take
            if remaining == 0:
                result = date.fromordinal(wd[k - 1])
                return Deadline(result, self._provisional(start, result), n)

    def working_days_between(
        self, start: date, end: date, suspensions: Sequence[tuple[date, date]] = ()
    ) -> int:
        """Counting working days in start+1 .. end (0 when end <= start)."""
        if end <= start:
            return 0
        self._index(start)
        self._index(end)
        wd = self._workdays
        a, b = start.toordinal(), end.toordinal()
        count = bisect_right(wd, b) - bisect_right(wd, a)
        for first, last in _merge(suspensions):
            lo, hi = max(first, a + 1), min(last, b)
            if lo <= hi:
                count -= bisect_right(wd, hi) - bisect_left(wd, lo)
        return count


def build_default_calendar(first_year: int = 2024, estimate_years: int = 3) -> WorkCalendar:
    """Official years first_year..horizon plus `estimate_years` estimated years after them."""
    horizon = official_horizon()
    days = official_days(first_year, horizon)
    for year in range(horizon + 1, horizon + 1 + estimate_years):
        days.extend(estimated_days(year))
    version = f"official-{horizon}" + (f"+est-{horizon + estimate_years}" if estimate_years > 0 else "")
    return WorkCalendar(version, days, official_through=horizon)
