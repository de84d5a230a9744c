"""告知承诺 ops reach the real server (uvicorn on 127.0.0.1), which checks them from its own records: the item
must be a 告知承诺 item of the server's catalog, the result comes from the case's window, only the window's chief
revokes — and the revoked certificate's public verification page then says 已撤销."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select, update
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, seed_demo
from tests_commitment_terms import decided_on_commitment

from app.cases.commitments import record_check
from app.certificates.issuance import draft_for_case, issue_certificate
from app.certificates.revocation import revoke_on_false_commitment
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import status
from server.cli import run
from server.models import Certificate, Commitment, ReferenceDoc, Staff

ROOT = Path(__file__).resolve().parents[2]


def _decided(ws: Workstation) -> str:
    return decided_on_commitment(ws)


def _ready(live_server: LiveServer, workstations: Callable[[str], Workstation]) -> Workstation:
    ws = workstations("a")
    ws.enrol(live_server, enrolment_code(live_server, "W01"))
    for who in ("wangyan", "zhangmin", "zhoujianhua"):
        ws.sign_in(who)
    assert ws.sync("zhangmin").ok  # certificate number blocks leased
    return ws


def test_commitment_check_and_revocation_reach_the_server_and_the_public_page_says_revoked(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    ws = _ready(live_server, workstations)
    case_id = _decided(ws)
    values = {f.key: f.value for f in draft_for_case(ws.ctx, ws.actor("zhangmin"), case_id).fields}
    cert = issue_certificate(ws.ctx, ws.actor("zhangmin"), case_id, {**values, "category": "食品销售经营者"},
                             DEMO_PASSWORD)
    record_check(ws.ctx, ws.actor("wangyan"), case_id, "false", "经现场核查，未设置冷藏冷冻设施，与承诺不符")
    first = ws.sync("wangyan")
    assert first.ok and first.rejected == 0, status.rejections(ws.ctx)
    with live_server.session() as s:
        row = s.get(Commitment, case_id)
        assert (row.window_code, row.item_code, row.result, row.check_days) == ("W01", "330999-SJ-XK-002", "false", 20)
    revoke_on_false_commitment(ws.ctx, ws.actor("zhoujianhua"), case_id, custodian_password=DEMO_PASSWORD)
    second = ws.sync("zhoujianhua")
    assert second.ok and second.rejected == 0, status.rejections(ws.ctx)
    with live_server.session() as s:
        assert s.get(Commitment, case_id).revoked_by == "zhoujianhua"
        assert s.get(Certificate, cert.number).status == "revoked"
    with urllib.request.urlopen(f"{live_server.url}/verify/{quote(cert.number, safe='')}") as page:
        html = page.read().decode("utf-8")
    assert "已撤销" in html and "撤销日期" in html


def test_the_server_refuses_a_commitment_on_an_item_its_catalog_does_not_mark(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    ws = _ready(live_server, workstations)
    with live_server.session() as s:  # the hall's catalog no longer marks the item (a newer version)
        doc = s.execute(select(ReferenceDoc).where(ReferenceDoc.kind == "catalog", ReferenceDoc.current.is_(True))
                        ).scalar_one()
        data = json.loads(doc.doc_json)
        for item in data["items"]:
            item.pop("commitment", None)
        s.execute(update(ReferenceDoc).where(ReferenceDoc.id == doc.id).values(current=False))
        s.add(ReferenceDoc(kind="catalog", label="no-commitment", doc_json=json.dumps(data, ensure_ascii=False),
                           current=True, loaded_at=doc.loaded_at))
        s.commit()
    _decided(ws)
    outcome = ws.sync("wangyan")
    assert [r.code for r in status.rejections(ws.ctx)] == ["not_commitment_item"], outcome
    with live_server.session() as s:
        assert s.execute(select(Commitment)).first() is None


def test_only_the_windows_chief_on_the_servers_records_may_revoke(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    ws = _ready(live_server, workstations)
    case_id = _decided(ws)
    record_check(ws.ctx, ws.actor("wangyan"), case_id, "false", "经营场所与承诺不符")
    assert ws.sync("wangyan").rejected == 0
    revoke_on_false_commitment(ws.ctx, ws.actor("zhoujianhua"), case_id, custodian_password=DEMO_PASSWORD)
    with live_server.session() as s:  # the hall made him a clerk; the workstation has not heard of it yet
        s.execute(update(Staff).where(Staff.username == "zhoujianhua").values(role="clerk"))
        s.commit()
    ws.sync("zhoujianhua")
    assert "not_chief" in [r.code for r in status.rejections(ws.ctx)]
    with live_server.session() as s:
        assert s.get(Commitment, case_id).revoked_at is None


def test_the_servers_catalog_import_refuses_a_commitment_replacing_a_material_the_item_lacks(
        sqlite_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_demo(sqlite_db, Clock())
    doc = json.loads((ROOT / "resources" / "demo" / "items.json").read_text(encoding="utf-8"))
    doc["version"] = "2027.01-bad"
    item = next(i for i in doc["items"] if i.get("commitment"))
    item["commitment"]["replaces"] = ["不存在的材料"]
    (tmp_path / "items.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run(["--db", sqlite_db, "catalog", "import", str(tmp_path / "items.json")]) == 1
    out = capsys.readouterr().out
    assert item["code"] in out and "commitment.replaces" in out and "不存在的材料" in out
