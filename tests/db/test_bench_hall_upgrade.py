"""A kept benchmark hall that predates the newest migrations is upgraded, not used as it is.

The 1M hall kept in ~/.cache said revision 0013 yet had no `signing_key` (0008): it was migrated on a
branch before the numbers were relinked at a merge. bench/hall.py now upgrades a kept hall with the
migrations, adds what the models still have and the file lacks, and rebuilds it when neither works.
A 1,000-case hall stands in for the big ones (no timings here: those belong in bench output).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.hall import hall  # noqa: E402
from bench.hall_schema import schema_gap  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.migrate import alembic_config, head_revision  # noqa: E402

N = 1000


@pytest.fixture
def kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ONEWINDOW_BENCH_HALLS", str(tmp_path / "halls"))
    return hall(N)


def _downgrade(db: Path, revision: str) -> None:
    from alembic import command

    engine = make_engine(db)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # batch copies of tables, as db.migrate.upgrade does
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()
    engine.dispose()


def _cases(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute('SELECT count(*) FROM "case"').fetchone()[0])
    finally:
        con.close()


def test_a_current_hall_is_used_as_it_is(kept: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    built = (kept / "ready").read_text()
    assert hall(N) == kept
    assert capsys.readouterr().out == ""
    assert (kept / "ready").read_text() == built


def test_a_hall_migrated_along_another_chain_is_brought_to_head(kept: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = kept / "onewindow.sqlite"
    _downgrade(db, "0013")
    # What the 1M hall looked like: stamped 0013, but 0008's table never made (relinked at a merge).
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("DROP TABLE signing_key")
    con.close()
    gap = schema_gap(db)
    assert gap.behind and "signing_key" in gap.tables
    capsys.readouterr()

    assert hall(N) == kept

    out = capsys.readouterr().out
    assert "upgrading" in out and "0013 → " + head_revision() in out
    assert "signing_key" in out  # said what it added from the models
    after = schema_gap(db)
    assert not after.behind and not after.missing
    assert _cases(db) == N  # upgraded in place, not rebuilt
    assert json.loads((kept / "ready").read_text())["cases"] == N


def test_a_hall_that_cannot_be_upgraded_is_rebuilt(kept: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = kept / "onewindow.sqlite"
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("UPDATE alembic_version SET version_num = 'gone'")  # a revision no script knows
    con.close()
    capsys.readouterr()

    assert hall(N) == kept

    out = capsys.readouterr().out
    assert "rebuilt" in out and "building" in out
    after = schema_gap(db)
    assert not after.behind and not after.missing
    assert _cases(db) == N
