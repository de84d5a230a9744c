"""Papers of a 一件事 scanned once at the comprehensive window reach the departments' windows through the real
server: the 经营者身份证件 needed by two parts routed to A02 arrives at A02's workstation beside both parts'
materials, the same bytes; a window that is neither the case's nor the bundle's cannot add a scan to it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from bundle_kit import FOOD_LICENCE, REGISTRATION, application
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolled

from app.bundles.bundle_intake import accept_bundle
from app.bundles.bundle_scans import attach_bundle_scan
from app.cases.attachments import case_attachments
from app.core import outbox
from db.models import OutboxOp
from server.models import Case

PAPER = "经营者身份证件"


def _scan(text: str) -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
            b"endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            + f"4 0 obj<</Length {len(body)}>>stream\n".encode("ascii") + body + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_a_shared_paper_scanned_once_reaches_the_parts_windows(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    made = enrolled(live_server, workstations, (("a01", "W01", "zhangmin"), ("a02", "W02", "lina"),
                                                ("b01", "W03", "wuqian")))
    a01, a02, b01 = (made[n][0] for n in ("a01", "a02", "b01"))
    result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
    ids = {p.item_code: p.case_id for p in result.parts}
    data = _scan("ID CARD 110105194912310020")
    assert attach_bundle_scan(a01.ctx, a01.actor("zhangmin"), result.bundle_id, PAPER, "身份证.pdf", data) == 2
    assert a01.sync("zhangmin").rejected == 0
    with live_server.session() as s:
        record = json.loads(s.get(Case, ids[REGISTRATION]).record_json)  # type: ignore[union-attr]
    assert [(a["sha256"], a["material"]) for a in record["attachments"]] == [(hashlib.sha256(data).hexdigest(), PAPER)]

    assert a02.sync("lina").rejected == 0  # the parts come down, their scans are fetched after the pull
    # each beside the part's own material (the licence's guide calls the same paper 法定代表人（负责人）身份证件)
    for code, material in ((REGISTRATION, PAPER), (FOOD_LICENCE, "法定代表人（负责人）身份证件")):
        atts = case_attachments(a02.ctx, a02.actor("lina"), ids[code])
        assert [(a.material, a.sha256) for a in atts] == [(material, hashlib.sha256(data).hexdigest())], code
        assert atts[0].path.exists()
    with a02.ctx.read() as s:  # the same paper, not a new fact: nothing to send back
        assert s.execute(select(OutboxOp).where(OutboxOp.entity == "attachment")).first() is None

    # B01 holds no such case: a forged scan op for it is refused from the server's own record.
    assert b01.sync("wuqian").rejected == 0
    with b01.ctx.write() as s:
        outbox.enqueue(s, "attachment", "forged", "add", {
            "case_id": ids[REGISTRATION], "case_no": "x", "filename": "x.pdf", "mime": "application/pdf",
            "sha256": "0" * 64, "size": 10, "material": PAPER, "actor": "wuqian"}, b01.ctx.now())
    assert b01.sync("wuqian").rejected == 1
    with b01.ctx.read() as s:
        refused = s.execute(select(OutboxOp.result_json).where(OutboxOp.state == "rejected")).scalar_one()
    assert json.loads(refused or "{}")["code"] == "not_your_window"
