"""The change feed workstations pull: numbered in commit order, filtered to the device's window."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.sync.protocol import Change, ChangePage
from server.models import ChangeCounter, ChangeRow

_COUNTER = "changes.counter"  # session.info key: (the transaction that locked the row, the row)


def _counter(session: Session) -> ChangeCounter:
    """The counter row, locked; kept for the transaction once locked outside any savepoint (see hold)."""
    transaction = session.get_transaction()
    kept = session.info.get(_COUNTER)
    if kept is not None and kept[0] is transaction:
        return kept[1]
    # populate_existing: the row as it is now, also when the object is still here from an earlier transaction
    counter = session.execute(select(ChangeCounter).where(ChangeCounter.id == 1).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()
    # A lock taken inside a savepoint goes when the savepoint is rolled back (PostgreSQL): not kept then.
    if session.get_nested_transaction() is None:
        session.info[_COUNTER] = (transaction, counter)
    return counter


def hold(session: Session) -> None:
    """Lock the counter now for the rest of the transaction, so that its changes need no query each
    (a push of a hundred ops, each in its own savepoint, would otherwise read the locked row a hundred times)."""
    _counter(session)


def append(session: Session, kind: str, key: str, window_code: str | None, data: dict[str, Any],
           at: datetime) -> int:
    """Add one change; the counter row stays locked until this transaction ends (see ChangeCounter)."""
    counter = _counter(session)
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
