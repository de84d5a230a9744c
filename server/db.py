"""The server's database: one URL picks SQLite (embedded) or PostgreSQL; writes serialised where it matters."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from server.migrate import Migration, upgrade_to_head
from server.models import ChangeCounter


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, full sync and BEGIN IMMEDIATE (one writer, no upgrade deadlock)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        def on_connect(conn: sqlite3.Connection, _record: Any) -> None:
            conn.isolation_level = None
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.close()

        event.listen(engine, "connect", on_connect)
        _queue_writers(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


WRITER_WAIT_S = 30  # then the request is answered 503 with Retry-After, as a busy SQLite would be


def _queue_writers(engine: Engine) -> None:
    """Every SQLite transaction is a writer (BEGIN IMMEDIATE); let them queue on a lock in the process.

    SQLite's own busy handler polls with growing sleeps, so under twenty workstations pushing at once
    some requests lost every race for 15 s and were turned away (measured with bench/bench_sync.py
    20 1000). Waiting on a lock wakes the next writer the moment the last one commits.
    """
    lock = threading.Lock()

    def begin(conn: Any) -> None:
        if not lock.acquire(timeout=WRITER_WAIT_S):
            raise sqlite3.OperationalError("database is locked")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release()
            raise
        conn.info["ow_writer"] = True  # this connection holds the lock (a stray rollback elsewhere must not free it)

    def end(conn: Any) -> None:
        if conn.info.pop("ow_writer", False):
            lock.release()

    def returned(_dbapi_conn: Any, record: Any, *_args: Any) -> None:
        # A connection given back or dropped in the middle of a transaction never frees the queue for good.
        if record.info.pop("ow_writer", False):
            lock.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)
    event.listen(engine.pool, "checkin", returned)
    event.listen(engine.pool, "invalidate", returned)


def create_schema(engine: Engine) -> Migration:
    """The schema at head (a new database built, an old one upgraded: server.migrate) and the change
    counter's one row. Raises SchemaError, the database left as it was, when that cannot be done."""
    migration = upgrade_to_head(engine)
    with Session(engine) as s, s.begin():
        if s.execute(select(ChangeCounter.id)).first() is None:
            s.add(ChangeCounter(id=1, last=0))
    return migration


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
