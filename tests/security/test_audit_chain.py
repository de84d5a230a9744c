"""Finding 7 of issue #16: the audit chain is keyed (the key in the OS secret store) and anchored on the server.

Each test does to the database file what someone with the clerk's OS session could, and the project's own
verification (doctor, audit viewer) must name the row that broke.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_kit import Hall
from sqlalchemy import select, text
from sync_testkit import MemoryKeyring, Workstation, memory_keyring

from app.core import audit
from app.core.context import AppContext
from app.station.bootstrap import open_data_dir
from app.sync import status
from app.tools.doctor import check_audit
from db.models import AuditEntry


@pytest.fixture
def keyed(demo_dir: Path) -> Iterator[tuple[AppContext, MemoryKeyring]]:
    """A demo database made where there was no secret store (plain rows), opened where there is one."""
    with memory_keyring() as ring:
        ctx = open_data_dir(demo_dir, demo=True)
        for i in range(6):
            with ctx.write() as s:
                audit.record(s, None, "test", f"t{i}", {"i": i, "名": "王䶮"})
        yield ctx, ring
        ctx.dispose()
        audit.forget_cached_keys()


def _report(ctx: AppContext, anchors: list[tuple[int, str]] | None = None) -> audit.ChainReport:
    with ctx.read() as s:
        return audit.verify_chain(s, ctx.data.audit_head, anchors)


def _rows(ctx: AppContext) -> list[AuditEntry]:
    with ctx.read() as s:
        return list(s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def _rechain_plain(ctx: AppContext, start: int) -> None:
    """What a forger without the key can do: recompute every hash from `start` on, and the head file."""
    with ctx.write() as s:
        before = s.get(AuditEntry, start - 1)
        prev = before.hash if before else audit.GENESIS
        for e in s.execute(select(AuditEntry).where(AuditEntry.id >= start).order_by(AuditEntry.id)).scalars():
            e.prev_hash = prev
            e.hash = prev = audit._digest(prev, e.id, e.at.isoformat(), e.staff_id, e.action, e.target,
                                          e.detail_json)
            last = e
    ctx.data.audit_head.write_text(json.dumps({"id": last.id, "hash": last.hash}))


def test_an_intact_keyed_chain_verifies_and_is_keyed(keyed: tuple[AppContext, MemoryKeyring]) -> None:
    ctx, ring = keyed
    report = _report(ctx)
    assert report.ok and report.keyed
    assert any(name.startswith("audit-chain:") for _service, name in ring.store)  # the key is in the store
    with ctx.read() as s:
        first_keyed = audit.segments(s)[0]["from"]
    assert first_keyed > 1  # the demo's rows were made with no store: plain, as in an upgraded database
    assert _rows(ctx)[first_keyed - 1].action == "audit_keyed"  # the keying is itself on the record


@pytest.mark.parametrize(("sql", "problem"), [("UPDATE audit_log SET target = 'forged' WHERE id = :i", "edited"),
                                              ("DELETE FROM audit_log WHERE id = :i", "deleted")])
def test_an_edited_or_deleted_row_is_named(keyed: tuple[AppContext, MemoryKeyring], sql: str, problem: str) -> None:
    ctx, _ = keyed
    target = _rows(ctx)[-3].id
    with ctx.write() as s:
        s.execute(text(sql), {"i": target})
    report = _report(ctx)
    assert not report.ok and report.problem == problem and report.at_id == target
    assert f"第 {target} 条" in report.message


def test_an_edit_with_every_hash_recomputed_is_still_caught(keyed: tuple[AppContext, MemoryKeyring]) -> None:
    ctx, _ = keyed
    target = _rows(ctx)[-3].id
    with ctx.write() as s:
        s.execute(text("UPDATE audit_log SET target = 'forged' WHERE id = :i"), {"i": target})
    _rechain_plain(ctx, target)
    report = _report(ctx)
    assert not report.ok and report.problem == "edited" and report.at_id == target


def test_rewriting_the_plain_rows_of_an_upgraded_database_breaks_the_first_keyed_row(
        keyed: tuple[AppContext, MemoryKeyring]) -> None:
    ctx, _ = keyed
    with ctx.read() as s:
        first_keyed = audit.segments(s)[0]["from"]
    with ctx.write() as s:
        s.execute(text("UPDATE audit_log SET target = 'forged' WHERE id = 1"))
    _rechain_plain(ctx, 1)
    report = _report(ctx)
    assert not report.ok and report.at_id == first_keyed


def test_a_forged_row_appended_is_named(keyed: tuple[AppContext, MemoryKeyring]) -> None:
    ctx, _ = keyed
    last = _rows(ctx)[-1]
    with ctx.write() as s:
        forged = AuditEntry(id=last.id + 1, at=last.at, staff_id=None, action="seal_returned", target="S01",
                            detail_json="{}", prev_hash=last.hash, hash="")
        forged.hash = audit._digest(last.hash, forged.id, forged.at.isoformat(), None, forged.action, forged.target,
                                    forged.detail_json)
        s.add(forged)
    ctx.data.audit_head.write_text(json.dumps({"id": last.id + 1, "hash": forged.hash}))
    report = _report(ctx)
    assert not report.ok and report.problem == "edited" and report.at_id == last.id + 1


def test_two_rows_swapped_are_named(keyed: tuple[AppContext, MemoryKeyring]) -> None:
    ctx, _ = keyed
    a, b = _rows(ctx)[-4:-2]
    with ctx.write() as s:
        for mine, theirs in ((a, b), (b, a)):
            s.execute(text("UPDATE audit_log SET action = :ac, target = :t, detail_json = :d, hash = :h "
                           "WHERE id = :i"), {"ac": theirs.action, "t": theirs.target, "d": theirs.detail_json,
                                             "h": theirs.hash, "i": mine.id})
    report = _report(ctx)
    assert not report.ok and report.problem == "edited" and report.at_id == a.id


def test_the_key_missing_is_reported_never_intact(keyed: tuple[AppContext, MemoryKeyring]) -> None:
    ctx, ring = keyed
    with ctx.read() as s:
        first_keyed = audit.segments(s)[0]["from"]
    for entry in [k for k in ring.store if k[1].startswith("audit-chain:")]:
        del ring.store[entry]
    audit.forget_cached_keys()
    report = _report(ctx)
    assert not report.ok and report.problem == "key_missing" and report.at_id == first_keyed
    check = check_audit(ctx.data.root)
    assert not check.ok and f"第 {first_keyed} 条" in check.detail


def test_truncated_past_the_last_sync_with_the_head_file_gone(hall: Hall, station: Workstation) -> None:
    ctx = station.ctx
    for i in range(4):
        with ctx.write() as s:
            audit.record(s, None, "test", f"t{i}")
    assert station.sync().ok
    with ctx.read() as s:
        head = audit.head(s)
        kept = status.anchors_of_last_sync(s)
    assert head is not None and kept[-1] == head  # the server kept it and the sync brought it back
    served = hall.request("GET", "/v1/audit-anchor", headers=_device_headers(station)).json()
    assert served["anchors"][-1] == {"entry_id": head[0], "hash": head[1]}
    with ctx.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id > :k"), {"k": head[0] - 3})
    ctx.data.audit_head.unlink()
    with ctx.read() as s:
        assert audit.verify_chain(s, None).ok  # on its own the shortened chain looks whole
    report = _report(ctx, kept)
    assert not report.ok and report.problem == "truncated" and report.at_id == head[0] - 2
    check = check_audit(ctx.data.root)  # the doctor reads the anchors the last sync brought
    assert not check.ok and "截去" in check.detail


def test_a_rewrite_before_the_last_sync_disagrees_with_the_server(hall: Hall, station: Workstation) -> None:
    ctx = station.ctx
    assert station.sync().ok
    with ctx.read() as s:
        anchors = status.anchors_of_last_sync(s)
    anchored = anchors[-1][0]
    with ctx.write() as s:  # rewritten with the key itself (someone who could read the OS secret store)
        rows = list(s.execute(select(AuditEntry).where(AuditEntry.id >= anchored - 1).order_by(AuditEntry.id))
                    .scalars())
        key = audit._stored_key(audit.segments(s)[-1]["id"], audit.segments(s)[-1]["from"])
        rows[1].target = "forged"
        for before, e in zip(rows, rows[1:], strict=False):
            e.prev_hash = before.hash
            e.hash = audit._digest(e.prev_hash, e.id, e.at.isoformat(), e.staff_id, e.action, e.target,
                                   e.detail_json, key)
    report = _report(ctx, anchors)
    assert not report.ok and report.problem == "anchor_mismatch" and report.at_id == anchored


def _device_headers(station: Workstation) -> dict[str, str]:
    from app.sync import settings as keys

    with station.ctx.read() as s:
        device_id = keys.get(s, keys.DEVICE_ID)
    secret = station.store.device_secret(device_id)  # type: ignore[attr-defined]
    return {"X-OneWindow-Device": device_id, "X-OneWindow-Secret": secret}
