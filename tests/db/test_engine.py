"""The SQLite engine keeps its promises: WAL, synchronous FULL, foreign keys, immediate writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine, make_session_factory, session_scope
from db.errors import StorageError, classify
from db.migrate import current_revision, head_revision, upgrade


def test_pragmas(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "x.sqlite")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_writes_begin_immediate(tmp_path: Path) -> None:
    """A write transaction holds the write lock from its first statement (BEGIN IMMEDIATE)."""
    path = tmp_path / "x.sqlite"
    engine = make_engine(path)
    upgrade(engine, path, tmp_path / "bk")
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        s.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_upgrade_from_empty_reaches_head(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    engine = make_engine(path)
    assert current_revision(engine) is None
    assert upgrade(engine, path, tmp_path / "bk") is None  # nothing to back up in a new file
    assert current_revision(engine) == head_revision()


def test_foreign_keys_enforced_after_migration(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    engine = make_engine(path)
    upgrade(engine, path, tmp_path / "bk")
    with engine.connect() as conn, pytest.raises(Exception, match="FOREIGN KEY"):
        conn.exec_driver_sql(
            "INSERT INTO window (code, number, name, department_id, phone) VALUES ('W','1','n',999,'')")
        conn.commit()


def test_disk_full_is_a_known_error() -> None:
    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorcode = 13  # type: ignore[attr-defined]
    known = classify(exc)
    assert isinstance(known, StorageError) and known.code == "disk_full" and "磁盘" in known.message


def test_programming_error_is_a_bug() -> None:
    assert classify(ValueError("x")) is None
    assert classify(sqlite3.OperationalError("no such table: foo")) is None


def test_full_disk_for_real_rolls_back(tmp_path: Path) -> None:
    """A write that exceeds max_page_count fails as 'disk full' and leaves nothing half-written."""
    path = tmp_path / "x.sqlite"
    engine = make_engine(path)
    upgrade(engine, path, tmp_path / "bk")
    factory = make_session_factory(engine)
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    with pytest.raises(StorageError) as err, session_scope(factory) as s:
        s.execute(text(f"PRAGMA max_page_count={pages + 2}"))
        s.execute(text("INSERT INTO setting (key, value) VALUES ('a', 'first')"))
        s.execute(text("INSERT INTO setting (key, value) VALUES ('big', :v)"), {"v": "x" * 200_000})
    assert err.value.code == "disk_full"
    with session_scope(factory) as s:
        assert s.execute(text("SELECT count(*) FROM setting")).scalar() == 0
