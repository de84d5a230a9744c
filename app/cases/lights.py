"""Traffic lights for deadlines (电子监察): green on time, yellow due soon, red late, in working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.cases.states import State
from app.reference.calendar import CalendarError, WorkCalendar

# States in which the clock runs against the promised and legal deadlines.
RUNNING_STATES = frozenset({State.ACCEPTED, State.UNDER_REVIEW, State.AWAITING_SIGNOFF, State.FORWARDED})
# The same set as SQL, literally as the partial index ix_case_running_promised (migration 0003) states it:
# SQLite uses a partial index only when the query repeats its WHERE term.
RUNNING_SQL = "state IN ('accepted', 'under_review', 'awaiting_signoff', 'forwarded')"


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    PAUSED = "paused"  # art. 45 special procedure: the clock stands still
    NONE = "none"  # no running clock: not yet accepted, or finished

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Light.NONE: 0, Light.PAUSED: 1, Light.GREEN: 2, Light.YELLOW: 3, Light.RED: 4}

LIGHT_LABELS: dict[Light, str] = {
    Light.GREEN: "正常", Light.YELLOW: "临期", Light.RED: "逾期", Light.PAUSED: "暂停计时", Light.NONE: "—",
}
LIGHT_COLORS: dict[Light, str] = {
    Light.GREEN: "#2e9d48", Light.YELLOW: "#e0a800", Light.RED: "#d93025", Light.PAUSED: "#8a8f98",
    Light.NONE: "#c8ccd2",
}


@dataclass(frozen=True)
class LightWindow:
    """Today, and the first day that is no longer 'due soon' (more than N working days away)."""

    today: date
    green_from: date

    @property
    def yellow_until(self) -> date:
        return self.green_from - timedelta(days=1)


def light_window(cal: WorkCalendar, today: date, yellow_workdays: int) -> LightWindow:
    """Yellow: today ≤ deadline and at most N working days after today (today itself not counted).

    The first green day is the (N+1)-th working day after today: a deadline on a holiday just after
    the N-th working day is still within N working days. Past the calendar's end nothing is yellow.
    """
    try:
        green_from = cal.add_working_days(today, max(yellow_workdays, 0) + 1).day
    except CalendarError:
        green_from = today + timedelta(days=1)
    return LightWindow(today, green_from)


def light_of(deadline: date | None, window: LightWindow) -> Light:
    """The light of one running deadline."""
    if deadline is None:
        return Light.NONE
    if deadline < window.today:
        return Light.RED
    if deadline < window.green_from:
        return Light.YELLOW
    return Light.GREEN


def case_lights(state: str, promised: date | None, legal: date | None, window: LightWindow) -> tuple[Light, Light]:
    """(promised light, legal light) of a case in its state."""
    if state == State.SUSPENDED:
        return Light.PAUSED, Light.PAUSED
    if state not in RUNNING_STATES:
        return Light.NONE, Light.NONE
    return light_of(promised, window), light_of(legal, window)


def worst(*lights: Light) -> Light:
    return max(lights, key=lambda light: light.severity)
