"""开办餐饮店 across four workstations through the real server, every part approved: the 前置 (个体工商户设立登记)
at A02, then 食品经营许可 reviewed at A02 and signed by the chief representative, the fire check at D01, the sign at
B02; the 食品经营许可证 is made at A02. After sync the comprehensive window A01 finds every decision and the
certificate — with their PDFs — and hands the bundle over once; every owning window then reads 已送达."""

from __future__ import annotations

import json
from collections.abc import Callable

from bundle_kit import FOOD_LICENCE, application
from bundle_windows_kit import STAFF, approve_every_part, sync_all
from ow_testkit import person
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolled

from app.bundles.bundle_handover import hand_over_bundle, handover_readiness
from app.bundles.bundle_intake import accept_bundle
from db.models import Case as ClientCase
from db.models import Certificate, Document
from server.models import Case


def test_parts_decided_at_their_windows_are_handed_over_at_the_comprehensive_window(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    made = enrolled(live_server, workstations, STAFF)
    a01 = made["a01"][0]
    result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
    ids = {p.item_code: p.case_id for p in result.parts}
    sync_all(made, 1)

    cert = approve_every_part(made, ids)

    ready = handover_readiness(a01.ctx, a01.actor("zhangmin"), result.bundle_id)
    assert ready.ready, ready.missing
    outcomes = {p.case_id: p.outcome for p in ready.parts}
    assert outcomes[ids[FOOD_LICENCE]] == "certificate_issued"
    papers = [d for p in ready.parts for d in p.documents]
    assert cert.number in [d.number for d in papers]  # the certificate made at A02 is known at A01
    with a01.ctx.read() as s:  # and every paper to hand over is here to print, not just its number
        for d in papers:
            doc = s.get(Document, d.document_id)
            assert doc is not None and (a01.ctx.data.root / doc.path).stat().st_size > 1000, d.name

    hand_over_bundle(a01.ctx, a01.actor("zhangmin"), result.bundle_id, method="in_person",
                     recipient_name=person().name, recipient_id_number=person().id_number)
    sync_all(made)
    with live_server.session() as s:
        records = {c.id: json.loads(c.record_json) for c in s.execute(select(Case)).scalars()}
    assert {records[i]["state"] for i in ids.values()} == {"delivered"}
    with made["a02"][0].ctx.read() as s:  # the licence's own window no longer offers it for handover
        assert s.get(Certificate, cert.id).status == "delivered"  # type: ignore[union-attr]
    for name, code in (("a02", FOOD_LICENCE), ("d01", "330999-XF-XK-001"), ("b02", "330999-ZJ-XK-005")):
        with made[name][0].ctx.read() as s:
            assert s.get(ClientCase, ids[code]).state == "delivered", name  # type: ignore[union-attr]
