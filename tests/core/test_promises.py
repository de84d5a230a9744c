"""告知承诺制 (issue #21 part 1): accepted on the applicant's commitment, decided on the spot through the normal
decision and seal path, post-checked with a light, and revoked when the commitment proves false.

Expected values come from outside the code under test: the catalog file's terms (resources/demo/items.json),
the post-check deadline counted by hand on the 2026 calendar (Friday 2026-11-20 + 20 working days, no holiday
between: 2026-12-18), and the printed documents read back with pdftotext.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import at_local, clerk, item_named, person, set_clock
from signoff_kit import ADMIN, CHIEF, FRIDAY, audit_actions, case_row, documents, pdf_text, start, who
from sqlalchemy import select

from app.cases.commitments import check_info, open_checks, record_check
from app.cases.lights import Light
from app.certificates.issuance import certificates_of_case, draft_for_case, issue_certificate
from app.certificates.revocation import revoke_on_false_commitment
from app.core.context import AppContext
from app.core.errors import AppError, NotFound, PermissionDenied, ValidationError
from app.intake.commitments import accept_on_commitment, attach_signed_commitment
from app.intake.input_checks import IntakeInput, MaterialInput
from app.intake.outcomes import IntakeResult
from app.records.doc_register import read_document
from app.signoff.decisions import DecisionInput
from app.signoff.review import decide_on_spot
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case, CreditRecord, OutboxOp

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
CHANGE = "食品经营许可变更"  # A01's 告知承诺 item (optional), single review, 食品经营许可证
RAW = next(i for i in json.loads((DEMO / "items.json").read_text(encoding="utf-8"))["items"] if i["name"] == CHANGE)
DUE = date(2026, 12, 18)  # FRIDAY + 20 working days, counted by hand
TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdfinfo"))
SIGNED = DecisionInput("approve", "申请人已书面承诺符合许可条件，当场作出准予变更决定", "经营项目：预包装食品销售",
                       "2026年11月20日至2031年11月19日")


def _input(ctx: AppContext, mark: str = "committed") -> IntakeInput:
    item = item_named(ctx, CHANGE)
    replaced = set(RAW["commitment"]["replaces"])
    mats = tuple(MaterialInput(m.id, mark, False, 0) if m.name in replaced else MaterialInput(m.id, "received", True,
                                                                                               m.copies)
                 for m in item.materials)
    return IntakeInput(item.id, person(), mats)


def _text(ctx: AppContext, document_id: str, tmp_path: Path) -> str:
    path = tmp_path / f"{document_id}.pdf"
    path.write_bytes(read_document(ctx, document_id)[1])
    return pdf_text(path)


def _accepted(ctx: AppContext) -> IntakeResult:
    start(ctx, FRIDAY)
    return accept_on_commitment(ctx, who(ctx, "wangyan"), _input(ctx))


def _decided(ctx: AppContext) -> str:
    result = _accepted(ctx)
    letter = read_document(ctx, result.document_ids[0])[1]
    attach_signed_commitment(ctx, who(ctx, "wangyan"), result.case_id, "告知承诺书-签字.pdf", letter)
    decide_on_spot(ctx, who(ctx, "wangyan"), result.case_id, SIGNED, custodian_password=DEMO_PASSWORD)
    return result.case_id


def _ops(ctx: AppContext, entity: str) -> list[str]:
    with ctx.read() as s:
        return list(s.execute(select(OutboxOp.op).where(OutboxOp.entity == entity).order_by(OutboxOp.device_seq))
                    .scalars())


@pytest.mark.skipif(not TOOLS, reason="poppler-utils not installed")
def test_accepted_on_the_commitment_with_the_letter_and_decided_the_same_day(ctx: AppContext, tmp_path: Path) -> None:
    result = _accepted(ctx)
    kinds = [d.kind for d in documents(ctx, result.case_id)]
    assert sorted(kinds) == sorted(["commitment_letter", "receipt", "acceptance_notice"])
    letter = _text(ctx, result.document_ids[0], tmp_path)
    assert result.case_no in letter and "告知承诺书" in letter
    for part in (RAW["commitment"]["standards"], RAW["commitment"]["check_method"], *RAW["commitment"]["replaces"]):
        assert part.rstrip("。") in letter
    assert "20个工作日内（2026年12月18日前）" in letter and "信用记录" in letter and "撤销" in letter
    acceptance = next(d for d in documents(ctx, result.case_id) if d.kind == "acceptance_notice")
    assert "告知承诺替代" in _text(ctx, acceptance.id, tmp_path)
    info = check_info(ctx, who(ctx, "wangyan"), result.case_id)
    assert info is not None and (info.due, info.scan_attached, info.result) == (DUE, False, None)
    # The decision waits for the signed letter's scan, then goes the normal way: decision document under seal.
    with pytest.raises(AppError) as unsigned:
        decide_on_spot(ctx, who(ctx, "wangyan"), result.case_id, SIGNED, custodian_password=DEMO_PASSWORD)
    assert unsigned.value.code == "unsigned_commitment"
    scan = read_document(ctx, result.document_ids[0])[1]
    assert attach_signed_commitment(ctx, who(ctx, "wangyan"), result.case_id, "signed.pdf", scan).scan_attached
    decided = decide_on_spot(ctx, who(ctx, "wangyan"), result.case_id, SIGNED, custodian_password=DEMO_PASSWORD)
    case = case_row(ctx, result.case_id)
    assert decided.state == "approved" and case.decided_at is not None
    assert case.decided_at.date() == case.accepted_at.date()  # 当场作出决定
    assert any(d.kind == "approval_decision" for d in documents(ctx, result.case_id))
    assert _ops(ctx, "commitment") == ["commit"]
    assert {"commitment_intake", "commitment_signed"} <= set(audit_actions(ctx))


def test_only_the_materials_the_catalog_names_may_be_replaced(ctx: AppContext) -> None:
    start(ctx, FRIDAY)
    item = item_named(ctx, CHANGE)
    other = next(m for m in item.materials if m.name not in RAW["commitment"]["replaces"])
    data = _input(ctx)
    bad = IntakeInput(data.item_id, data.applicant, tuple(
        MaterialInput(m.item_material_id, "committed", False, 0) if m.item_material_id == other.id else m
        for m in data.materials))
    with pytest.raises(ValidationError) as err:
        accept_on_commitment(ctx, who(ctx, "wangyan"), bad)
    assert err.value.field == f"materials.{other.id}"
    with pytest.raises(ValidationError) as unmarked:
        accept_on_commitment(ctx, who(ctx, "wangyan"), _input(ctx, mark="received"))
    assert unmarked.value.field == "materials"
    ordinary = item_named(ctx, "食品经营许可")
    with pytest.raises(ValidationError) as not_item:
        accept_on_commitment(ctx, who(ctx, "wangyan"), IntakeInput(ordinary.id, person(), ()))
    assert not_item.value.field == "item"
    with ctx.read() as s:
        assert s.execute(select(Case.id)).first() is None  # nothing was kept


def test_the_post_check_lights_its_deadline_on_the_desk(ctx: AppContext) -> None:
    case_id = _decided(ctx)
    window = who(ctx, "wangyan").window_id
    (row,) = open_checks(ctx, who(ctx, "wangyan"), window)
    assert (row.case_id, row.due, row.light) == (case_id, DUE, Light.GREEN)
    set_clock(ctx, at_local(2026, 12, 15))  # three working days before the deadline: yellow
    assert open_checks(ctx, who(ctx, "wangyan"), window)[0].light == Light.YELLOW
    set_clock(ctx, at_local(2026, 12, 21))
    assert open_checks(ctx, who(ctx, "wangyan"), window)[0].light == Light.RED
    assert open_checks(ctx, who(ctx, "wuqian"), who(ctx, "wuqian").window_id) == ()  # B01 has none


def test_result_roles_then_false_commitment_is_revoked_with_void_certificate_and_credit_record(
        ctx: AppContext, tmp_path: Path) -> None:
    case_id = _decided(ctx)
    values = {f.key: f.value for f in draft_for_case(ctx, clerk(ctx, "zhangmin"), case_id).fields}
    cert = issue_certificate(ctx, clerk(ctx, "zhangmin"), case_id, {**values, "category": "食品销售经营者"},
                             DEMO_PASSWORD)
    set_clock(ctx, at_local(2026, 12, 10))
    with pytest.raises(PermissionDenied):
        record_check(ctx, who(ctx, ADMIN), case_id, "true", "")
    with pytest.raises(AppError) as other:
        record_check(ctx, who(ctx, "wuqian"), case_id, "true", "")
    assert other.value.code == "other_window"
    with pytest.raises(ValidationError) as no_note:
        record_check(ctx, who(ctx, "wangyan"), case_id, "false", " ")
    assert no_note.value.field == "note"
    assert record_check(ctx, who(ctx, "wangyan"), case_id, "unverifiable", "经营者不在场，约定下周复查").result_label \
        == "暂无法核实"
    finding = "经现场核查，变更后的经营场所未设置冷藏冷冻设施，与承诺不符"
    record_check(ctx, who(ctx, "wangyan"), case_id, "false", finding)
    with pytest.raises(AppError):
        record_check(ctx, who(ctx, "wangyan"), case_id, "true", "")  # 不属实 is final
    (row,) = open_checks(ctx, who(ctx, CHIEF), who(ctx, CHIEF).window_id)
    assert (row.status_label, row.light) == ("不属实，待撤销", Light.RED)
    with pytest.raises(PermissionDenied):
        revoke_on_false_commitment(ctx, who(ctx, "wangyan"), case_id, custodian_password=DEMO_PASSWORD)
    with pytest.raises(AppError):
        revoke_on_false_commitment(ctx, who(ctx, "sunlijuan"), case_id, custodian_password=DEMO_PASSWORD)
    revoked = revoke_on_false_commitment(ctx, who(ctx, CHIEF), case_id, custodian_password=DEMO_PASSWORD)
    assert revoked.voided_certificates == (cert.number,)
    assert [c.status for c in certificates_of_case(ctx, case_id)] == ["voided"]
    assert open_checks(ctx, who(ctx, CHIEF), who(ctx, CHIEF).window_id) == ()
    if TOOLS:
        text = _text(ctx, revoked.document_ids[0], tmp_path)
        approval = next(d for d in documents(ctx, case_id) if d.kind == "approval_decision")
        for must in ("撤销行政许可决定书", approval.number, finding.rstrip("。"), f"{cert.number}号证照同时作废",
                     "第六十九条第二款", "信用记录", "申请行政复议"):
            assert must in text, must
    with ctx.read() as s:
        (credit,) = s.execute(select(CreditRecord)).scalars()
        assert (credit.case_id, credit.kind, credit.subject_name, credit.reason) == (
            case_id, "false_commitment", "王䶮", finding)
    assert _ops(ctx, "commitment") == ["commit", "check", "check", "revoke"]
    assert _ops(ctx, "certificate")[-1] == "void"
    assert {"commitment_check", "approval_revoke", "certificate_void"} <= set(audit_actions(ctx))
    with pytest.raises(AppError):
        revoke_on_false_commitment(ctx, who(ctx, CHIEF), case_id, custodian_password=DEMO_PASSWORD)


def test_a_case_not_on_commitment_has_no_post_check(ctx: AppContext) -> None:
    start(ctx, FRIDAY)
    with pytest.raises(NotFound):
        record_check(ctx, who(ctx, "wangyan"), "no-such-case", "true", "")


def test_figures_count_commitment_cases_checks_on_time_and_revocations(ctx: AppContext) -> None:
    from app.figures.commitments import commitment_figures
    from app.figures.report import window_figures

    late = _decided(ctx)
    on_time = _decided(ctx)
    set_clock(ctx, at_local(2026, 12, 18, 16))  # the deadline's own day: on time
    record_check(ctx, who(ctx, "wangyan"), on_time, "true", "")
    set_clock(ctx, at_local(2026, 12, 21))  # a working day after it: late
    record_check(ctx, who(ctx, "wangyan"), late, "false", "与承诺不符")
    revoke_on_false_commitment(ctx, who(ctx, CHIEF), late, custodian_password=DEMO_PASSWORD)
    window = who(ctx, "wangyan").window_id
    f = commitment_figures(ctx, who(ctx, ADMIN), date(2026, 11, 1), date(2026, 12, 31), window)
    assert (f.cases, f.checked, f.checked_on_time, f.found_false, f.revoked, f.credit_records) == (2, 2, 1, 1, 1, 1)
    assert commitment_figures(ctx, who(ctx, ADMIN), date(2026, 11, 1), date(2026, 11, 30), window).revoked == 0
    assert commitment_figures(ctx, who(ctx, ADMIN), date(2026, 11, 1), date(2026, 12, 31),
                              who(ctx, "wuqian").window_id).cases == 0
    whole = window_figures(ctx, who(ctx, ADMIN), date(2026, 11, 1), date(2026, 12, 31), "month", window)
    assert whole.commitments == f
