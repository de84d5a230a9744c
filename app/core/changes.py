"""The change notice: after each commit, which tables it wrote and whether the sync engine wrote them.

Pages showing data refresh on it instead of polling or waiting for 刷新: a case accepted here, decided at
the department and pulled by sync, or signed by the chief on this machine reaches every page that shows
it. The tables come from the ORM's flush; a transaction that wrote only by bare SQL reports no tables,
which a watcher takes as "anything may have changed".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.context import AppContext

_KEY = "changed_tables"

# The case and everything a desk, a list or a figure reads beside it.
CASE_TABLES = frozenset({"case", "case_event", "review", "document", "certificate", "delivery", "suspension",
                         "extension", "deadline_change", "delegation", "deputy", "calendar_version"})


@dataclass(frozen=True)
class Change:
    tables: frozenset[str]  # empty: not known (bare SQL), so anything may have changed
    by_sync: bool

    def touches(self, tables: frozenset[str]) -> bool:
        return not self.tables or bool(self.tables & tables)


@event.listens_for(Session, "before_flush")
def _note_tables(session: Session, _flush_context: Any, _instances: Any) -> None:
    noted = session.info.setdefault(_KEY, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table:
            noted.add(table)


def watch(ctx: AppContext, callback: Callable[[Change], None]) -> Callable[[Session], None]:
    """Call `callback(change)` after every commit of this context (from the committing thread);
    returns the hook, for `unwatch`."""

    def hook(session: Session) -> None:
        callback(Change(frozenset(session.info.get(_KEY, ())), bool(session.info.get("sync"))))

    ctx.after_commit.append(hook)
    return hook


def unwatch(ctx: AppContext, hook: Callable[[Session], None]) -> None:
    if hook in ctx.after_commit:
        ctx.after_commit.remove(hook)
