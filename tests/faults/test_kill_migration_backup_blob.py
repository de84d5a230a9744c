"""Killed (SIGKILL) during a schema migration, a backup and a document upload, then started again: nothing lost."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from faults.sync_fault_kit import TESTS, accept, assert_agree, hall, local_case_nos, pending, run_client
from sqlalchemy import select

from db.models import BlobUpload, Document

FIXTURE = TESTS / "fixtures" / "v0001.sqlite"  # a real database of the first schema, with a case in it

OPEN = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from app.station.bootstrap import open_data_dir
    open_data_dir(Path({root!r}), demo=True)
    print("OPENED", flush=True)
""")


def _start(root: Path, fault: str) -> subprocess.CompletedProcess[str]:
    """Start the application on `root` in a process of its own, killed at `fault`."""
    env = dict(os.environ, ONEWINDOW_FAULT=fault)
    return subprocess.run([sys.executable, "-c", OPEN.format(tests=str(TESTS), root=str(root))], env=env,
                          capture_output=True, text=True, timeout=120, cwd=TESTS.parent)


def _snapshot(db: Path) -> tuple[str, dict[str, int], list[tuple[object, ...]]]:
    """(revision, rows per table, every case) of a database file, after SQLite's own integrity check."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                            "'sqlite_%' AND name NOT LIKE 'case_fts%'")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        cases = con.execute('SELECT id, case_no, state, applicant_name, applicant_id_number FROM "case" '
                            "ORDER BY id").fetchall()
        return revision, counts, cases
    finally:
        con.close()


def _old_data_dir(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copyfile(FIXTURE, root / "onewindow.sqlite")
    return root


def _restart_at_head(root: Path, before: tuple[str, dict[str, int], list[tuple[object, ...]]]) -> None:
    from app.station.bootstrap import open_data_dir
    from db.migrate import head_revision

    open_data_dir(root, demo=True).dispose()
    revision, counts, cases = _snapshot(root / "onewindow.sqlite")
    assert revision == head_revision() != before[0]
    assert cases == before[2] and len(cases) == 1
    assert {t: n for t, n in counts.items() if t in before[1]} == before[1]  # every row of every old table


def test_killed_right_after_the_pre_migration_backup(tmp_path: Path) -> None:
    root = _old_data_dir(tmp_path)
    before = _snapshot(root / "onewindow.sqlite")
    killed = _start(root, "migrate.after_backup")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _snapshot(root / "onewindow.sqlite") == before  # not touched yet
    (backup,) = (root / "backups").glob("onewindow-*-pre-*.sqlite")
    assert _snapshot(backup) == before  # a whole, good copy of what was there
    assert not list((root / "backups").glob("*.partial*"))
    _restart_at_head(root, before)


def test_killed_in_the_middle_of_a_migration_step(tmp_path: Path) -> None:
    root = _old_data_dir(tmp_path)
    before = _snapshot(root / "onewindow.sqlite")
    killed = _start(root, "migrate.step_applied")  # the first revision's changes made, not committed
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _snapshot(root / "onewindow.sqlite") == before  # the half-done revision was rolled back whole
    _restart_at_head(root, before)


def test_a_backup_cut_off_half_way_is_never_taken_for_a_good_one(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ow_testkit import clerk, complete, item_named

    from app.intake.outcomes import accept_case
    from app.station.bootstrap import open_data_dir

    made = {accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可变更"))).case_no for _ in range(2)}
    root, backups = ctx.data.root, ctx.data.backups
    ctx.dispose()
    for earlier in backups.glob("*.sqlite"):  # the first start of a new day: today's backup is still to make
        earlier.unlink()
    killed = _start(root, "backup.half_written")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(list(backups.glob("*.partial"))) == 1  # cut off while writing (SQLite held the pages unflushed) …
    assert not list(backups.glob("*.sqlite"))  # … and nothing under a backup's name, so today's is made again

    again = open_data_dir(root, demo=True)  # the next start: opens, and makes the day's backup properly
    again.dispose()
    (backup,) = backups.glob("onewindow-*-daily.sqlite")
    assert not list(backups.glob("*.partial*"))
    for db in (root / "onewindow.sqlite", backup):
        revision, _counts, cases = _snapshot(db)
        assert {no for _id, no, *_rest in cases} == made


def test_killed_after_the_server_stored_a_blob_before_it_was_recorded(demo_template: Path) -> None:
    from server.models import Blob

    with hall(demo_template) as h:
        a = h.workstation("a")
        made = accept(a, 1)  # its receipt and acceptance notice are two files to upload
        killed = run_client(a, h.clock, 0, "sync.blob.before_record")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        with h.server.session() as s:
            (first,) = s.execute(select(Blob)).scalars()
            stored_at = first.stored_at
        with a.ctx.read() as s:
            assert s.execute(select(BlobUpload)).first() is None  # the server has it; this database does not know
        assert pending(a) == 1

        again = run_client(a, h.clock, 0)
        assert again.returncode == 0 and "SYNCED True" in again.stdout, again.stdout + again.stderr
        with a.ctx.read() as s:
            shas = set(s.execute(select(Document.sha256)).scalars())
            recorded = {b.sha256: b.uploaded_at for b in s.execute(select(BlobUpload)).scalars()}
        with h.server.session() as s:
            held = {b.sha256: b for b in s.execute(select(Blob)).scalars()}
        assert len(shas) == 2 and set(recorded) == shas and all(recorded.values())
        assert set(held) == shas  # each file once (the sha is the key) …
        assert held[first.sha256].stored_at == stored_at  # … the first one not stored a second time
        assert_agree(h.server, [a], set(made))
        assert set(local_case_nos(a)) == set(made)
