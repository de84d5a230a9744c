"""The comprehensive window's 一件事 desk: the bundles it received that still need work, a page at a time.

Keyset pages over (window, state, received_at, id) with the index of the same columns: a page costs the
same however many bundles the window has handed over in past years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select, text

from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from db.models import BUNDLE_DESK_WHERE, Bundle

PAGE_SIZE = 50


@dataclass(frozen=True)
class BundleRow:
    bundle_id: str
    bundle_no: str
    theme_name: str
    applicant_name: str
    state: str
    received_at: datetime

    @property
    def key(self) -> tuple[datetime, str]:
        """The keyset position to ask for the next page after this row."""
        return (self.received_at, self.bundle_id)


def open_bundles(ctx: AppContext, actor: Actor, after: tuple[datetime, str] | None = None,
                 limit: int = PAGE_SIZE) -> list[BundleRow]:
    """This window's bundles still needing work, newest first; `after` is the last row's key."""
    require(actor, Action.VIEW_CASES)
    if actor.window_id is None:
        return []
    q = select(Bundle.id, Bundle.bundle_no, Bundle.theme_name, Bundle.applicant_name, Bundle.state,
               Bundle.received_at).where(Bundle.window_id == actor.window_id, text(BUNDLE_DESK_WHERE))
    if after is not None:
        at, bundle_id = after
        q = q.where(or_(Bundle.received_at < at, and_(Bundle.received_at == at, Bundle.id < bundle_id)))
    q = q.order_by(Bundle.received_at.desc(), Bundle.id.desc()).limit(limit)
    with ctx.read() as s:
        return [BundleRow(*row) for row in s.execute(q).all()]
