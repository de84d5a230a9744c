"""The bundle's time along its longest path: a part that waits on 前置 parts starts when the last of them
ends. Parts already started keep their own deadlines; the others are expected from their 前置's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.reference.calendar import WorkCalendar


@dataclass(frozen=True)
class PathPart:
    key: str
    after: tuple[str, ...]
    promised_days: int
    legal_days: int
    promised_deadline: date | None  # set once the part's clock has started
    legal_deadline: date | None


@dataclass(frozen=True)
class Expected:
    promised: date
    legal: date


def expected(cal: WorkCalendar, start: date, parts: list[PathPart]) -> dict[str, Expected]:
    """Each part's (expected) promised and legal deadline; a waiting part starts on its 前置's expected day,
    by promise for the promised day and by law for the legal one."""
    by_key = {p.key: p for p in parts}
    out: dict[str, Expected] = {}

    def of(key: str) -> Expected:
        if key in out:
            return out[key]
        p = by_key[key]
        if p.promised_deadline is not None and p.legal_deadline is not None:
            got = Expected(p.promised_deadline, p.legal_deadline)
        else:
            before = [of(a) for a in p.after if a in by_key]
            from_promised = max((e.promised for e in before), default=start)
            from_legal = max((e.legal for e in before), default=start)
            got = Expected(cal.add_working_days(from_promised, p.promised_days).day,
                           cal.add_working_days(from_legal, p.legal_days).day)
        out[key] = got
        return got

    for p in parts:
        of(p.key)
    return out


def longest(found: dict[str, Expected]) -> Expected | None:
    """The bundle's deadline: the last of its parts'."""
    if not found:
        return None
    return Expected(max(e.promised for e in found.values()), max(e.legal for e in found.values()))
