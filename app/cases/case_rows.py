"""A line of the case list: the stored text as read, decoded on access (#18).

A page holds a hundred rows and the table paints the twenty on screen; decoding every date, time and
light of every row when the page is read cost more than the indexed query itself (the due-soon list
ran at 1.65× the bare SQL). So a row keeps what SQLite returned — ISO dates, the UTC received time,
0/1 flags — and its properties decode only what is looked at. The one thing done at once is masking
the ID number: the full number never sits in a row, only in the case detail after a click.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from app.cases.lights import RUNNING_STATES, Light, LightWindow
from app.cases.states import STATE_LABELS, State
from app.core.context import local_naive

# The list's SELECT. The ID number comes last, so a row is the first columns as they are plus the
# masked number: one slice per row.
COLUMNS = ("c.rowid, c.id, c.case_no, c.state, c.item_code, c.item_name, c.window_id, c.applicant_kind, "
           "c.applicant_name, c.received_at, c.promised_deadline, c.legal_deadline, c.deadline_provisional, "
           "c.printed_promised, c.deadline_moved, c.processing_type, c.applicant_id_number")
# Position of each selected column by name (the page key is read from the raw row by these).
AT = {name.strip().removeprefix("c."): i for i, name in enumerate(COLUMNS.split(","))}
_KEPT = AT["applicant_id_number"]

_LABELS = {str(k): v for k, v in STATE_LABELS.items()}
_RUNNING = frozenset(str(s) for s in RUNNING_STATES)
_SUSPENDED = str(State.SUSPENDED)
# Beijing time has had no daylight saving since 1991: adding eight hours is the zone conversion of a
# received time, at a tenth of a zoneinfo look-up's cost.
_BEIJING = timedelta(hours=8)
_NO_DST_SINCE = datetime(1992, 1, 1)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _light(state: str, deadline: str | None, days: tuple[str, str]) -> Light:
    """app.cases.lights.case_lights on the stored text (ISO dates compare as text as they do as dates)."""
    if state in _RUNNING:
        if deadline is None:
            return Light.NONE
        return Light.RED if deadline < days[0] else Light.YELLOW if deadline < days[1] else Light.GREEN
    return Light.PAUSED if state == _SUSPENDED else Light.NONE


class CaseRow(NamedTuple):
    """One line of the case list. Fields hold the stored text; the properties below decode it."""

    rowid: int
    id: str
    case_no: str
    state: str
    item_code: str
    item_name: str
    window_id: int
    applicant_kind: str
    applicant_name: str
    received_utc: str  # as stored: naive UTC, ISO text
    promised_text: str | None
    legal_text: str | None
    provisional_flag: int
    printed_text: str | None
    moved_flag: int
    processing_type: str
    applicant_id_number: str  # masked (1101**********002X): the full number only through personal_data.reveal
    light_days: tuple[str, str]  # the page's today and first green day, ISO

    @property
    def state_label(self) -> str:
        return _LABELS.get(self.state, self.state)

    @property
    def received_at(self) -> datetime:
        """Hall local time."""
        at = datetime.fromisoformat(self.received_utc)
        return at + _BEIJING if at >= _NO_DST_SINCE else local_naive(at)

    @property
    def promised_deadline(self) -> date | None:
        return _day(self.promised_text)

    @property
    def legal_deadline(self) -> date | None:
        return _day(self.legal_text)

    @property
    def printed_promised(self) -> date | None:
        return _day(self.printed_text)

    @property
    def provisional(self) -> bool:
        return self.provisional_flag == 1

    @property
    def deadline_moved(self) -> bool:
        return self.moved_flag == 1

    @property
    def promised_light(self) -> Light:
        return _light(self.state, self.promised_text, self.light_days)

    @property
    def legal_light(self) -> Light:
        return _light(self.state, self.legal_text, self.light_days)


_new = tuple.__new__


def make_rows(raw: Sequence[Sequence[Any]], window: LightWindow) -> tuple[CaseRow, ...]:
    """The page's rows: each the selected columns up to the ID number, the masked number (as
    app.core.masking.mask_id masks it), and the page's light days — one slice and one tuple a row."""
    days = (window.today.isoformat(), window.green_from.isoformat())
    new, row_type, kept = _new, CaseRow, _KEPT  # locals: a global look-up is a dictionary probe per use
    return tuple([new(row_type, r[:kept] + (
        n if len(n := r[kept]) <= 8 else f"{n[:4]}{'*' * (len(n) - 8)}{n[-4:]}", days)) for r in raw])
