"""Certificates: types as data, numbers from leased blocks, issuing under the custodian's password, void and reissue."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest
from certificate_testkit import DRUG, FOOD, HYGIENE, approved_case_for_test, org
from ow_testkit import at_local, clerk, complete, item_named, set_clock
from sqlalchemy import func, select

from app.cases.case_documents import case_facts
from app.certificates.issuance import (
    _content,  # the content issue_certificate renders, for the renderer's own refusals
    certificates_of_case,
    draft_for_case,
    issue_certificate,
    preview_certificate,
    reissue_certificate,
    void_certificate,
)
from app.certificates.kinds import iso7064_mod11_10, type_of
from app.certificates.numbers import add_leased_block, blocks_running_low, number_report, return_unused
from app.core.auth import login
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.documents.data import DocKind, DocumentData, SealImpression
from app.documents.fonts import MissingGlyph
from app.documents.render import render
from app.intake.outcomes import accept_case
from app.records.doc_facts import issuer_for
from app.station.bootstrap import DEMO_PASSWORD
from db.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Certificate,
    CertificateNumber,
    Document,
    NumberBlock,
    OutboxOp,
    SealUse,
)

JY = re.compile(r"^JY([123])330999(\d{6})(\d)$")


def values(ctx: AppContext, case_id: str, username: str = "zhangmin", **over: str) -> dict[str, str]:
    draft = draft_for_case(ctx, clerk(ctx, username), case_id)
    out = {f.key: f.value for f in draft.fields}
    if not out.get("quality"):
        out["quality"] = "李秀英"
    out.update(over)
    return out


def issue(ctx: AppContext, case_id: str, username: str = "zhangmin", password: str = DEMO_PASSWORD, **over: str):
    return issue_certificate(ctx, clerk(ctx, username), case_id, values(ctx, case_id, username, **over), password)


@pytest.fixture
def friday(ctx: AppContext) -> AppContext:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))  # a Friday
    return ctx


def test_iso7064_mod11_10_published_vectors() -> None:
    # ISO/IEC 7064 MOD 11,10 examples as published with python-stdnum / stdnum-js: 794623 and 002006673085 are valid.
    assert iso7064_mod11_10("79462") == "3"
    assert iso7064_mod11_10("00200667308") == "5"


def test_demo_types_are_data_and_unconfigured_types_say_so(friday: AppContext) -> None:
    with friday.read() as s:
        assert {t for t in ("FOOD_BUSINESS", "PUBLIC_PLACE_HYGIENE", "DRUG_RETAIL") if type_of(s, t)} == {
            "FOOD_BUSINESS", "PUBLIC_PLACE_HYGIENE", "DRUG_RETAIL"}
        food = type_of(s, "FOOD_BUSINESS")
    assert food is not None and [c.orientation for c in food.copies] == ["landscape", "portrait"]
    assert food.valid_to(date(2026, 11, 20)) == date(2031, 11, 19)  # five years, the day before the anniversary
    assert food.valid_to(date(2028, 2, 29)) == date(2033, 2, 28)
    case_id = approved_case_for_test(friday, ("建筑工程施工许可", "xujing", "zhengguoqiang"))
    with pytest.raises(AppError) as err:
        draft_for_case(friday, clerk(friday, "xujing"), case_id)
    assert err.value.code == "no_certificate_type" and "CONSTRUCTION_PERMIT" in err.value.message
    assert "尚未配置" in err.value.message


def test_issue_food_licence(friday: AppContext) -> None:
    case_id = approved_case_for_test(friday, FOOD, terms="经营项目：热食类食品制售")  # 主体业态 left to ask
    draft = draft_for_case(friday, clerk(friday), case_id)
    assert draft.type_name == "食品经营许可证" and draft.holder == "王䶮"
    assert draft.issue_deadline == date(2026, 12, 4)  # 10 working days after Friday 20 November
    assert {f.key: f.value for f in draft.fields}["signer"] == "周建华"  # the approving chief
    info = issue(friday, case_id, category="食品销售经营者")
    m = JY.match(info.number)
    assert m is not None and m.group(1) == "1", info.number
    assert iso7064_mod11_10(info.number[2:-1]) == info.number[-1]
    assert (info.valid_from, info.valid_to, info.status) == (date(2026, 11, 20), date(2031, 11, 19), "issued")
    assert info.verify_url.startswith(f"https://zwfw.yunxiu.example.gov.cn/verify/{info.number}?")
    with friday.read() as s:
        case = s.get(Case, case_id)
        docs = s.execute(select(Document).where(Document.number == info.number)).scalars().all()
        uses = s.execute(select(SealUse).where(SealUse.document_number == info.number)).scalars().all()
        events = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)).scalars().all()
        ops = s.execute(select(OutboxOp.entity, OutboxOp.op).where(OutboxOp.entity_id.in_([case_id, info.id]))).all()
        number = s.get(CertificateNumber, info.number)
    assert case.state == "certificate_issued"
    assert sorted(d.kind for d in docs) == ["certificate_copy", "certificate_original"]
    assert all(d.sealed and d.signed for d in docs)
    assert len(uses) == 2 and {u.authorisation for u in uses} == {"password"}
    assert "certificate_issued" in events
    assert ("certificate", "issue") in ops and ("case", "certificate_issued") in ops
    assert number.status == "used" and number.certificate_id == info.id


def test_wrong_password_refused_and_nothing_kept(friday: AppContext) -> None:
    case_id = approved_case_for_test(friday, FOOD)
    with pytest.raises(AppError) as err:
        issue(friday, case_id, password="not-the-password")
    assert err.value.code == "bad_custodian_password"
    with pytest.raises(ValidationError):
        issue(friday, case_id, password="")  # the standing authorisation for notices does not reach certificates
    with friday.read() as s:
        assert s.get(Case, case_id).state == "approved"
        assert s.execute(select(func.count()).select_from(Certificate)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(CertificateNumber)).scalar_one() == 0
        assert all(b.next_value == b.first for b in s.execute(select(NumberBlock)).scalars())
    info = issue(friday, case_id)  # the number the failed attempts did not keep is the first one
    assert JY.match(info.number).group(2) == "000001"  # type: ignore[union-attr]


def test_only_approved_cases_get_a_certificate(friday: AppContext) -> None:
    result = accept_case(friday, clerk(friday), complete(item_named(friday, "食品经营许可")))
    with pytest.raises(AppError) as err:
        draft_for_case(friday, clerk(friday), result.case_id)
    assert err.value.code == "not_approved"
    case_id = approved_case_for_test(friday, FOOD)
    issue(friday, case_id)
    with pytest.raises(AppError):
        issue(friday, case_id)  # once


def test_fields_checked(friday: AppContext) -> None:
    case_id = approved_case_for_test(friday, DRUG, org(), terms="经营范围：中成药、化学药、生物制品（除疫苗）")
    with pytest.raises(ValidationError) as err:
        issue(friday, case_id, quality="", category="零售连锁门店（非法人）")
    assert err.value.field == "fields.quality"
    with pytest.raises(ValidationError) as err:
        issue(friday, case_id, category="批发企业")
    assert err.value.field == "fields.category"
    info = issue(friday, case_id, category="零售连锁门店（非法人）")
    assert re.fullmatch(r"浙CB5890\d{5}", info.number), info.number
    person_case = approved_case_for_test(friday, DRUG)
    with pytest.raises(AppError) as err2:
        draft_for_case(friday, clerk(friday), person_case)
    assert err2.value.code == "holder_kind"


def test_numbers_in_order_per_prefix_and_year(friday: AppContext) -> None:
    first = issue(friday, approved_case_for_test(friday, FOOD))
    second = issue(friday, approved_case_for_test(friday, FOOD))
    assert [JY.match(n).group(2) for n in (first.number, second.number)] == ["000001", "000002"]  # type: ignore
    hygiene = issue(friday, approved_case_for_test(friday, HYGIENE, org("云岫市江滨大酒店有限公司")), "wuqian")
    assert hygiene.number == "云卫公证字〔2026〕第000001号"
    assert hygiene.valid_to == date(2030, 11, 19)  # four years


def test_leased_blocks_used_before_anything_else_and_exhaustion(friday: AppContext) -> None:
    with friday.write() as s:
        add_leased_block(s, "FOOD_BUSINESS", "JY2330999", 500, 501, 6)
        with pytest.raises(AppError):
            add_leased_block(s, "FOOD_BUSINESS", "JY2330999", 501, 600, 6)  # overlaps
        with pytest.raises(ValidationError):
            add_leased_block(s, "FOOD_BUSINESS", "JY2330999", 1, 1_000_000, 6)  # more than six digits
    friday.demo = False  # a real workstation: numbers only from leased blocks
    got = [JY.match(issue(friday, approved_case_for_test(friday, FOOD)).number).group(2)  # type: ignore
           for _ in range(2)]
    assert got == ["000500", "000501"]
    with pytest.raises(AppError) as err:
        issue(friday, approved_case_for_test(friday, FOOD))
    assert err.value.code == "no_numbers" and "同步" in err.value.message
    low = {(x.type_code, x.prefix): x.remaining for x in blocks_running_low(friday)}
    assert low[("FOOD_BUSINESS", "JY2330999")] == 0
    assert low[("PUBLIC_PLACE_HYGIENE", "云卫公证字〔2026〕第")] == 0  # this year's prefix has no block yet
    assert len(low) == 3 + 1 + 4  # every prefix the three types can need this year
    with friday.write() as s:
        add_leased_block(s, "DRUG_RETAIL", "浙DA5890", 1, 200, 5)
    assert ("DRUG_RETAIL", "浙DA5890") not in {(x.type_code, x.prefix) for x in blocks_running_low(friday)}


def test_void_and_reissue(friday: AppContext) -> None:
    case_id = approved_case_for_test(friday, FOOD)
    first = issue(friday, case_id)
    with pytest.raises(PermissionDenied):
        void_certificate(friday, clerk(friday), first.id, "错误")
    chief = login(friday, "zhoujianhua", DEMO_PASSWORD)
    with pytest.raises(ValidationError):
        reissue_certificate(friday, chief, first.id, " ", DEMO_PASSWORD)
    new = reissue_certificate(friday, chief, first.id, "证照遗失，申请补发", DEMO_PASSWORD)
    assert new.number != first.number and new.replaces_id == first.id and new.replaces_number == first.number
    assert (new.valid_from, new.valid_to) == (first.valid_from, first.valid_to)  # a reissue does not extend validity
    with pytest.raises(AppError):
        reissue_certificate(friday, chief, first.id, "再次补发", DEMO_PASSWORD)
    with friday.read() as s:
        old = s.get(Certificate, first.id)
        old_docs = s.execute(select(Document).where(Document.number == first.number)).scalars().all()
        new_docs = s.execute(select(Document).where(Document.number == new.number)).scalars().all()
        number = s.get(CertificateNumber, first.number)
        audits = s.execute(select(AuditEntry.action).where(AuditEntry.target.in_([first.number, new.number]))
                           ).scalars().all()
    assert old.status == "voided" and old.void_reason == "证照遗失，申请补发"
    assert len(old_docs) == 2 and all(d.void for d in old_docs)
    assert {d.replaces_id for d in new_docs} == {d.id for d in old_docs}
    assert number.status == "voided"
    assert {"certificate_void", "certificate_reissue"} <= set(audits)
    assert [c.status for c in certificates_of_case(friday, case_id)] == ["voided", "issued"]
    void_certificate(friday, chief, new.id, "许可被依法撤销")
    with pytest.raises(AppError):
        void_certificate(friday, chief, new.id, "重复")


def test_preview_takes_no_number_and_is_not_sealed(friday: AppContext, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    case_id = approved_case_for_test(friday, FOOD)
    pdf = preview_certificate(friday, clerk(friday), case_id, values(friday, case_id))
    path = tmp_path / "preview.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True).stdout
    assert "签发时编号" in text and "签发后生成" in text and "王䶮" in text and "/Sig" not in pdf.decode("latin-1")
    with friday.read() as s:
        assert s.execute(select(func.count()).select_from(CertificateNumber)).scalar_one() == 0


def test_number_report_and_returned_numbers(friday: AppContext) -> None:
    case_id = approved_case_for_test(friday, FOOD)
    first = issue(friday, case_id)
    chief = login(friday, "zhoujianhua", DEMO_PASSWORD)
    reissue_certificate(friday, chief, first.id, "打印错误", DEMO_PASSWORD)
    with friday.read() as s:
        block_id = s.execute(select(NumberBlock.id)).scalar_one()
    report = {r.block.id: r for r in number_report(friday)}[block_id]
    assert (report.used, report.voided, report.returned, report.unused) == (1, 1, 0, 998)
    assert report.voided_numbers == ((first.number, "打印错误"),)
    with pytest.raises(PermissionDenied):
        return_unused(friday, clerk(friday), block_id, "年度结束")
    assert return_unused(friday, chief, block_id, "年度结束，交回未用号码") == 998
    report = {r.block.id: r for r in number_report(friday)}[block_id]
    assert (report.used, report.voided, report.returned, report.unused) == (1, 1, 998, 0)


def test_fields_stored_as_issued(friday: AppContext) -> None:
    case_id = approved_case_for_test(friday, FOOD, terms="经营项目：预包装食品销售（含冷藏冷冻食品）")
    info = issue(friday, case_id, category="食品销售经营者")
    with friday.read() as s:
        stored = json.loads(s.get(Certificate, info.id).fields_json)
    assert stored["scope"] == "预包装食品销售（含冷藏冷冻食品）"
    assert ("经营项目", "预包装食品销售（含冷藏冷冻食品）") in info.fields


def test_renderer_refuses_what_it_cannot_print_whole(friday: AppContext) -> None:
    """Content that would overflow the page, or a character no font has, is refused, never cut or dropped."""
    case_id = approved_case_for_test(friday, FOOD)
    vals = values(friday, case_id)
    with friday.read() as s:
        ctype = type_of(s, "FOOD_BUSINESS")
        case = s.get(Case, case_id)
        content = _content(s, ctype, ctype.copies[0], case, "JY23309990000012", vals, date(2026, 11, 20),
                           date(2031, 11, 19))
        facts, (issuer, _short) = case_facts(s, case), issuer_for(s, case.window_id)
    seal = SealImpression(issuer.department_name, "行政审批服务专用章", "3309990018201")
    doc = DocumentData(DocKind.CERTIFICATE_ORIGINAL, content.number, date(2026, 11, 20), issuer, facts, seal,
                       certificate=content)
    assert render(doc)[:5] == b"%PDF-"
    long_scope = "；".join(["预包装食品销售（含冷藏冷冻食品）", "散装食品销售（含散装熟食）", "热食类食品制售"] * 12)
    rows = tuple((k, long_scope if k == "经营项目" else v) for k, v in content.rows)
    with pytest.raises(ValidationError) as err:
        render(replace(doc, certificate=replace(content, rows=rows)))
    assert err.value.field == "certificate.rows"
    with pytest.raises(MissingGlyph) as missing:
        render(replace(doc, certificate=replace(content, holder="王\ue000")))  # private use: no glyph is right
    assert missing.value.field == "经营者名称"
    with pytest.raises(ValidationError):
        render(replace(doc, number="JY23309990000029"))  # the document's number is the certificate's
