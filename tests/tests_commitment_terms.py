"""Shared values of the 告知承诺 tests: the demo item's replaced material and the on-the-spot decision."""

from __future__ import annotations

from typing import Any

from ow_testkit import item_named, person

from app.signoff.decisions import DecisionInput

REPLACED = "与变更食品经营许可事项有关的材料"  # what 食品经营许可变更's commitment replaces (resources/demo/items.json)
SIGNED = DecisionInput("approve", "申请人已书面承诺符合许可条件，当场作出准予变更决定", "经营项目：预包装食品销售",
                       "2026年11月20日至2031年11月19日")
CHANGE = "食品经营许可变更"  # A01 (W01): a 告知承诺 item of the demo catalog


def decided_on_commitment(ws: Any, clerk_name: str = "wangyan", *, decide: bool = True) -> str:
    """A 告知承诺 case accepted at a workstation (anything with .ctx and .actor(username)), its signed letter
    attached, and decided on the spot (unless `decide` is False)."""
    from app.intake.commitments import accept_on_commitment, attach_signed_commitment
    from app.intake.input_checks import IntakeInput, MaterialInput
    from app.records.doc_register import read_document
    from app.signoff.review import decide_on_spot
    from app.station.bootstrap import DEMO_PASSWORD

    item = item_named(ws.ctx, CHANGE)
    mats = tuple(MaterialInput(m.id, "committed") if m.name == REPLACED else
                 MaterialInput(m.id, "received", True, m.copies) for m in item.materials)
    clerk = ws.actor(clerk_name)
    result = accept_on_commitment(ws.ctx, clerk, IntakeInput(item.id, person(), mats))
    attach_signed_commitment(ws.ctx, clerk, result.case_id, "signed.pdf",
                             read_document(ws.ctx, result.document_ids[0])[1])
    if decide:
        decide_on_spot(ws.ctx, clerk, result.case_id, SIGNED, custodian_password=DEMO_PASSWORD)
    return str(result.case_id)
