"""The administrator's command line, `onewindow-server --demo`, and the server's one link to the client code."""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sync_testkit import Clock, free_port, seed_demo

from server.cli import run
from server.db import make_engine, session_factory
from server.models import AdminEvent, ChangeRow, Delegation, EnrolmentCode, ReferenceDoc, Seal, Staff
from server.security import password_ok

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


def _session(db: str):  # type: ignore[no-untyped-def]
    return session_factory(make_engine(db))()


def test_staff_accounts(sqlite_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed_demo(sqlite_db, Clock())
    assert run(["--db", sqlite_db, "staff", "create", "qianli", "--name", "钱立", "--role", "clerk",
                "--window", "W01", "--password", "first-pass-1"]) == 0
    assert run(["--db", sqlite_db, "staff", "create", "qianli", "--name", "钱立", "--role", "clerk",
                "--window", "W01", "--password", "first-pass-1"]) == 1  # exists
    assert "已存在" in capsys.readouterr().out
    assert run(["--db", sqlite_db, "staff", "create", "x", "--name", "某", "--role", "clerk", "--window", "W01",
                "--password", "short"]) == 1  # too short
    assert run(["--db", sqlite_db, "staff", "reset-password", "qianli", "--password", "second-pass-2"]) == 0
    assert run(["--db", sqlite_db, "staff", "lock", "zhangmin"]) == 0
    with _session(sqlite_db) as s:
        qianli = s.get(Staff, "qianli")
        assert qianli.department_code == "SJ" and password_ok(qianli.password_hash, "second-pass-2")
        assert not password_ok(qianli.password_hash, "first-pass-1")
        assert s.get(Staff, "zhangmin").active is False
        assert {e.action for e in s.execute(select(AdminEvent)).scalars()} >= {"create_staff", "reset_password", "lock"}


def test_enrolment_codes_delegations_and_seals(sqlite_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    seed_demo(sqlite_db, Clock())
    capsys.readouterr()
    assert run(["--db", sqlite_db, "enrol-code", "--window", "W03"]) == 0
    code = capsys.readouterr().out.strip()
    assert len(code) == 11 and code[5] == "-"
    assert run(["--db", sqlite_db, "enrol-code", "--window", "W99"]) == 1
    assert run(["--db", sqlite_db, "delegation", "add", "--item", "330999-WJ-XK-002", "--chief", "sunlijuan",
                "--from", "2026-01-01", "--to", "2027-12-31"]) == 0
    assert run(["--db", sqlite_db, "delegation", "add", "--item", "330999-WJ-XK-002", "--chief", "wuqian",
                "--from", "2026-01-01"]) == 1  # a clerk cannot be delegated to
    assert run(["--db", sqlite_db, "delegation", "revoke", "--item", "330999-SJ-XK-001", "--chief",
                "zhoujianhua"]) == 0
    assert run(["--db", sqlite_db, "seal", "seal-away", "3309990018203", "--reason", "机构调整"]) == 0
    with _session(sqlite_db) as s:
        assert s.execute(select(EnrolmentCode.window_code)).scalar_one() == "W03"
        revoked = s.execute(select(Delegation).where(Delegation.item_code == "330999-SJ-XK-001")).scalar_one()
        assert revoked.revoked_at is not None
        seal = s.get(Seal, "3309990018203")
        assert seal.status == "sealed_away" and seal.status_changed_at is not None
        feed = [(c.kind, c.key) for c in s.execute(select(ChangeRow).order_by(ChangeRow.seq)).scalars()]
        assert feed == [("delegations", "all"), ("delegations", "all"), ("seal", "3309990018203")]


def test_catalog_and_calendar(sqlite_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_demo(sqlite_db, Clock())
    items = json.loads((ROOT / "resources" / "demo" / "items.json").read_text(encoding="utf-8"))
    assert run(["--db", sqlite_db, "catalog", "import", str(ROOT / "resources" / "demo" / "items.json")]) == 1
    assert "已导入过" in capsys.readouterr().out  # a version is never rewritten
    items["version"] = "2027.01"
    (tmp_path / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert run(["--db", sqlite_db, "catalog", "import", str(tmp_path / "items.json")]) == 0
    assert run(["--db", sqlite_db, "calendar", "update", str(DATA / "calendar_2027_sample.json")]) == 0
    bad = json.loads((DATA / "calendar_2027_sample.json").read_text(encoding="utf-8"))
    bad["makeup_workdays"].append({"name": "春节", "day": "2027-02-10"})  # a Wednesday inside the holiday
    (tmp_path / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert run(["--db", sqlite_db, "calendar", "update", str(tmp_path / "bad.json")]) == 1
    assert run(["--db", sqlite_db, "calendar", "update", str(DATA / "calendar_2027_sample.json")]) == 0  # again
    with _session(sqlite_db) as s:
        current = s.execute(select(ReferenceDoc.label).where(ReferenceDoc.kind == "catalog",
                                                             ReferenceDoc.current.is_(True))).scalars().all()
        assert current == ["2027.01"]
        years = s.execute(select(ReferenceDoc.label).where(ReferenceDoc.kind == "calendar_year")).scalars().all()
        assert years == ["2027"]


def test_demo_server_starts(tmp_path: Path) -> None:
    exe = shutil.which("onewindow-server", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "server.main"]
    port = free_port()
    env = {**os.environ, "ONEWINDOW_SERVER_DB": f"sqlite:///{tmp_path / 'demo.sqlite'}"}
    proc = subprocess.Popen([*command, "--demo", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline, health = time.monotonic() + 30, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert health is not None and health["status"] == "ok" and health["hall_code"] == "330999"
        spec = requests.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
        assert spec["info"]["title"] == "OneWindow central server"
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    assert "登记码" in out and "demo2026" in out


def test_the_server_imports_nothing_of_the_client_but_the_protocol() -> None:
    found = set()
    for path in (ROOT / "server").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
    client_side = {m for m in found if m.split(".")[0] in ("app", "db", "ui")}
    # the one text rule both sides apply, the catalog's 50 % line (#21 part 5), and the one reading of an
    # item's 告知承诺 terms both imports apply
    assert client_side == {"app.sync.protocol", "app.core.text_rules", "app.core.promise_rules",
                           "app.core.commitment_terms"}
    rules = ast.parse((ROOT / "app" / "core" / "promise_rules.py").read_text(encoding="utf-8"))
    assert {n.module for n in ast.walk(rules) if isinstance(n, ast.ImportFrom)} <= {
        "__future__", "collections.abc", "typing"}  # stdlib only
    terms = ast.parse((ROOT / "app" / "core" / "commitment_terms.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(terms) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(terms) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "dataclasses", "json", "typing"}  # stdlib only
    protocol = ast.parse((ROOT / "app" / "sync" / "protocol.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(protocol) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(protocol) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "dataclasses", "datetime", "hashlib", "json", "types", "typing"}  # stdlib only
    rules = ast.parse((ROOT / "app" / "core" / "text_rules.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(rules) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(rules) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "math", "re", "typing"}  # stdlib only


def test_a_catalog_import_warns_on_a_promise_over_half_the_legal_limit(
        sqlite_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from server.models import AdminEvent

    seed_demo(sqlite_db, Clock())
    items = json.loads((ROOT / "resources" / "demo" / "items.json").read_text(encoding="utf-8"))
    items["version"] = "2027.02"
    for it in items["items"]:
        if it["name"] == "药品零售许可":
            it["promised_days"] = 15  # of a legal 20: 提速率 25 %
    (tmp_path / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    assert run(["--db", sqlite_db, "catalog", "import", str(tmp_path / "items.json")]) == 0  # warned, not refused
    out = capsys.readouterr().out
    assert "2027.02 已导入并启用" in out
    warned = [line for line in out.splitlines() if line.startswith("警告")]
    assert len(warned) == 1 and "药品零售许可" in warned[0] and "提速率 25%" in warned[0]
    with _session(sqlite_db) as s:
        event = s.execute(select(AdminEvent).where(AdminEvent.action == "import_catalog")
                          .order_by(AdminEvent.id.desc())).scalars().first()
        assert "药品零售许可" in json.loads(event.detail_json)["warnings"][0]
