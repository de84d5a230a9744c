"""The certificate is drawn from the signed decision (issue #17, finding 1): it cannot contradict it, and what the
decision does not fix is asked, never filled in from the type's defaults."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import at_local, clerk, set_clock
from signoff_kit import APPROVE, CHIEF, FRIDAY, reviewed, start, who

from app.certificates.issuance import draft_for_case, issue_certificate, preview_certificate
from app.certificates.kinds import type_of
from app.certificates.terms import decided_fields
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.documents.legal_text import validity_dates
from app.records.doc_register import read_document
from app.signoff.decisions import DecisionInput
from app.signoff.review import sign_off
from app.station.bootstrap import DEMO_PASSWORD

# The issue's own example: the signed approval said 预包装食品销售, valid to 2031-12-04.
SIGNED = replace(APPROVE, content="经营项目：预包装食品销售", validity="2026年11月20日至2031年12月4日")


def _signed_case(ctx: AppContext, decision: DecisionInput = SIGNED) -> str:
    start(ctx)  # Friday 2026-11-20: reviewed by 王䶮, signed by the chief
    case_id = reviewed(ctx, proposal=decision)
    sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("approve", "同意"), custodian_password=DEMO_PASSWORD)
    set_clock(ctx, at_local(2026, 12, 4, 10, 0))  # issued a fortnight later, as in the issue
    return case_id


def _values(ctx: AppContext, case_id: str, **over: str) -> dict[str, str]:
    values = {f.key: f.value for f in draft_for_case(ctx, clerk(ctx, "zhangmin"), case_id).fields}
    return {**values, **over}


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def test_the_draft_takes_the_decision_and_asks_the_rest(ctx: AppContext) -> None:
    case_id = _signed_case(ctx)
    draft = draft_for_case(ctx, clerk(ctx, "zhangmin"), case_id)
    fields = {f.key: f for f in draft.fields}
    assert fields["scope"].value == "预包装食品销售" and fields["scope"].fixed
    # The decision says nothing of 主体业态: asked, not the type's default 餐饮服务经营者.
    assert fields["category"].value == "" and not fields["category"].fixed
    assert fields["supervisor"].value  # office facts that are not what is licensed keep their default
    assert (draft.valid_from, draft.valid_to) == (date(2026, 11, 20), date(2031, 12, 4))


def test_a_certificate_that_contradicts_the_decision_is_refused(ctx: AppContext) -> None:
    case_id = _signed_case(ctx)
    clerk_ = clerk(ctx, "zhangmin")
    with pytest.raises(ValidationError) as asked:
        issue_certificate(ctx, clerk_, case_id, _values(ctx, case_id), DEMO_PASSWORD)
    assert asked.value.field == "fields.category"  # not chosen: the clerk asks the applicant
    wrong = _values(ctx, case_id, category="食品销售经营者", scope="热食类食品制售")
    with pytest.raises(ValidationError) as refused:
        issue_certificate(ctx, clerk_, case_id, wrong, DEMO_PASSWORD)
    assert refused.value.field == "fields.scope" and "预包装食品销售" in refused.value.message
    with pytest.raises(ValidationError):
        preview_certificate(ctx, clerk_, case_id, wrong)


def test_the_issued_certificate_says_what_the_decision_said(ctx: AppContext, tmp_path: Path) -> None:
    case_id = _signed_case(ctx)
    info = issue_certificate(ctx, clerk(ctx, "zhangmin"), case_id, _values(ctx, case_id, category="食品销售经营者"),
                             DEMO_PASSWORD)
    assert info.valid_to == date(2031, 12, 4) and info.valid_from == date(2026, 11, 20)
    assert ("经营项目", "预包装食品销售") in info.fields
    text = _pdf_text(read_document(ctx, info.document_ids[0])[1], tmp_path)
    assert "预包装食品销售" in text and "热食类" not in text and "2031年12月4日" in text


def test_a_decision_without_validity_leaves_the_types_rule(ctx: AppContext) -> None:
    case_id = _signed_case(ctx, replace(SIGNED, validity=""))
    draft = draft_for_case(ctx, clerk(ctx, "zhangmin"), case_id)
    assert (draft.valid_from, draft.valid_to) == (date(2026, 12, 4), date(2031, 12, 3))


def test_a_validity_that_names_no_real_day_is_refused_at_signing(ctx: AppContext) -> None:
    start(ctx, FRIDAY)
    with pytest.raises(ValidationError) as bad:
        replace(SIGNED, validity="2026年11月20日至2031年2月30日").cleaned()
    assert bad.value.field == "validity"


def test_decision_wording(ctx: AppContext) -> None:
    with ctx.read() as s:
        food = type_of(s, "FOOD_BUSINESS")
    assert food is not None
    assert decided_fields(food, "主体业态：食品销售经营者；经营项目：预包装食品销售；热食类食品制售。") == {
        "category": "食品销售经营者", "scope": "预包装食品销售；热食类食品制售"}
    assert decided_fields(food, "热食类食品制售") == {"scope": "热食类食品制售"}  # unlabelled: the scope
    assert validity_dates("有效期至2031年12月4日") == (None, date(2031, 12, 4))
    assert validity_dates("2026-11-20至2031-11-19") == (date(2026, 11, 20), date(2031, 11, 19))
    assert validity_dates("长期") == (None, None)
