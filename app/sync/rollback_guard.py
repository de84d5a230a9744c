"""A database that went back in time (restored from a backup) moves to a new epoch before it numbers anything.

Case, document and certificate numbers are made offline from counters in the database. A database
restored from yesterday's backup has yesterday's counters, so it would hand out again the numbers
the lost database issued since — printed on paper, perhaps already at the server. The server's
epochs catch that only once the workstation syncs, after the clerk has given the number away.

So each enrolled workstation keeps a numbering mark outside the database, in the OS keyring (which
neither the app's backups nor an IT person copying the database file restore): the epoch, the
highest outbox seq, and the document and certificate counters. It is written just before every
commit that moves them (a mark ahead of the database is harmless; one behind it is not). On
opening, a database whose epoch or outbox seq is below the mark was restored: it starts a new
epoch at once (a new digit in every case number), numbers its pending ops above every seq the lost
database used, and raises its document and certificate counters to the mark. The server still
checks epochs and seqs: a whole machine restored with its keyring is caught there (engine.push).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core import audit, machine
from app.core.context import AppContext
from app.sync import settings as keys
from app.sync.credentials import CredentialStore
from app.sync.outbox_push import renumber
from db.models import DocumentCounter, NumberBlock

log = logging.getLogger(__name__)
MAX_BLOCKS = 40  # certificate number blocks in the mark: the newest in use (Windows caps a secret at 2,560 bytes)
Run = Callable[[str, tuple[Any, ...]], list[Any]]


@dataclass(frozen=True)
class NumberingState:
    """Where this database's numbering stands (or, as a mark, stood at its furthest)."""

    epoch: int = 0
    seq: int = 0  # the outbox's AUTOINCREMENT: every numbered action enqueues an op in its transaction
    documents: dict[str, int] = field(default_factory=dict)  # "kind/year" → next value
    blocks: dict[str, int] = field(default_factory=dict)  # number block id → next value

    def behind(self, mark: NumberingState) -> bool:
        return self.epoch < mark.epoch or self.seq < mark.seq

    def merged(self, newer: NumberingState) -> NumberingState:
        """The mark moved on by what the database holds now (counters only ever rise)."""
        return NumberingState(
            max(self.epoch, newer.epoch), max(self.seq, newer.seq),
            {k: max(v, self.documents.get(k, 0)) for k, v in newer.documents.items()},
            {k: max(v, self.blocks.get(k, 0)) for k, v in newer.blocks.items()})

    def to_json(self) -> str:
        return json.dumps({"v": 1, "epoch": self.epoch, "seq": self.seq, "docs": self.documents,
                           "blocks": self.blocks}, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def from_json(text: str | None) -> NumberingState | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return NumberingState(int(data["epoch"]), int(data["seq"]),
                                  {str(k): int(v) for k, v in data.get("docs", {}).items()},
                                  {str(k): int(v) for k, v in data.get("blocks", {}).items()})
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("unreadable numbering mark in the keyring: ignored")
            return None


def read_state(run: Run) -> tuple[str, NumberingState] | None:
    """(device id, state) of an enrolled database; None before enrolment (its numbers never reach the hall)."""
    settings = dict(run("SELECT key, value FROM setting WHERE key IN (?, ?)", (keys.DEVICE_ID, keys.EPOCH)))
    device = settings.get(keys.DEVICE_ID)
    if not device:
        return None
    top = run("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'", ())
    docs = run("SELECT kind, year, next_value FROM document_counter "
               "WHERE year >= (SELECT max(year) FROM document_counter) - 1", ())
    blocks = run("SELECT id, next_value FROM number_block WHERE next_value > first "
                 "ORDER BY leased_at DESC LIMIT ?", (MAX_BLOCKS,))
    return str(device), NumberingState(int(settings.get(keys.EPOCH) or 0), int(top[0][0] or 0) if top else 0,
                                       {f"{kind}/{year}": int(n) for kind, year, n in docs},
                                       {str(bid): int(n) for bid, n in blocks})


def _session_run(session: Session) -> Run:
    return lambda sql, params: list(session.connection().exec_driver_sql(sql, params).all())


def recover(session: Session, device_id: str, state: NumberingState, mark: NumberingState,
            now: Any) -> NumberingState:
    """A restored database: new epoch, pending ops above every seq used, counters up to the mark."""
    epoch = max(state.epoch, mark.epoch) + 1
    moved = renumber(session, epoch, mark.seq + 1)
    for key, floor in mark.documents.items():
        kind, year = key.rsplit("/", 1)
        row = session.get(DocumentCounter, (kind, int(year)))
        if row is None:
            session.add(DocumentCounter(kind=kind, year=int(year), next_value=floor))
        elif row.next_value < floor:
            row.next_value = floor
    for block_id, floor in mark.blocks.items():
        block = session.get(NumberBlock, block_id)
        if block is not None and block.next_value < floor:
            block.next_value = min(floor, block.last + 1)
    audit.record(session, None, "restored_database", device_id,
                 {"reason": "数据库落后于本机的编号记录（从备份恢复），已启用新的同步纪元，编号不会重复",
                  "epoch_before": state.epoch, "epoch": epoch, "seq_in_database": state.seq,
                  "seq_mark": mark.seq, "pending_renumbered": moved}, at=now)
    log.warning("database behind its numbering mark (restored from a backup): new epoch %s", epoch)
    session.flush()
    found = read_state(_session_run(session))
    assert found is not None
    return found[1]


class Guard:
    """Checks the mark on opening; keeps it ahead of the database at every commit after that."""

    def __init__(self, ctx: AppContext, store: CredentialStore) -> None:
        self.ctx, self.store = ctx, store
        self.known: dict[str, NumberingState] = {}  # device id → the mark as last read or written

    def open(self) -> bool:
        """Returns True when the database was found behind its mark (and moved on)."""
        restored = False
        with self.ctx.write() as s:
            found = read_state(_session_run(s))
            if found is None:
                return False
            device, state = found
            if not machine.recorded(s) and machine.fingerprint():
                # Enrolled before machines were recorded: this is the machine it has been running on.
                keys.put(s, machine.MACHINE_KEY, machine.fingerprint())
            mark = self._mark(device)
            if mark is not None and state.behind(mark):
                state, restored = recover(s, device, state, mark, self.ctx.now()), True
        self._advance(device, state)
        return restored

    def before_commit(self, conn: Any) -> None:
        """Engine "commit" event: runs inside the transaction, just before SQLite commits it."""
        try:
            if not self.store.persistent:
                return
            raw = conn.connection.dbapi_connection
            found = read_state(lambda sql, params: raw.execute(sql, params).fetchall())
            if found is not None:
                self._advance(*found)
        except Exception:  # the keyring failing must not lose the clerk's work; the server still checks
            log.warning("could not update the numbering mark", exc_info=True)

    def _mark(self, device: str) -> NumberingState | None:
        if device not in self.known:
            try:
                mark = NumberingState.from_json(self.store.numbering_mark(device))
            except Exception:
                log.warning("could not read the numbering mark", exc_info=True)
                return None
            self.known[device] = mark or NumberingState()
        return self.known[device]

    def _advance(self, device: str, state: NumberingState) -> None:
        known = self._mark(device)
        if known is None:
            return
        merged = known.merged(state)
        if merged != known:
            self.store.set_numbering_mark(device, merged.to_json())
        self.known[device] = merged


def install(ctx: AppContext, store: CredentialStore | None = None) -> bool:
    """At start-up, before anything is numbered: check the mark, then keep it. True when restored."""
    guard = Guard(ctx, store or CredentialStore(ctx.demo))
    restored = guard.open()
    event.listen(ctx.engine, "commit", guard.before_commit)
    return restored
