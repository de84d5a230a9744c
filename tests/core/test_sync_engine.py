"""A sync run against a real server: clock check, sign-in, no transaction held over HTTP, new epochs, TLS."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from ow_testkit import complete, item_named, person
from sqlalchemy import select
from sync_testkit import (
    Clock,
    LiveServer,
    Workstation,
    demo_server,
    enrolment_code,
    memory_keyring,
    seed_demo,
)

from app.intake.outcomes import accept_case
from app.sync import engine, status
from app.sync.client import ServerRefused, SyncClient
from app.sync.credentials import CredentialStore
from db.models import SyncRun

ITEM = "食品经营许可变更"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with demo_server(f"sqlite:///{tmp_path / 'server.sqlite'}", Clock()) as live:
        yield live


@pytest.fixture
def station(server: LiveServer, demo_template: Path, tmp_path: Path) -> Iterator[Workstation]:
    with memory_keyring():
        ws = Workstation(demo_template, tmp_path / "ws", Clock())
        ws.enrol(server, enrolment_code(server))
        ws.sign_in("zhangmin")
        yield ws
        ws.close()


def test_sync_refuses_when_the_clocks_differ_by_more_than_five_minutes(server: LiveServer,
                                                                       station: Workstation) -> None:
    accept_case(station.ctx, station.actor(), complete(item_named(station.ctx, ITEM)))
    server.clock.at = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=10)
    outcome = station.sync()
    assert not outcome.ok and outcome.code == "clock_skew" and "慢约 10 分钟" in outcome.message
    assert outcome.pushed == 0 and status.summary(station.ctx).pending == 1
    with station.ctx.read() as s:
        assert s.execute(select(SyncRun.error).order_by(SyncRun.id.desc())).scalars().first().startswith("clock_skew")
    server.clock.at = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=4)  # within the limit
    assert station.sync().ok


def test_no_write_transaction_is_open_during_any_http_call(station: Workstation) -> None:
    database = station.ctx.data.database
    calls: list[str] = []

    class Watching(SyncClient):
        def _call(self, method: str, path: str, **kw: object) -> object:
            probe = sqlite3.connect(database, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")  # fails at once if any writer holds the database
                probe.execute("ROLLBACK")
            finally:
                probe.close()
            calls.append(f"{method} {path}")
            return super()._call(method, path, **kw)  # type: ignore[arg-type]

    for i in range(3):
        accept_case(station.ctx, station.actor(), complete(item_named(station.ctx, ITEM), person(f"测试{i}")))
    real = engine.client_for(station.ctx, station.store, "zhangmin")
    client = Watching(real.base_url, real.device, real.token)
    outcome = engine.sync_once(station.ctx, station.store, "zhangmin", client=client)
    assert outcome.ok and outcome.pushed == 3 and outcome.uploaded == 6
    assert any(c.startswith("POST /v1/push") for c in calls) and any("/v1/changes" in c for c in calls)
    assert sum(c.startswith("PUT /v1/blobs/") for c in calls) == 6


def test_without_a_server_sign_in_the_run_says_so(station: Workstation) -> None:
    station.store.forget_token(status_device(station), "zhangmin")
    outcome = station.sync()
    assert outcome.code == "need_login" and "登录" in outcome.message


def status_device(ws: Workstation) -> str:
    from app.sync import settings as keys

    with ws.ctx.read() as s:
        return keys.enrolment(s).device_id  # type: ignore[union-attr]


def test_an_unenrolled_workstation_is_told_to_enrol(ctx, demo_template: Path) -> None:  # type: ignore[no-untyped-def]
    with memory_keyring():
        outcome = engine.sync_once(ctx, CredentialStore(), "zhangmin")
    assert outcome.code == "not_enrolled" and "登记" in outcome.message


def test_a_restored_backup_starts_a_new_epoch_and_nothing_is_lost(server: LiveServer, station: Workstation,
                                                                  tmp_path: Path) -> None:
    accept_case(station.ctx, station.actor(), complete(item_named(station.ctx, ITEM)))
    assert station.sync().ok
    backup = tmp_path / "backup"
    shutil.copytree(station.ctx.data.root, backup)  # the nightly backup …
    ring = keyring.get_keyring()
    keyring_then = dict(ring.store)  # type: ignore[attr-defined]
    lost = [accept_case(station.ctx, station.actor(), complete(item_named(station.ctx, ITEM), person(f"甲{i}")))
            for i in range(2)]
    assert station.sync().ok  # … then more work reached the server, and the disk died
    station.close()
    # The whole machine, keyring included, comes back as it was: no local numbering mark is ahead of the
    # database (tests/faults/test_sync_restore_clone.py has the case where it is), and the workstation
    # numbers a case before it syncs. Only the server can tell now.
    ring.store.clear()  # type: ignore[attr-defined]
    ring.store.update(keyring_then)  # type: ignore[attr-defined]
    restored = Workstation(backup, tmp_path / "restored", station.ctx.clock.__self__)  # type: ignore[attr-defined]
    restored.store = station.store
    again = accept_case(restored.ctx, restored.actor(), complete(item_named(restored.ctx, ITEM), person("乙")))
    assert again.case_no == lost[0].case_no  # same device, day, epoch and counter: the number repeats
    outcome = restored.sync()
    assert outcome.ok and outcome.rejected == 1
    (refusal,) = status.rejections(restored.ctx)
    assert refusal.code == "duplicate_case_no" and again.case_no in refusal.what  # visible, never silent
    fresh = accept_case(restored.ctx, restored.actor(), complete(item_named(restored.ctx, ITEM), person("丙")))
    assert fresh.case_no[12] == "1" and fresh.case_no != again.case_no  # the new epoch's digit
    assert restored.sync().ok and status.summary(restored.ctx).pending == 0
    with restored.ctx.read() as s:
        from db.models import Case, CaseEvent

        local = {c.case_no: c for c in s.execute(select(Case)).scalars()}
        assert lost[1].case_no in local  # the work the dead disk had pushed comes back
        clash = s.execute(select(CaseEvent).where(CaseEvent.kind == "case_no_clash")).scalar_one()
        assert clash.case_id == again.case_id and "甲0" in clash.reason
    with server.session() as s:
        from server.models import AppliedOp, Device

        device = s.execute(select(Device)).scalar_one()
        assert device.epoch == 1
        numbers = s.execute(select(AppliedOp.device_seq, AppliedOp.epoch).order_by(AppliedOp.received_at)).all()
        seqs = [n for n, _e in numbers]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))  # strictly increasing, never reused
    restored.close()


def test_https_is_verified_against_the_trust_store(tmp_path: Path, demo_template: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address(
                "127.0.0.1"))]), critical=False).sign(key, hashes.SHA256()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    clock = Clock()
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(db, clock)
    live = LiveServer(db, clock, tls=(tmp_path / "c.pem", tmp_path / "k.pem")).start()
    try:
        with pytest.raises(ServerRefused) as refused:  # a certificate nobody trusts: refused, not ignored
            SyncClient(live.url).health()
        assert refused.value.code == "tls" and "证书" in refused.value.message
    finally:
        live.stop()
