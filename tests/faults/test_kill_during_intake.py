"""A confirmed intake survives SIGKILL; an unconfirmed one leaves nothing half-written."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from app.station.bootstrap import open_data_dir
    from ow_testkit import clerk, complete, item_named
    from app.intake.outcomes import accept_case
    ctx = open_data_dir(Path({root!r}), demo=True)
    result = accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))
    print("CONFIRMED", result.case_no, flush=True)
""")


def _run(root: Path, fault: str) -> subprocess.CompletedProcess[str]:
    tests = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, ONEWINDOW_FAULT=fault)
    return subprocess.run([sys.executable, "-c", SCRIPT.format(tests=tests, root=str(root))], env=env,
                          capture_output=True, text=True, timeout=120, cwd=Path(tests).parent)


def _cases(root: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(root / "onewindow.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return con.execute('SELECT case_no, state FROM "case"').fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("fault", ["intake.before_commit"])
def test_killed_before_commit_leaves_nothing(demo_dir: Path, fault: str) -> None:
    done = _run(demo_dir, fault)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "CONFIRMED" not in done.stdout
    assert _cases(demo_dir) == []
    con = sqlite3.connect(demo_dir / "onewindow.sqlite")
    try:
        for table in ("case_material", "document", "seal_use", "outbox"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    finally:
        con.close()


def test_killed_right_after_commit_keeps_the_case(demo_dir: Path) -> None:
    done = _run(demo_dir, "intake.after_commit")
    assert done.returncode == -signal.SIGKILL, done.stderr
    cases = _cases(demo_dir)
    assert len(cases) == 1 and cases[0][1] == "accepted"
    con = sqlite3.connect(demo_dir / "onewindow.sqlite")
    try:
        paths = [r[0] for r in con.execute("SELECT path FROM document")]
        assert len(paths) == 2 and all((demo_dir / p).stat().st_size > 0 for p in paths)
        assert con.execute("SELECT count(*) FROM outbox WHERE state='pending'").fetchone()[0] == 1
    finally:
        con.close()
