"""Schema migrations at start-up: back the file up, then bring it to the newest revision."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from db.engine import connect_encrypted

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (and Mako under it) is imported only when a file has to be migrated: a start on a current
# file reads the revisions from the scripts' text and the file's alembic_version row (≈ 8 MiB, 0.2 s less).
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r'^(down_revision|revision)\b[^=\n]*=\s*(?:"([^"]*)"|None)', re.M)


def alembic_config() -> Config:
    """Config pointing at our migration scripts; no alembic.ini is needed at run time."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def head_revision() -> str:
    """The newest revision this build knows (the one no other script revises)."""
    revisions, revised = set(), set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for kind, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else revised).add(value)
    heads = revisions - revised
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory  # a branched or unusual history: ask Alembic

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database file is at (None for a new, empty file)."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'")).first() is None:
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def _no_checkpoint(_name: str) -> None:
    pass


def backup_file(db_path: Path, backup_dir: Path, label: str,
                checkpoint: Callable[[str], None] = _no_checkpoint, key: bytes | None = None) -> Path:
    """Copy the live database with SQLite's backup API (consistent even in WAL mode).

    The copy is written under a temporary name, flushed to disk, then renamed: a backup cut off
    half-way (power cut, killed process) is never found under a backup's name and taken for a good
    one. `checkpoint(name)` is called at named points (the app's fault points for crash tests).
    With the database's `key` the copy is a SQLCipher database under the same key (page for page).
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    for stale in backup_dir.glob("*.sqlite.partial*"):  # left by a backup that was cut off (and its journal)
        stale.unlink(missing_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"onewindow-{stamp}-{label}.sqlite"
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(db_path) if key is None else connect_encrypted(db_path, key)
    try:
        dst = sqlite3.connect(partial) if key is None else connect_encrypted(partial, key)
        try:
            def progress(_status: int, remaining: int, _total: int) -> None:
                if remaining:
                    checkpoint("backup.half_written")

            # Two steps, so there is a "half written" moment for the crash tests to stop at.
            half = max(1, (src.execute("PRAGMA page_count").fetchone()[0] + 1) // 2)
            src.backup(dst, pages=half, progress=progress)
        finally:
            dst.close()
    finally:
        src.close()
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    fsync_dir(backup_dir)
    return target


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no directory handles to flush."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def upgrade(engine: Engine, db_path: Path | None, backup_dir: Path | None,
            checkpoint: Callable[[str], None] = _no_checkpoint, key: bytes | None = None) -> Path | None:
    """Migrate to head; a file that already holds a schema is backed up first.

    Returns the backup's path when one was made. Foreign keys are off while batch
    migrations copy tables (SQLite would otherwise cascade or refuse the copy). Each
    revision is its own transaction (Alembic's rule for SQLite), so a crash leaves the file
    at the last whole revision and the next start goes on from there.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return None
    backup = None
    if current is not None and db_path is not None and backup_dir is not None:
        backup = backup_file(db_path, backup_dir, f"pre-{head}", checkpoint, key)
        checkpoint("migrate.after_backup")
    with engine.connect() as conn:
        # The pragma is a no-op inside a transaction, so it goes to the raw connection
        # (autocommit: see db.engine) before SQLAlchemy begins one.
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            from alembic import command

            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            cfg.attributes["checkpoint"] = checkpoint
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    return backup
