"""告知承诺 in the figures: cases accepted on a commitment and approved on it, post-checks falling due, done (and on
time) and overdue, false commitments, revocations and credit-record entries, over hall-local days (both ends
included) at a window or the whole database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text

from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.figures.consultations import _utc


@dataclass(frozen=True)
class CommitmentFigures:
    cases: int  # accepted on a commitment in the period
    checked: int  # post-checks concluded (属实 / 不属实) in the period
    checked_on_time: int  # of those, on or before their deadline
    found_false: int  # 不属实
    revoked: int  # approvals revoked in the period
    credit_records: int  # 信用记录 entries made in the period
    approved: int = 0  # approved in the period on a commitment (the decision on the spot)
    due: int = 0  # post-checks whose deadline falls in the period
    overdue: int = 0  # of those, past their deadline (before today) without a final result by it

    @property
    def on_time_rate(self) -> float | None:
        return self.checked_on_time / self.checked if self.checked else None


def commitment_figures(ctx: AppContext, actor: Actor, start: date, end: date,
                       window_id: int | None = None) -> CommitmentFigures:
    require(actor, Action.VIEW_STATS)
    p: dict[str, object] = {"start": start.isoformat(), "end": end.isoformat(), "lo": _utc(start),
                            "hi": _utc(end + timedelta(days=1)), "window": window_id}
    scope = " AND k.window_id = :window" if window_id is not None else ""
    with ctx.read() as s:
        cases = s.execute(text(f"SELECT count(*) FROM commitment_check k WHERE k.committed_on >= :start "
                               f"AND k.committed_on <= :end{scope}"), p).scalar_one()
        # The check's day is hall-local: 8 hours ahead of the stored UTC time (no summer time since 1991).
        checked = s.execute(text(
            "SELECT count(*), sum(date(k.checked_at, '+8 hours') <= k.due), sum(k.result = 'false') "
            f"FROM commitment_check k WHERE k.result IN ('true', 'false') AND k.checked_at >= :lo "
            f"AND k.checked_at < :hi{scope}"), p).one()
        revoked = s.execute(text(f"SELECT count(*) FROM commitment_check k WHERE k.revoked_at >= :lo "
                                 f"AND k.revoked_at < :hi{scope}"), p).scalar_one()
        approved = s.execute(text(f"SELECT count(*) FROM commitment_check k JOIN \"case\" c ON c.id = k.case_id "
                                  f"WHERE c.decision = 'approved' AND c.decided_at >= :lo AND c.decided_at < :hi"
                                  f"{scope}"), p).scalar_one()
        # A check is overdue once its last day has passed (today it may still be done) without 属实 / 不属实 on
        # or before that day; one concluded late stays overdue in its period's figures.
        due = s.execute(text(
            "SELECT count(*), sum(k.due < :today AND NOT coalesce(k.result IN ('true', 'false') "
            "AND date(k.checked_at, '+8 hours') <= k.due, 0)) "
            f"FROM commitment_check k WHERE k.due >= :start AND k.due <= :end{scope}"),
            {**p, "today": ctx.today().isoformat()}).one()
        credit = s.execute(text(f"SELECT count(*) FROM credit_record r JOIN commitment_check k ON k.case_id = r.case_id "
                                f"WHERE r.at >= :lo AND r.at < :hi{scope}"), p).scalar_one()
    return CommitmentFigures(cases, checked[0], checked[1] or 0, checked[2] or 0, revoked, credit, approved, due[0],
                             due[1] or 0)
