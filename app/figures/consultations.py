"""Consultations in the figures: how many visitors only asked, per window and per item, and what became of them.

Counted from the consultation tables by indexed ranges of `at` (hall-local days, both ends included). A
consultation about two items counts once for the window and once for each item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import text

from app.core.auth import Action, require
from app.core.context import HALL_TZ, Actor, AppContext


@dataclass(frozen=True)
class ConsultationCount:
    key: str  # window number or item code
    name: str
    consultations: int
    referred: int  # sent on to another window (首问负责: still this window's)
    applied: int  # became an intake


@dataclass(frozen=True)
class ConsultationFigures:
    start: date
    end: date
    total: int
    referred: int
    applied: int
    per_window: tuple[ConsultationCount, ...]
    per_item: tuple[ConsultationCount, ...]


def _utc(day: date) -> str:
    local = datetime.combine(day, time(0), tzinfo=HALL_TZ)
    return (local - local.utcoffset()).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # type: ignore[operator]


def consultation_figures(ctx: AppContext, actor: Actor, start: date, end: date,
                         window_id: int | None = None) -> ConsultationFigures:
    """Consultations recorded from `start` to `end` at the window (or all windows of this database)."""
    require(actor, Action.VIEW_STATS)
    where = "c.at >= :lo AND c.at < :hi" + (" AND c.window_id = :window" if window_id is not None else "")
    p: dict[str, object] = {"lo": _utc(start), "hi": _utc(end + timedelta(days=1)), "window": window_id}
    counts = ("count(*), sum(c.referral_window_id IS NOT NULL), sum(c.case_id IS NOT NULL)")
    with ctx.read() as s:
        windows = s.execute(text(f"SELECT w.number, w.name, {counts} FROM consultation c JOIN window w "
                                 f"ON w.id = c.window_id WHERE {where} GROUP BY w.number, w.name "
                                 f"ORDER BY w.number"), p).all()
        items = s.execute(text(f"SELECT i.item_code, i.item_name, {counts} FROM consultation c JOIN "
                               f"consultation_item i ON i.consultation_id = c.id WHERE {where} "
                               f"GROUP BY i.item_code, i.item_name ORDER BY count(*) DESC, i.item_code"), p).all()
    per_window = tuple(ConsultationCount(r[0], r[1], r[2], r[3] or 0, r[4] or 0) for r in windows)
    per_item = tuple(ConsultationCount(r[0], r[1], r[2], r[3] or 0, r[4] or 0) for r in items)
    return ConsultationFigures(start, end, sum(w.consultations for w in per_window),
                               sum(w.referred for w in per_window), sum(w.applied for w in per_window),
                               per_window, per_item)
