"""A large data file opens without reading all of it: its quick_check and first daily backup run behind the
window (housekeeping), and a failed check refuses every write from then on and makes no backup.

Size is what decides; the tests lower the threshold instead of making a 4 GB file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from ow_testkit import clerk, complete, item_named

from app.core.errors import AppError
from app.intake.outcomes import receive_case
from app.station import bootstrap
from app.station.bootstrap import open_data_dir
from app.station.housekeeping import run_housekeeping


def _dailies(root: Path) -> list[Path]:
    return sorted((root / "backups").glob("onewindow-*-daily.sqlite"))


def _damage_an_index(db: Path) -> None:
    """Make one index page's header claim 65,535 cells: SQLite still opens the file, quick_check does not pass."""
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_case_received_at'").fetchone()[0]
    finally:
        con.close()
    with open(db, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\x0a\x00\x00\xff\xff")


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bootstrap, "CHECK_AT_OPEN_BYTES", 0)


def test_the_check_and_the_first_backup_of_the_day_run_behind_the_window(demo_dir: Path,
                                                                         small_threshold: None) -> None:
    before = _dailies(demo_dir)
    ctx = open_data_dir(demo_dir, demo=True, defer_checks=True)
    try:
        assert ctx.checks_pending and _dailies(demo_dir) == before  # nothing read or copied at open
        result = run_housekeeping(ctx, 60)
        assert result.integrity == "" and result.backup_made and not ctx.checks_pending
        assert len(_dailies(demo_dir)) == len(before) + 1
        receive_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))  # work goes on
    finally:
        ctx.dispose()


def test_a_failed_check_behind_the_window_refuses_every_write_and_backs_nothing_up(
        demo_dir: Path, small_threshold: None) -> None:
    _damage_an_index(demo_dir / "onewindow.sqlite")
    with pytest.raises(AppError) as refused:  # opened the usual way, the check stops it at the door
        open_data_dir(demo_dir, demo=True)
    assert refused.value.code == "corrupt" and "完整性检查未通过" in refused.value.message
    before = _dailies(demo_dir)
    ctx = open_data_dir(demo_dir, demo=True, defer_checks=True)
    try:
        actor = clerk(ctx)  # signing in reads only
        result = run_housekeeping(ctx, 60)
        assert "完整性检查未通过" in result.integrity and not result.backup_made
        assert result.failed and result.failed[0][1] == "完整性检查"
        with pytest.raises(AppError) as fenced:
            receive_case(ctx, actor, complete(item_named(ctx, "食品经营许可")))
        assert fenced.value.code == "corrupt"
        run_housekeeping(ctx, 60)  # the hourly run again: still no backup of the damaged file
        assert _dailies(demo_dir) == before
    finally:
        ctx.dispose()


def test_a_small_file_and_a_file_to_migrate_are_checked_at_open(demo_dir: Path) -> None:
    ctx = open_data_dir(demo_dir, demo=True, defer_checks=True)  # the demo is far below the threshold
    try:
        assert not ctx.checks_pending
    finally:
        ctx.dispose()
