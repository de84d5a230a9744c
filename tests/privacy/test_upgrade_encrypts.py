"""A plain database of an earlier release is encrypted in place at upgrade, every row kept, even when the
process is killed (SIGKILL, like a power cut) at any step of it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring
import pytest
from privacy.privacy_kit import FileKeyring

from app.core import data_keys
from app.station.at_rest import SEALED_MARK
from app.station.bootstrap import open_data_dir
from db.at_rest import is_plain
from db.engine import connect_encrypted
from db.migrate import head_revision

TESTS = Path(__file__).resolve().parent.parent
FIXTURE = TESTS / "fixtures" / "v0001.sqlite"  # a real database of the first schema, with a case in it
# Tables of the first schema whose rows the upgrade must keep exactly (audit_log only grows: the upgrade is audited).
KEPT = ("staff", "item", "item_material", "seal", "delegation", "case", "case_material", "case_event", "outbox",
        "document")
CASE = 'SELECT applicant_name, applicant_id_number, case_no FROM "case"'

OPEN = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    import keyring
    from privacy.privacy_kit import FileKeyring
    keyring.set_keyring(FileKeyring({ring!r}))
    from app.station.bootstrap import open_data_dir
    open_data_dir(Path({root!r}), demo=False).dispose()
    print("OPENED", flush=True)
""")


def _rows(conn: object) -> tuple[dict[str, int], list[tuple[object, ...]], str]:
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in KEPT}  # type: ignore[attr-defined]
    return (counts, conn.execute(CASE).fetchall(),  # type: ignore[attr-defined]
            conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])  # type: ignore[attr-defined]


def _fixture_rows() -> tuple[dict[str, int], list[tuple[object, ...]]]:
    con = sqlite3.connect(FIXTURE)
    try:
        counts, cases, _rev = _rows(con)
        return counts, cases
    finally:
        con.close()


def _encrypted_rows(root: Path) -> tuple[dict[str, int], list[tuple[object, ...]], str]:
    key = data_keys.key(root, data_keys.DATABASE)
    assert key is not None
    con = connect_encrypted(root / "onewindow.sqlite", key)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return _rows(con)
    finally:
        con.close()


@pytest.fixture
def ring(tmp_path: Path):  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    made = FileKeyring(tmp_path / "keyring.json")
    keyring.set_keyring(made)
    yield made
    keyring.set_keyring(previous)


def _old_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(FIXTURE, root / "onewindow.sqlite")
    return root


def test_fixture_upgrades_encrypted_with_every_row(tmp_path: Path, ring: FileKeyring) -> None:
    root = _old_dir(tmp_path)
    counts, cases = _fixture_rows()
    assert cases == [("王䶮", "11010519491231002X", "000120261120000001")]
    open_data_dir(root, demo=False).dispose()
    assert not is_plain(root / "onewindow.sqlite") and (root / SEALED_MARK).exists()
    assert _encrypted_rows(root) == (counts, cases, head_revision())
    assert b"11010519491231002X" not in (root / "onewindow.sqlite").read_bytes()
    for backup in (root / "backups").glob("*.sqlite"):  # the pre-migration backup is encrypted too
        assert not is_plain(backup)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(root / "onewindow.sqlite").execute("SELECT * FROM sqlite_master").fetchall()


@pytest.mark.parametrize("fault", ["encrypt.copied", "encrypt.checked", "encrypt.replaced", "encrypt.backups_done",
                                   "migrate.after_backup"])
def test_killed_during_encryption_loses_nothing(tmp_path: Path, ring: FileKeyring, fault: str) -> None:
    root = _old_dir(tmp_path)
    counts, cases = _fixture_rows()
    script = OPEN.format(tests=str(TESTS), ring=str(ring.path), root=str(root))
    killed = subprocess.run([sys.executable, "-c", script], env=dict(os.environ, ONEWINDOW_FAULT=fault),
                            capture_output=True, text=True, timeout=120, cwd=TESTS.parent)
    assert killed.returncode == -9 and "OPENED" not in killed.stdout, killed.stderr
    # Whatever the kill left, the file is whole: plain (before the rename) or encrypted (after it).
    if is_plain(root / "onewindow.sqlite"):
        con = sqlite3.connect(root / "onewindow.sqlite")
        try:
            assert _rows(con)[:2] == (counts, cases)
        finally:
            con.close()
    # The next start finishes the work.
    started = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                             cwd=TESTS.parent)
    assert "OPENED" in started.stdout, started.stderr
    assert (root / SEALED_MARK).exists() and not is_plain(root / "onewindow.sqlite")
    assert _encrypted_rows(root) == (counts, cases, head_revision())
    assert not list(root.glob("*.encrypting*"))
    assert all(not is_plain(b) for b in (root / "backups").glob("*.sqlite"))
