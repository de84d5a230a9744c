"""The client killed (SIGKILL) at named points of intake and sync, then restarted: every case exactly once."""

from __future__ import annotations

import signal
from pathlib import Path

from faults.sync_fault_kit import (
    accept,
    assert_agree,
    hall,
    local_case_nos,
    pending,
    run_client,
    server_case_nos,
    server_op_ids,
)

from app.sync import settings as keys


def test_killed_right_after_the_intake_commit_syncs_the_case_once(demo_template: Path) -> None:
    with hall(demo_template) as h:
        a = h.workstation("a")
        killed = run_client(a, h.clock, 1, "intake.after_commit")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert killed.confirmed == [] and len(local_case_nos(a)) == 1 and pending(a) == 1
        assert server_op_ids(h.server) == []
        again = run_client(a, h.clock, 0)
        assert again.returncode == 0 and "SYNCED True" in again.stdout, again.stdout + again.stderr
        assert_agree(h.server, [a], set(local_case_nos(a)))


def test_killed_after_the_server_committed_a_push_before_the_ack(demo_template: Path) -> None:
    with hall(demo_template) as h:
        a = h.workstation("a")
        killed = run_client(a, h.clock, 3, "sync.push.before_ack")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert len(killed.confirmed) == 3
        # the server holds the ops, the workstation still thinks they are pending
        assert pending(a) == 3 and len(server_op_ids(h.server)) == 3
        assert sorted(server_case_nos(h.server)) == sorted(killed.confirmed)
        # restarted: it sends the same ops again (harmless duplicates), then one more case
        again = run_client(a, h.clock, 1)
        assert again.returncode == 0 and "SYNCED True" in again.stdout, again.stdout + again.stderr
        assert_agree(h.server, [a], set(killed.confirmed + again.confirmed))
        assert len(server_op_ids(h.server)) == 4


def test_killed_in_the_middle_of_a_pull_page_applies_it_whole_after_restart(demo_template: Path) -> None:
    with hall(demo_template) as h:
        a, b = h.workstation("a"), h.workstation("b", "wangyan")
        assert a.sync().ok
        with a.ctx.read() as s:
            cursor = keys.get(s, keys.CURSOR)
        from_b = accept(b, 3, "wangyan")
        assert b.sync("wangyan").ok
        killed = run_client(a, h.clock, 0, "sync.pull.mid_page")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        # the page and its cursor are one transaction: neither part of the page nor the cursor is kept
        assert local_case_nos(a) == []
        with a.ctx.read() as s:
            assert keys.get(s, keys.CURSOR) == cursor
        again = run_client(a, h.clock, 0)
        assert again.returncode == 0 and "SYNCED True" in again.stdout, again.stdout + again.stderr
        assert_agree(h.server, [a, b], set(from_b))


def test_killed_between_pull_pages_resumes_after_the_committed_cursor(demo_template: Path) -> None:
    with hall(demo_template) as h:
        a, b = h.workstation("a"), h.workstation("b", "wangyan")
        from_b = accept(b, 2, "wangyan")
        assert b.sync("wangyan").ok
        killed = run_client(a, h.clock, 1, "sync.pull.after_page")
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        mine = killed.confirmed
        assert set(local_case_nos(a)) == set(from_b + mine)
        b_again = accept(b, 1, "wangyan")
        assert b.sync("wangyan").ok
        again = run_client(a, h.clock, 0)
        assert again.returncode == 0 and "SYNCED True" in again.stdout, again.stdout + again.stderr
        assert b.sync("wangyan").ok
        assert_agree(h.server, [a, b], set(from_b + mine + b_again))
