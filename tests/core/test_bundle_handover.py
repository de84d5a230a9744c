"""统一出件: the comprehensive window hands every part's decision and certificate over together, with one
送达回证 listing them (item, department, number); refused while a part is undecided or uncertified."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bundle_kit import FOOD_LICENCE, SHOP, application, decide_all, parts_of, pdf_text
from ow_testkit import at_local, clerk, person, set_clock
from sqlalchemy import select

from app.bundles.bundle_handover import hand_over_bundle, handover_readiness
from app.bundles.bundle_intake import accept_bundle
from app.certificates.issuance import draft_for_case
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied
from db.models import Bundle, Delivery, Document, OutboxOp

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
_cases = parts_of
_decide_all = decide_all


def _accepted(ctx: AppContext) -> str:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    set_clock(ctx, at_local(2026, 11, 24, 10, 0))
    return bundle_id


def test_not_ready_until_every_part_is_decided_and_certified(ctx: AppContext) -> None:
    bundle_id = _accepted(ctx)
    ready = handover_readiness(ctx, clerk(ctx), bundle_id)
    assert not ready.ready and "未办结或未制证" in ready.missing and "个体工商户设立登记" in ready.missing
    with pytest.raises(AppError) as err:
        hand_over_bundle(ctx, clerk(ctx), bundle_id, method="in_person", recipient_name=person().name,
                         recipient_id_number=person().id_number)
    assert err.value.code == "not_ready" and "统一出件" in err.value.message
    _decide_all(ctx, bundle_id, certify=False)
    ready = handover_readiness(ctx, clerk(ctx), bundle_id)
    waiting = [p for p in ready.parts if p.outcome == "awaiting_certificate"]
    assert not ready.ready and waiting and all(p.item_name in ready.missing for p in waiting)
    assert "待制证" in ready.missing


def test_one_handover_delivers_every_part_with_one_proof(ctx: AppContext) -> None:
    bundle_id = _accepted(ctx)
    _decide_all(ctx, bundle_id, deny="330999-ZJ-XK-005")
    ready = handover_readiness(ctx, clerk(ctx), bundle_id)
    assert ready.ready and ready.missing == "", ready.missing
    outcomes = {p.item_name: p.outcome for p in ready.parts}
    assert outcomes["户外招牌设置审批"] == "denied" and outcomes["个体工商户设立登记"] == "approved"
    assert outcomes["食品经营许可"] == "certificate_issued"
    # Only the comprehensive window that received the bundle hands it over.
    with pytest.raises(PermissionDenied):
        hand_over_bundle(ctx, clerk(ctx, "lina"), bundle_id, method="in_person", recipient_name=person().name,
                         recipient_id_number=person().id_number)
    result = hand_over_bundle(ctx, clerk(ctx), bundle_id, method="in_person", recipient_name=person().name,
                              recipient_id_number=person().id_number)
    cases = _cases(ctx, bundle_id)
    assert {c.state for c in cases.values()} == {"delivered"}
    with ctx.read() as s:
        assert s.get(Bundle, bundle_id).state == "handed_over"  # type: ignore[union-attr]
        deliveries = s.execute(select(Delivery)).scalars().all()
        assert len(deliveries) == len(cases) == len(result.delivery_ids)
        assert {d.proof_document_id for d in deliveries} == {result.proof_document_id}
        proof = s.get(Document, result.proof_document_id)
        assert proof is not None
        ops = s.execute(select(OutboxOp.entity_id).where(OutboxOp.entity == "case", OutboxOp.op == "delivered")
                        ).scalars().all()
        assert sorted(ops) == sorted(c.id for c in cases.values())
    path = ctx.data.root / proof.path
    text = pdf_text(path)
    assert "送达回证" in text and ready.bundle_no in text
    for part in ready.parts:
        assert part.item_name in text and part.department in text, part.item_name
        for doc in part.documents:
            assert doc.number in text and doc.name.replace("（正本、副本）", "") in text, doc.number
    assert "不予行政许可决定书" in text and "准予行政许可决定书" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info  # one sheet to sign, the footnote included
    png = Path(__file__).parents[2] / "docs" / "screens" / "bundle_delivery_proof"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), str(png)], check=True)
    # A second handover is refused, and so is a single-case one for the same certificate.
    again = handover_readiness(ctx, clerk(ctx), bundle_id)
    assert again.handed_over and not again.ready


def test_the_licence_is_drafted_from_the_shared_fields(ctx: AppContext) -> None:
    """经营场所 asked once on the combined form is what the 食品经营许可证 proposes (not the home address)."""
    bundle_id = _accepted(ctx)
    _decide_all(ctx, bundle_id, certify=False)
    food = _cases(ctx, bundle_id)[FOOD_LICENCE]
    fields = {f.key: f.value for f in draft_for_case(ctx, clerk(ctx, "lina"), food.id).fields}
    assert fields["premises"] == dict(SHOP)["premises"] != person().address
    assert fields["domicile"] == person().address  # 住所 stays the applicant's own
