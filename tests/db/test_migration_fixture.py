"""A database made by the first migration upgrades to the newest schema with nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from db.engine import make_engine, quick_check
from db.migrate import current_revision, head_revision, upgrade

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "v0001.sqlite"
TABLES = ("staff", "item", "item_material", "calendar_day", "seal", "delegation", "case", "case_material",
          "case_event", "outbox", "document", "audit_log")


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_fixture_is_revision_0001_with_rows() -> None:
    con = sqlite3.connect(FIXTURE)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    finally:
        con.close()
    counts = _counts(FIXTURE)
    assert counts["case"] == 1 and counts["case_material"] > 0 and counts["item"] >= 30


def test_upgrade_keeps_every_row(tmp_path: Path) -> None:
    db = tmp_path / "onewindow.sqlite"
    shutil.copy(FIXTURE, db)
    before = _counts(db)
    engine = make_engine(db)
    backup = upgrade(engine, db, tmp_path / "backups")
    assert current_revision(engine) == head_revision()
    assert quick_check(engine) == "ok"
    engine.dispose()
    assert _counts(db) == before
    con = sqlite3.connect(db)
    try:
        row = con.execute('SELECT applicant_name, applicant_id_number, case_no FROM "case"').fetchone()
    finally:
        con.close()
    assert row == ("王䶮", "11010519491231002X", "000120261120000001")
    if head_revision() != "0001":
        assert backup is not None and _counts(backup) == before, "the pre-migration backup holds the old data"


def test_the_head_read_from_the_scripts_is_alembics(tmp_path: Path) -> None:
    """A start on a current file does not import Alembic: the head comes from the scripts' text."""
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = make_engine(tmp_path / "new.sqlite")
    assert current_revision(engine) is None
    upgrade(engine, None, None)
    assert current_revision(engine) == head_revision()
    engine.dispose()
