"""The change feed workstations pull: numbered in commit order, filtered to the device's window."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.sync.protocol import Change, ChangePage
from server.models import ChangeCounter, ChangeRow


def append(session: Session, kind: str, key: str, window_code: str | None, data: dict[str, Any],
           at: datetime) -> int:
    """Add one change; the counter row stays locked until this transaction ends (see ChangeCounter)."""
    counter = session.execute(select(ChangeCounter).where(ChangeCounter.id == 1).with_for_update()).scalar_one()
    counter.last += 1
    session.add(ChangeRow(seq=counter.last, kind=kind, key=key, window_code=window_code,
                          data_json=json.dumps(data, ensure_ascii=False, sort_keys=True), at=at))
    session.flush()
    return counter.last


def page(session: Session, window_code: str, after: int, limit: int) -> ChangePage:
    """Changes after `after` for this window (and hall-wide ones), oldest first.

    `top` is read first: every change numbered up to it has committed (numbers are handed out
    under the counter's lock), so the cursor may move to it even past other windows' changes.
    """
    top = session.execute(select(func.max(ChangeRow.seq))).scalar_one() or 0
    rows = list(session.execute(
        select(ChangeRow).where(ChangeRow.seq > after, ChangeRow.seq <= top,
                                or_(ChangeRow.window_code == window_code, ChangeRow.window_code.is_(None)))
        .order_by(ChangeRow.seq).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1].seq if more else max(after, top)
    return ChangePage([Change(r.seq, r.kind, r.key, json.loads(r.data_json)) for r in rows], cursor, more)
