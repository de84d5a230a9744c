"""The open data directory: engines, sessions, clock and the signed-in member of staff.

Passed explicitly to every use case; there is no global application object.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core import audit
from app.core.clock import utc_now as utc_now  # named here too: most callers take it with the context
from app.core.faults import fault_point
from app.core.paths import DataDir
from db.engine import make_session_factory, session_scope

# The hall works on Beijing time whatever the workstation's zone is set to.
HALL_TZ = ZoneInfo("Asia/Shanghai")


def to_local(at: datetime) -> datetime:
    """A stored (naive UTC) instant as hall wall-clock time."""
    return at.replace(tzinfo=UTC).astimezone(HALL_TZ)


def local_naive(at: datetime) -> datetime:
    """A stored instant as naive hall wall-clock time, as documents and lists print it."""
    return to_local(at).replace(tzinfo=None)


def utc_start_of(day: date) -> datetime:
    """The stored (naive UTC) instant at which a hall-local day begins: for range queries on *_at columns."""
    return datetime.combine(day, datetime.min.time(), HALL_TZ).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """Who is signed in; every use case is called with one."""

    staff_id: int
    username: str
    name: str
    role: str
    window_id: int | None
    window_name: str
    department_id: int | None
    department_name: str


MAX_THREAD_READERS = 6  # the UI thread, the task pool's threads (one per core) and a sync's


@dataclass
class _HeldReader:
    pooled: Any  # SQLAlchemy's proxy of the detached DB-API connection (its close() closes it)
    lock: Any  # a threading.RLock: a nested read on the same thread takes it again
    closed: bool = False


@dataclass
class AppContext:
    """What a use case needs: where the data is, how to reach it, and what time it is."""

    data: DataDir
    engine: Engine
    read_engine: Engine
    demo: bool = False
    clock: Callable[[], datetime] = utc_now
    _writer: sessionmaker[Session] = field(init=False, repr=False)
    _reader: sessionmaker[Session] = field(init=False, repr=False)
    after_commit: list[Callable[[Session], None]] = field(default_factory=list, repr=False)
    # Run inside the write transaction just before it commits (app.sync signs the ops queued in it).
    before_commit: list[Callable[[Session], None]] = field(default_factory=list, repr=False)
    # Called after a successful sign-in with (username, password) (app.sync registers the person's key online).
    on_sign_in: list[Callable[[str, str], None]] = field(default_factory=list, repr=False)
    # The op-signing keys opened by this session's sign-ins (app.core.op_keys), by username.
    signing_keys: dict[str, Any] = field(default_factory=dict, repr=False)
    # A large file's integrity check runs behind the window (app.station.bootstrap); when it fails,
    # `fence` holds the message every write is refused with from then on.
    checks_pending: bool = False
    fence: str = ""
    # Each thread's own read connection for the list pages (app.cases.queries), out of the pool.
    _thread_readers: dict[int, _HeldReader] = field(default_factory=dict, repr=False)
    _readers_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _readers_closed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self._writer = make_session_factory(self.engine)
        self._reader = make_session_factory(self.read_engine)

    def now(self) -> datetime:
        """Current instant, naive UTC."""
        return self.clock()

    def today(self) -> date:
        """Today in the hall's time zone (a case's day, a deadline's day)."""
        return to_local(self.clock()).date()

    @contextmanager
    def write(self, label: str = "") -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE); hooks run after it commits.

        A `label` names the fault points `label.before_commit` / `label.after_commit` (app.core.faults).
        Audit entries a use case queued with `audit_on_rollback` (a refused password, say) are
        written in their own transaction after the failed one rolls back: the refusal is the fact.
        """
        if self.fence:
            from app.core.errors import AppError

            raise AppError("corrupt", self.fence)
        session: Session | None = None
        try:
            with session_scope(self._writer) as session:
                yield session
                for before in self.before_commit:
                    before(session)
                if label:
                    fault_point(f"{label}.before_commit")
        except BaseException:
            queued = session.info.pop("audit_on_rollback", []) if session is not None else []
            if queued:
                with session_scope(self._writer) as again:
                    for staff_id, action, target, detail, at in queued:
                        audit.record(again, staff_id, action, target, detail, at=at)
                for hook in self.after_commit:
                    hook(again)
            raise
        if label:
            fault_point(f"{label}.after_commit")
        for hook in self.after_commit:
            hook(session)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction that never waits on the writer."""
        with session_scope(self._reader) as session:
            yield session

    @contextmanager
    def thread_reader(self) -> Iterator[Any]:
        """This thread's own DB-API connection on the read engine, detached from the pool and kept until
        `dispose`: for single autocommit SELECTs (a list page), which never leave a transaction open.
        Checking a connection out of the pool and back costs some 25 µs of Python per page — a sixth of
        a 100-row page at a million cases (#18). While a thread reads, its connection's lock is held, so
        `dispose` never closes it under a running query; after `dispose`, a pooled connection as before."""
        key = threading.get_ident()
        with self._readers_lock:
            held = self._thread_readers.get(key)
            if held is None and not self._readers_closed:
                self._retire_idle_readers()
                pooled = self.read_engine.raw_connection()
                pooled.detach()  # closed by dispose() or when retired, never handed to another pool user
                held = self._thread_readers[key] = _HeldReader(pooled, threading.RLock())
        if held is not None:
            with held.lock:
                if not held.closed:
                    yield held.pooled.dbapi_connection  # (driver_connection goes with the pool record)
                    return
        pooled = self.read_engine.raw_connection()
        try:
            yield pooled.dbapi_connection
        finally:
            pooled.close()

    def _retire_idle_readers(self) -> None:
        """Keep at most MAX_THREAD_READERS: the task pool's threads end after 30 s idle and new ones take
        their place all day, so the connections of threads that are gone (or idle) are closed, oldest
        first — never one in use (its lock is not free). Called under `_readers_lock`."""
        for key in list(self._thread_readers)[:max(0, len(self._thread_readers) - MAX_THREAD_READERS + 1)]:
            reader = self._thread_readers[key]
            if reader.lock.acquire(blocking=False):
                try:
                    reader.closed = True
                    reader.pooled.close()
                    del self._thread_readers[key]
                finally:
                    reader.lock.release()

    def dispose(self) -> None:
        with self._readers_lock:
            self._readers_closed = True
            held = list(self._thread_readers.values())
            self._thread_readers.clear()
        for reader in held:
            with reader.lock:  # waits for a page being read on it
                reader.closed = True
                reader.pooled.close()
        self.engine.dispose()
        self.read_engine.dispose()


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}
