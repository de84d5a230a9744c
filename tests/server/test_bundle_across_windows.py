"""开办餐饮店 across four workstations through the real server, every part approved: the 前置 (个体工商户设立登记)
at A02, then 食品经营许可 reviewed at A02 and signed by the chief representative, the fire check at D01, the sign at
B02; the 食品经营许可证 is made at A02. After sync the comprehensive window A01 finds every decision and the
certificate — with their PDFs — and hands the bundle over once; every owning window then reads 已送达."""

from __future__ import annotations

import json
from collections.abc import Callable

from bundle_kit import APPROVE, FOOD_LICENCE, REGISTRATION, application
from ow_testkit import person
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolled

from app.bundles.bundle_handover import hand_over_bundle, handover_readiness
from app.bundles.bundle_intake import accept_bundle
from app.certificates.issuance import draft_for_case, issue_certificate
from app.signoff.decisions import decide_single
from app.signoff.queue import signoff_queue
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case as ClientCase
from db.models import Document
from server.models import Case

STAFF = (("a01", "W01", "zhangmin"), ("a02", "W02", "lina"), ("d01", "W08", "fangqing"), ("b02", "W04", "xujing"))


def _sync_all(made: dict[str, tuple[Workstation, str]], rounds: int = 2) -> None:
    for _ in range(rounds):
        for ws, user in made.values():
            assert ws.sync(user).rejected == 0


def test_parts_decided_at_their_windows_are_handed_over_at_the_comprehensive_window(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    made = enrolled(live_server, workstations, STAFF)
    a01, a02 = made["a01"][0], made["a02"][0]
    result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
    ids = {p.item_code: p.case_id for p in result.parts}
    _sync_all(made, 1)

    decide_single(a02.ctx, a02.actor("lina"), ids[REGISTRATION], APPROVE, custodian_password=DEMO_PASSWORD)
    _sync_all(made)  # the 前置's approval reaches the server; the waiting parts start at their own windows
    for name, code in (("d01", "330999-XF-XK-001"), ("b02", "330999-ZJ-XK-005")):
        ws, user = made[name]
        with ws.ctx.read() as s:
            assert s.get(ClientCase, ids[code]).state == "accepted", name  # type: ignore[union-attr]
        decide_single(ws.ctx, ws.actor(user), ids[code], APPROVE, custodian_password=DEMO_PASSWORD)
    # 一审一核: A02 reviews; the chief representative delegated 食品经营许可 sits at A01 and signs it there.
    record_review(a02.ctx, a02.actor("lina"), ids[FOOD_LICENCE], APPROVE)
    _sync_all(made)
    a01.sign_in("zhoujianhua")
    queue = signoff_queue(a01.ctx, a01.actor("zhoujianhua"))
    assert ids[FOOD_LICENCE] in [r.case_id for r in queue]  # in the chief's queue at his own window
    sign_off(a01.ctx, a01.actor("zhoujianhua"), ids[FOOD_LICENCE], APPROVE, custodian_password=DEMO_PASSWORD)
    assert a01.sync("zhoujianhua").rejected == 0
    _sync_all(made, 1)
    values = {f.key: f.value or (f.choices[0] if f.choices else "餐饮服务")
              for f in draft_for_case(a02.ctx, a02.actor("lina"), ids[FOOD_LICENCE]).fields}
    cert = issue_certificate(a02.ctx, a02.actor("lina"), ids[FOOD_LICENCE], values, DEMO_PASSWORD)
    _sync_all(made)

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
    _sync_all(made)
    with live_server.session() as s:
        records = {c.id: json.loads(c.record_json) for c in s.execute(select(Case)).scalars()}
    assert {records[i]["state"] for i in ids.values()} == {"delivered"}
    for name, code in (("a02", FOOD_LICENCE), ("d01", "330999-XF-XK-001"), ("b02", "330999-ZJ-XK-005")):
        with made[name][0].ctx.read() as s:
            assert s.get(ClientCase, ids[code]).state == "delivered", name  # type: ignore[union-attr]
