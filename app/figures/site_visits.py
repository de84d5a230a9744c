"""Site visits (现场核查) in the figures: visits scheduled, results recorded (and what they found), results with
their photos, over hall-local days (both ends included) at a window or the whole database.

A visit counts where its case's window is, whichever workstation recorded it (pulled visits included): the
figures are the window's, not the machine's. "With photos" counts a result whose photos are known — taken here,
fetched, or only counted from the server's record — since a result without photos is refused at the source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text

from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.figures.consultations import _utc


@dataclass(frozen=True)
class SiteVisitFigures:
    scheduled: int  # visits scheduled in the period (when the notice was issued)
    done: int  # results recorded in the period
    with_photos: int  # of those, with their photos
    photos: int  # photos of those results
    meets: int  # 符合
    rectify: int  # 限期整改
    fails: int  # 不符合


def site_visit_figures(ctx: AppContext, actor: Actor, start: date, end: date,
                       window_id: int | None = None) -> SiteVisitFigures:
    require(actor, Action.VIEW_STATS)
    p: dict[str, object] = {"lo": _utc(start), "hi": _utc(end + timedelta(days=1)), "window": window_id}
    scope = " AND c.window_id = :window" if window_id is not None else ""
    base = "FROM site_visit v JOIN \"case\" c ON c.id = v.case_id WHERE "
    with ctx.read() as s:
        scheduled = s.execute(text(f"SELECT count(*) {base}v.scheduled_at >= :lo AND v.scheduled_at < :hi{scope}"),
                              p).scalar_one()
        # photo_count is set where the photos were taken and where the result was pulled (the server's count).
        done = s.execute(text(
            "SELECT count(*), sum(v.photo_count > 0), sum(v.photo_count), sum(v.result = 'meets'), "
            f"sum(v.result = 'rectify'), sum(v.result = 'fails') {base}v.result IS NOT NULL "
            f"AND v.result_at >= :lo AND v.result_at < :hi{scope}"), p).one()
    return SiteVisitFigures(scheduled, done[0], *(n or 0 for n in done[1:]))
