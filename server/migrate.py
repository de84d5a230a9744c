"""Schema migrations of the central server: a new database is built, an old one brought to head.

Releases before the migrations made their tables with create_all and kept no version: such a database is
recognised by its tables and columns (compared with what each revision builds), stamped with that revision,
then upgraded. A database at a revision this program does not know is refused and left as it is.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, inspect, text

from server.models import Base

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
# Any fixed number will do, as long as every server of this program uses the same one ("onewind" in ASCII).
ADVISORY_LOCK_KEY = 0x6F6E6577696E64

log = logging.getLogger(__name__)

Signature = frozenset[tuple[str, str]]  # (table, column) pairs


class SchemaError(Exception):
    """The database could not be brought to head; it was left as it was."""


class SchemaRefused(SchemaError):
    """The database is at a revision (or in a shape) this program does not know; nothing was changed."""


class UpgradeFailed(SchemaError):
    """A revision failed part-way; the transaction rolled everything back (and the copy is there too)."""


@dataclass(frozen=True)
class Migration:
    """What bringing the database to head did."""

    before: str | None  # the revision found (None: a new, empty database)
    after: str
    recognised: bool = False  # an unversioned database of an old release, recognised by its tables
    backup: Path | None = None

    @property
    def changed_old_database(self) -> bool:
        return self.before is not None and (self.before != self.after or self.recognised)

    def describe(self) -> str:
        if self.before is None:
            return f"新数据库：已建表，版本 {self.after}"
        found = f"数据库未记版本，按表结构识别为 {self.before}；" if self.recognised else "数据库"
        if self.before == self.after:
            return found + (f"已记下版本 {self.after}（最新）" if self.recognised else f"已是最新版本 {self.after}")
        copy = f"（升级前的副本：{self.backup}）" if self.backup else ""
        return f"{found}已从版本 {self.before} 升级到 {self.after}{copy}"


def alembic_config() -> Config:
    """Config pointing at the server's migration scripts; no alembic.ini is needed at run time."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def known_revisions() -> tuple[str, ...]:
    """Every revision this program has, oldest first (the history is one line)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([s.revision for s in scripts.walk_revisions()]))


def head_revision() -> str:
    return known_revisions()[-1]


def _alembic(conn: Connection, action: str, revision: str) -> None:
    """`alembic stamp|upgrade revision` on `conn`, inside the transaction it is in."""
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    getattr(command, action)(cfg, revision)


def _signature(conn: Connection) -> Signature:
    insp = inspect(conn)
    tables = [t for t in insp.get_table_names() if t != VERSION_TABLE]
    return frozenset((t, c["name"]) for t in tables for c in insp.get_columns(t))


@cache
def revision_signatures() -> dict[str, Signature]:
    """The tables and columns each revision leaves, found by running the migrations on an empty database.

    Computed rather than written down, so a new revision cannot forget to say what it looks like.
    """
    found: dict[str, Signature] = {}
    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn, conn.begin():
            for revision in known_revisions():
                _alembic(conn, "upgrade", revision)
                found[revision] = _signature(conn)
    finally:
        engine.dispose()
    return found


def recognise(conn: Connection) -> str | None:
    """The revision an unversioned database matches (None: it holds none of the server's tables).

    Only the server's own tables are compared, so a table someone added beside them does not matter.
    """
    if not set(inspect(conn).get_table_names()) & set(Base.metadata.tables):
        return None  # a new database, seen at once: no revision ever dropped a table, so head's name them all
    signatures = revision_signatures()
    ours = {table for signature in signatures.values() for table, _ in signature}
    present = frozenset(pair for pair in _signature(conn) if pair[0] in ours)
    for revision, signature in signatures.items():
        if signature == present:
            return revision
    raise SchemaRefused("服务器数据库没有版本记录，其表结构也与本程序已知的任何版本都不符；本程序未做任何改动。"
                        "请确认数据库地址无误，或使用建立它的服务器程序")


def _stamped_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = [r[0] for r in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
    if not rows:
        return None
    if len(rows) > 1 or rows[0] not in known_revisions():
        raise SchemaRefused(f"服务器数据库的版本 {'、'.join(rows)} 比本程序新或未知"
                            f"（本程序最高为 {head_revision()}），本程序未做任何改动；请使用对应版本的服务器程序")
    return rows[0]


def sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy the file beside itself, `<name>.before-<label>.bak` (an older copy of that name is kept).

    SQLite's backup API gives a consistent copy even with the WAL not yet checkpointed; the copy is written
    under a temporary name and renamed, so a copy cut off half-way is never taken for a whole one.
    """
    target = path.with_name(f"{path.name}.before-{label}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.before-{label}-{n}.bak")
    partial = target.with_name(target.name + ".partial")
    src, dst = sqlite3.connect(path), sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(partial, target)
    return target


def upgrade_to_head(engine: Engine) -> Migration:
    """Create, recognise or upgrade the schema so it is at head; raises SchemaError, changing nothing.

    Everything happens in one transaction (DDL is transactional on SQLite and PostgreSQL), so an upgrade that
    fails leaves the database as it was. Two servers starting together must not both migrate: on SQLite the
    transaction begins IMMEDIATE (server.db), which already lets one writer in at a time; PostgreSQL gets an
    advisory lock, held until this transaction ends (the _xact_ form, so no unlock can be forgotten), and the
    one that waited then finds the database at head.
    """
    head = head_revision()
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        before = _stamped_revision(conn)
        recognised = False
        if before is None:
            before = recognise(conn)
            recognised = before is not None
        if before is None:
            Base.metadata.create_all(conn)
            _alembic(conn, "stamp", head)
            result = Migration(None, head)
        elif before == head and not recognised:
            return Migration(head, head)
        else:
            path = sqlite_file(engine)
            backup = backup_sqlite(path, head) if path is not None and before != head else None
            try:
                if recognised:
                    _alembic(conn, "stamp", before)
                _alembic(conn, "upgrade", head)
            except Exception as exc:  # leaving the `with` rolls the transaction back
                copy = f"；升级前的副本：{backup}" if backup else ""
                raise UpgradeFailed(f"服务器数据库从版本 {before} 升级到 {head} 失败，已回到升级前的状态{copy}"
                                    f"（{type(exc).__name__}: {exc}）") from exc
            result = Migration(before, head, recognised, backup)
    log.info("服务器数据库：%s", result.describe())
    return result
