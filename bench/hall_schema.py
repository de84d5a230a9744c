"""Bring a kept benchmark hall up to the current schema before a bench uses it.

A hall is built once and kept for days (a million cases take ~20 minutes), while migrations keep
landing — and at merge they are relinked by number, so a hall migrated on one branch can carry a
head-looking revision yet lack a table another branch added earlier in the chain (the 1M hall said
0013 but had no `signing_key` of 0008). So a kept hall is checked twice: its alembic revision against
the head (then the migrations run, without the pre-migration backup: a hall is rebuildable, and a
backup of a 4 GB file costs minutes), then its tables and columns against the models. What the
models have and the file lacks is added from the models (bench data only; the app itself never
does this). Whatever still differs after that makes the caller rebuild the hall.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Column, Dialect, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable

import db.models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.engine import make_engine
from db.migrate import current_revision, head_revision, upgrade


@dataclass
class SchemaGap:
    """What the file at `path` lacks against this build."""

    revision: str | None
    head: str
    tables: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return self.revision != self.head

    @property
    def missing(self) -> bool:
        return bool(self.tables or self.columns or self.indexes)

    def describe(self) -> str:
        parts = [f"revision {self.revision}, head {self.head}"]
        if self.tables:
            parts.append("missing tables " + ", ".join(self.tables))
        if self.columns:
            parts.append("missing columns " + ", ".join(f"{t}.{c}" for t, c in self.columns))
        if self.indexes:
            parts.append("missing indexes " + ", ".join(self.indexes))
        return "; ".join(parts)


def schema_gap(path: Path) -> SchemaGap:
    """Compare the file with the models (raw sqlite3: cheap even at a million cases)."""
    con = sqlite3.connect(path)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        has_version = "alembic_version" in names
        row = con.execute("SELECT version_num FROM alembic_version").fetchone() if has_version else None
        gap = SchemaGap(row[0] if row else None, head_revision())
        for table in Base.metadata.sorted_tables:
            if table.name not in names:
                gap.tables.append(table.name)
                continue
            have = {r[1] for r in con.execute(f'PRAGMA table_info("{table.name}")')}
            gap.columns += [(table.name, c.name) for c in table.columns if c.name not in have]
            gap.indexes += [str(ix.name) for ix in table.indexes if ix.name not in names]
    finally:
        con.close()
    return gap


def _add_column_sql(table: Table, column: Column[object]) -> str:
    # SQLite adds a NOT NULL column only with a default: bench rows get the type's empty value.
    spec = str(CreateColumn(column).compile(dialect=_dialect()))
    if not column.nullable and column.server_default is None:
        spec += " DEFAULT 0" if column.type.python_type in (int, bool, float) else " DEFAULT ''"
    return f'ALTER TABLE "{table.name}" ADD COLUMN {spec}'


def _dialect() -> Dialect:
    return sqlite.dialect()


def fill_gap(path: Path, gap: SchemaGap) -> None:
    """Create what the models have and the file lacks: tables, then columns, then indexes."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN")
        tables = Base.metadata.tables
        for name in gap.tables:
            con.execute(str(CreateTable(tables[name]).compile(dialect=_dialect())))
            for ix in tables[name].indexes:
                con.execute(str(CreateIndex(ix).compile(dialect=_dialect())))
        for name, column in gap.columns:
            con.execute(_add_column_sql(tables[name], tables[name].columns[column]))
        for name in gap.indexes:
            ix = next(i for t in tables.values() for i in t.indexes if i.name == name)
            con.execute(str(CreateIndex(ix).compile(dialect=_dialect())))
        con.execute("COMMIT")
    finally:
        con.close()


def bring_up_to_date(root: Path, out: Callable[[str], None] = print) -> bool:
    """Upgrade the kept hall at `root` in place; False when it must be rebuilt. Prints what it did."""
    db = root / "onewindow.sqlite"
    gap = schema_gap(db)
    if not gap.behind and not gap.missing:
        return True
    out(f"kept hall {root.name}: {gap.describe()}")
    if gap.behind:
        out(f"  upgrading {root.name} with the migrations {gap.revision} → {gap.head} …")
        engine = make_engine(db)
        try:
            upgrade(engine, None, None)  # no backup: the hall is bench data, rebuilt if this fails
            if current_revision(engine) != gap.head:
                return False
        except Exception as exc:  # noqa: BLE001 — any failure means: rebuild
            out(f"  the migrations failed ({type(exc).__name__}: {exc}); the hall will be rebuilt")
            return False
        finally:
            engine.dispose()
        gap = schema_gap(db)
    if gap.missing:
        # Revision at head yet tables missing: migrated along another chain before the numbers were relinked.
        out(f"  still behind the models ({gap.describe()}): adding them from the models")
        try:
            fill_gap(db, gap)
        except sqlite3.Error as exc:
            out(f"  could not add them ({exc}); the hall will be rebuilt")
            return False
        gap = schema_gap(db)
        if gap.missing:
            out(f"  still missing after the repair ({gap.describe()}); the hall will be rebuilt")
            return False
    out(f"  {root.name} is at {gap.head} with every table of the models")
    return True
