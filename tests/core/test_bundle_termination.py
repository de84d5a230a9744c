"""终止办理告知书: the 前置 of a 一件事 is refused, the parts waiting on it stop, and the comprehensive window gives the
applicant a sealed notice for each stopped part (item, department, number, the refused 前置 and its decision,
remedies) — on request from the follow-up, or at the latest at the 统一出件, which lists it on its 送达回证."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bundle_kit import (
    DENY,
    FIRE,
    FOOD_LICENCE,
    REGISTRATION,
    SIGN,
    application,
    parts_of,
    pdf_text,
    window_clerk,
)
from ow_testkit import at_local, clerk, person, set_clock
from sqlalchemy import func, select

from app.bundles.bundle_handover import PENDING, hand_over_bundle, handover_readiness
from app.bundles.bundle_intake import accept_bundle
from app.bundles.bundle_termination import issue_termination_notice
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied
from app.signoff.decisions import decide_single
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, Bundle, CaseEvent, Delivery, Department, Document, Hall, OutboxOp, SealUse

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdfsig", "pdfinfo", "pdftoppm")),
                                reason="poppler-utils not installed")
STOPPED = (FOOD_LICENCE, FIRE, SIGN)


def _stopped(ctx: AppContext) -> str:
    """The bundle accepted on Friday; its 前置 (个体工商户设立登记) refused at its own window on Monday."""
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    reg = parts_of(ctx, bundle_id)[REGISTRATION]
    decide_single(ctx, window_clerk(ctx, reg), reg.id, DENY, custodian_password=DEMO_PASSWORD)
    assert {parts_of(ctx, bundle_id)[c].state for c in STOPPED} == {"stopped"}
    return bundle_id


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def test_one_sealed_notice_per_stopped_part_naming_the_refused_prerequisite(ctx: AppContext, tmp_path: Path) -> None:
    bundle_id = _stopped(ctx)
    ids = issue_termination_notice(ctx, clerk(ctx), bundle_id)
    parts = parts_of(ctx, bundle_id)
    reg = parts[REGISTRATION]
    with ctx.read() as s:
        bundle = s.get(Bundle, bundle_id)
        docs = [s.get(Document, i) for i in ids]
        depts = dict(s.execute(select(Department.id, Department.name)).all())
        hall = s.execute(select(Hall)).scalar_one()
        denial = s.execute(select(Document).where(Document.case_id == reg.id, Document.kind == "denial_decision")
                           ).scalar_one()
        uses = s.execute(select(func.count()).select_from(SealUse).where(SealUse.document_kind == "termination_notice")
                         ).scalar_one()
        audits = s.execute(select(AuditEntry.target).where(AuditEntry.action == "termination_notice")).scalars().all()
        events = s.execute(select(CaseEvent.case_id).where(CaseEvent.kind == "termination_notice")).scalars().all()
    assert bundle is not None and len(ids) == len(STOPPED) == uses
    assert {d.case_id for d in docs if d} == {parts[c].id for c in STOPPED}  # filed with each stopped part
    assert all(d is not None and d.kind == "termination_notice" and d.sealed and d.signed for d in docs)
    assert sorted(audits) == sorted(parts[c].case_no for c in STOPPED) and len(events) == len(STOPPED)
    for doc in docs:
        assert doc is not None
        part = next(p for p in parts.values() if p.id == doc.case_id)
        path = ctx.data.root / doc.path
        text = pdf_text(path)
        assert "终止办理告知书" in text and doc.number in text and "王䶮" in text
        assert bundle.bundle_no in text and bundle.theme_name in text
        assert part.item_name in text and part.case_no in text and depts[part.department_id] in text
        assert reg.item_name in text and reg.case_no in text and depts[reg.department_id] in text
        assert "不予行政许可决定" in text and denial.number in text and "2026年11月23日" in text
        assert "终止办理" in text and "取回" in text and "重新提出申请" in text
        assert f"六十日内向{hall.reconsideration_body}申请行政复议" in text and f"六个月内向{hall.court}" in text
        assert "Signature is Valid" in _run("pdfsig", str(path))
        assert "Pages:           1" in _run("pdfinfo", str(path))
    first = ctx.data.root / docs[0].path  # type: ignore[union-attr]
    png = Path(__file__).parents[2] / "docs" / "screens" / "bundle_termination_notice"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(first), str(png)], check=True)


def test_a_second_call_issues_nothing_new(ctx: AppContext) -> None:
    bundle_id = _stopped(ctx)
    first = issue_termination_notice(ctx, clerk(ctx), bundle_id)
    with ctx.read() as s:
        before = s.execute(select(func.count()).select_from(Document)).scalar_one()
    assert len(first) == len(STOPPED) and issue_termination_notice(ctx, clerk(ctx), bundle_id) == []
    with ctx.read() as s:
        assert s.execute(select(func.count()).select_from(Document)).scalar_one() == before


def test_only_the_comprehensive_window_issues_it(ctx: AppContext) -> None:
    bundle_id = _stopped(ctx)
    with pytest.raises(PermissionDenied) as err:
        issue_termination_notice(ctx, clerk(ctx, "lina"), bundle_id)  # A02, the 前置's own window
    assert "综合窗口" in err.value.message
    with ctx.read() as s:
        assert s.execute(select(Document).where(Document.kind == "termination_notice")).first() is None


def test_nothing_to_issue_while_no_part_is_stopped(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    with pytest.raises(AppError) as err:
        issue_termination_notice(ctx, clerk(ctx), bundle_id)
    assert err.value.code == "nothing_stopped"


def test_the_handover_issues_the_missing_notices_and_lists_them_on_the_proof(ctx: AppContext) -> None:
    bundle_id = _stopped(ctx)
    ready = handover_readiness(ctx, clerk(ctx), bundle_id)
    assert ready.ready, ready.missing
    stopped = [p for p in ready.parts if p.outcome == "stopped"]
    assert len(stopped) == len(STOPPED)
    assert all([(d.name, d.number) for d in p.documents] == [("终止办理告知书", PENDING)] for p in stopped)
    issued = issue_termination_notice(ctx, clerk(ctx), bundle_id)  # printed from the follow-up first
    set_clock(ctx, at_local(2026, 11, 24, 10, 0))
    result = hand_over_bundle(ctx, clerk(ctx), bundle_id, method="in_person", recipient_name=person().name,
                              recipient_id_number=person().id_number)
    assert result.termination_ids == ()  # all on file already: none issued again
    parts = parts_of(ctx, bundle_id)
    assert {parts[c].state for c in STOPPED} == {"stopped"} and parts[REGISTRATION].state == "delivered"
    with ctx.read() as s:
        notices = {d.case_id: d for d in s.execute(select(Document).where(Document.kind == "termination_notice"))
                   .scalars()}
        deliveries = {d.case_id: d for d in s.execute(select(Delivery)).scalars()}
        proof = s.get(Document, result.proof_document_id)
        case_ops = set(s.execute(select(OutboxOp.entity_id).where(OutboxOp.entity == "case",
                                                                  OutboxOp.op == "delivered")).scalars())
    assert sorted(d.id for d in notices.values()) == sorted(issued)
    for code in STOPPED:
        assert deliveries[parts[code].id].document_id == notices[parts[code].id].id
    # The stopped parts belong to other windows and stay stopped: only the delivery op records their handover.
    assert case_ops == {parts[REGISTRATION].id}
    assert proof is not None
    text = pdf_text(ctx.data.root / proof.path)
    for code in STOPPED:
        assert parts[code].item_name in text and notices[parts[code].id].number in text
    assert text.count("终止办理告知书") == len(STOPPED) and "共4件" in text


def test_the_handover_issues_them_itself_when_none_is_on_file(ctx: AppContext) -> None:
    bundle_id = _stopped(ctx)
    set_clock(ctx, at_local(2026, 11, 24, 10, 0))
    result = hand_over_bundle(ctx, clerk(ctx), bundle_id, method="in_person", recipient_name=person().name,
                              recipient_id_number=person().id_number)
    assert len(result.termination_ids) == len(STOPPED)
    with ctx.read() as s:
        proof = s.get(Document, result.proof_document_id)
        numbers = [s.get(Document, i).number for i in result.termination_ids]  # type: ignore[union-attr]
    assert proof is not None
    text = pdf_text(ctx.data.root / proof.path)
    assert all(n in text for n in numbers) and PENDING not in text
    again = handover_readiness(ctx, clerk(ctx), bundle_id)
    assert again.handed_over and all(d.number != PENDING for p in again.parts for d in p.documents)
