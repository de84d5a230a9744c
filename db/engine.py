"""The SQLite engine: pragmas for durability, BEGIN IMMEDIATE writes, and one session scope."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from db.errors import classify

BUSY_TIMEOUT_MS = 5000


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # pysqlite's own transaction handling would issue BEGIN (deferred) lazily; we take it over
    # so every transaction starts with BEGIN IMMEDIATE and a writer never deadlocks on upgrade.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a confirmed intake must survive a power cut, not only a crash of the app.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def _begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def key_pragma(key: bytes) -> str:
    """SQLCipher's raw-key form: the 256-bit key itself, no passphrase derivation (the key is random)."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_encrypted(path: Path | str, key: bytes) -> Any:
    """A SQLCipher 4 DB-API connection on `path`, keyed before anything reads the file."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), check_same_thread=False)
    conn.execute(key_pragma(key))
    return conn


def make_engine(path: Path | str, *, readonly: bool = False, key: bytes | None = None) -> Engine:
    """An engine on the SQLite file at `path` (created if absent) with OneWindow's pragmas.

    With a `key` the file is a SQLCipher 4 database (AES-256, the raw key from the OS secret store:
    app.station.data_keys); without one it is plain SQLite (the demo, the server's tests).

    Writers start with BEGIN IMMEDIATE (one writer at a time, no lock upgrade deadlock);
    a `readonly` engine starts deferred transactions so list queries never wait on a writer
    (WAL lets readers see the last committed state while a write is in progress).
    """
    url = "sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}"
    # The pool hands a connection to one thread at a time; sessions never cross threads (DESIGN §2).
    if key is None:
        engine = create_engine(url, connect_args={"check_same_thread": False})
    else:
        import sqlcipher3

        # The dialect is pysqlite's (SQLCipher is SQLite underneath); module= gives it sqlcipher3's errors.
        engine = create_engine(url, module=sqlcipher3.dbapi2, creator=lambda: connect_encrypted(path, key))
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _begin_deferred if readonly else _begin_immediate)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that never expire loaded objects on commit (we return DTOs, not ORM rows)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back and sort the error on failure."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        session.rollback()
        known = classify(exc)
        if known is not None:
            raise known from exc
        raise
    finally:
        session.close()


def quick_check(engine: Engine) -> str:
    """SQLite's quick_check: 'ok' or the first problem found."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
    return "ok" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])
