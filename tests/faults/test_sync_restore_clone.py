"""A workstation restored from a backup, and a data directory cloned to a second machine, both go on working:
no case number is ever issued twice, and every op reaches the server exactly once (DESIGN §6, epochs)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest
from faults.sync_fault_kit import (
    Hall,
    accept,
    assert_agree,
    doubled,
    hall,
    local_case_nos,
    local_op_ids,
    pending,
    server_case_nos,
    server_op_ids,
)
from sqlalchemy import select
from sync_testkit import MemoryKeyring, Workstation, enrolment_code

from app.core import machine
from app.core.errors import AppError
from app.core.outbox import current_epoch
from app.sync import settings as keys
from app.sync import status
from db.migrate import backup_file
from db.models import AuditEntry, OutboxOp


def _reopen(ws: Workstation, h: Hall) -> None:
    """Quit the application and start it again on the same data directory."""
    from app.station.bootstrap import open_data_dir

    root = ws.ctx.data.root
    ws.ctx.dispose()
    ws.ctx = open_data_dir(root, demo=True, clock=h.clock.now)


def _restore(ws: Workstation, backup: Path, h: Hall) -> None:
    """What an IT person does: close the application, put the backup in place of the database, start again."""
    from app.station.bootstrap import open_data_dir

    data = ws.ctx.data
    ws.ctx.dispose()
    for leftover in (data.database.with_name(data.database.name + suffix) for suffix in ("-wal", "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup, data.database)
    ws.ctx = open_data_dir(data.root, demo=True, clock=h.clock.now)


def _numbering(ws: Workstation) -> dict[str, tuple[int, int]]:
    with ws.ctx.read() as s:
        return {r.op_id: (r.epoch, r.device_seq) for r in s.execute(select(OutboxOp)).scalars()}


def _server_numbering(h: Hall) -> dict[str, tuple[int, int]]:
    from server.models import AppliedOp

    with h.server.session() as s:
        return {r.op_id: (r.epoch, r.device_seq) for r in s.execute(select(AppliedOp)).scalars()}


def _server_device_of(h: Hall, op_id: str) -> str:
    from server.models import AppliedOp

    with h.server.session() as s:
        return s.get(AppliedOp, op_id).device_id  # type: ignore[union-attr]


def _epoch(ws: Workstation) -> int:
    with ws.ctx.read() as s:
        return current_epoch(s)


def test_a_restored_backup_takes_a_new_epoch_before_it_numbers_a_case(demo_template: Path) -> None:
    with hall(demo_template) as h:
        a = h.workstation("a")
        made = accept(a, 2)
        assert a.sync().ok
        made += accept(a, 1)  # not yet synced: this op is pending in the backup
        backup = backup_file(a.ctx.data.database, a.ctx.data.backups, "daily")  # the app's own backup
        lost = accept(a, 2)
        assert a.sync().ok  # … the server has all five; then the disk is replaced from the backup
        made += lost
        ops_before = set(local_op_ids(a))
        _restore(a, backup, h)

        # Caught when the database opened, before any number and without the server.
        assert _epoch(a) == 1 and pending(a) == 1
        with a.ctx.read() as s:
            note = s.execute(select(AuditEntry).where(AuditEntry.action == "restored_database")).scalar_one()
        assert json.loads(note.detail_json)["seq_mark"] == 5  # what the lost database had reached
        fresh = accept(a, 2)
        assert not set(fresh) & set(made), "a number the lost database issued was issued again"
        assert all(no[12] == "1" for no in fresh)  # the new epoch's digit

        outcome = a.sync()
        assert outcome.ok and outcome.rejected == 0, outcome
        made += fresh
        held = server_op_ids(h.server)
        assert not doubled(held) and set(held) == ops_before | set(local_op_ids(a))  # every op exactly once
        on_server = server_case_nos(h.server)
        assert not doubled(on_server) and set(on_server) == set(made)
        assert set(local_case_nos(a)) == set(made) and pending(a) == 0  # the lost cases came back by pull
        mine, theirs = _numbering(a), _server_numbering(h)
        new_ops = set(mine) - ops_before
        assert len(new_ops) == 2 and all(mine[op] == theirs[op] for op in new_ops)
        assert len({theirs[op][1] for op in theirs}) == len(theirs)  # no seq used twice by the device


@pytest.mark.parametrize("online_first", [True, False], ids=["syncs-first", "numbers-first"])
def test_a_whole_machine_restored_is_caught_by_the_server(demo_template: Path, online_first: bool) -> None:
    """The keyring came back with the database (a virtual machine's snapshot): no local mark is ahead."""
    with hall(demo_template) as h:
        ring = keyring.get_keyring()
        assert isinstance(ring, MemoryKeyring)
        a = h.workstation("a")
        made = accept(a, 2)
        assert a.sync().ok
        backup = backup_file(a.ctx.data.database, a.ctx.data.backups, "daily")
        ring_then = dict(ring.store)
        lost = accept(a, 2)
        assert a.sync().ok
        made += lost
        ops_before = set(local_op_ids(a))
        ring.store = ring_then
        _restore(a, backup, h)
        assert _epoch(a) == 0  # nothing here can tell

        if online_first:  # the usual start of a day: the first sync runs before the first applicant
            outcome = a.sync()
            assert outcome.ok and outcome.pushed == 0, outcome
            assert _epoch(a) == 1  # the server's answer to "where I stand", before any number
            fresh = accept(a, 2)
            assert not set(fresh) & set(made)
            assert a.sync().ok
            made += fresh
        else:  # offline at first: the repeated number is refused by the server, visibly; nothing is lost
            repeated = accept(a, 1)
            assert repeated == lost[:1]
            outcome = a.sync()
            assert outcome.ok and outcome.rejected == 1, outcome
            assert _epoch(a) == 1
            fresh = accept(a, 1)
            assert fresh[0][12] == "1" and not set(fresh) & set(made)
            assert a.sync().ok
            made += fresh
        held = server_op_ids(h.server)
        assert not doubled(held) and set(held) == ops_before | set(local_op_ids(a))
        on_server = server_case_nos(h.server)
        assert not doubled(on_server) and set(on_server) == set(made)
        assert set(local_case_nos(a)) == set(made) and pending(a) == 0


# --- a cloned data directory ---------------------------------------------------------------------

@contextmanager
def _machine(monkeypatch: pytest.MonkeyPatch, name: str, ring: MemoryKeyring) -> Iterator[None]:
    """Everything inside runs on machine `name` with its own keyring."""
    monkeypatch.setenv(machine.MACHINE_ENV, name)
    keyring.set_keyring(ring)
    yield


@pytest.mark.parametrize("original_first", [False, True], ids=["copy-sends-first", "original-sends-first"])
def test_a_cloned_data_directory_numbers_nothing_until_enrolled_again(demo_template: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      original_first: bool) -> None:
    monkeypatch.setenv(machine.MACHINE_ENV, "machine-a")
    with hall(demo_template) as h:
        ring_a = keyring.get_keyring()
        assert isinstance(ring_a, MemoryKeyring)
        a = h.workstation("a")
        made = accept(a, 2)
        assert a.sync().ok
        made += accept(a, 1)  # pending when the disk is copied
        inherited = set(local_op_ids(a))
        with a.ctx.read() as s:
            original = keys.enrolment(s)
        assert original is not None

        a.ctx.dispose()  # IT copies the data directory and the keyring to a second computer
        ring_b = MemoryKeyring()
        ring_b.store = dict(ring_a.store)
        with _machine(monkeypatch, "machine-b", ring_b):
            b = Workstation(a.ctx.data.root, h.root / "b", h.clock)
            h.made.append(b)
        with _machine(monkeypatch, "machine-a", ring_a):
            _reopen(a, h)
            made += accept(a, 2)  # the original goes on working
            if original_first:  # the copied op and two new ones reach the server before the copy syncs
                assert a.sync().ok

        with _machine(monkeypatch, "machine-b", ring_b):
            with pytest.raises(AppError) as refused:
                accept(b, 1)
            assert refused.value.code == "moved_machine" and "重新登记" in refused.value.message
            assert status.summary(b.ctx).moved  # what the sync page can show
            with pytest.raises(AppError) as early:  # the copied pending op first goes out as the original's
                b.enrol(h.server, enrolment_code(h.server))
            assert early.value.code == "inherited_ops"
            assert b.sync().ok and pending(b) == 0
            b.enrol(h.server, enrolment_code(h.server))
            b.sign_in()
            with b.ctx.read() as s:
                clone = keys.enrolment(s)
                assert machine.recorded(s) == machine.fingerprint() and not machine.moved(s)
            assert clone is not None and clone.device_code != original.device_code and not status.summary(b.ctx).moved
            assert ring_b.get_password("OneWindow", f"device:{original.device_id}") is None
            from_b = accept(b, 2)  # offline, under its own device code
            assert all(no.startswith(clone.device_code) for no in from_b)
            made += from_b

        for ws, ring, name in ((a, ring_a, "machine-a"), (b, ring_b, "machine-b"), (a, ring_a, "machine-a"),
                               (b, ring_b, "machine-b")):
            with _machine(monkeypatch, name, ring):
                outcome = ws.sync()
                assert outcome.ok and outcome.rejected == 0, outcome
        keyring.set_keyring(ring_a)
        assert_agree(h.server, [a, b], set(made))
        # The copied ops reached the server once, under the device that made them.
        assert {_server_device_of(h, op) for op in inherited} == {original.device_id}
        assert not doubled(made)
