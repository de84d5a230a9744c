"""一件事 intake at the comprehensive window: one bundle, one sub-case per item, one transaction with its
audit entry and outbox ops; one receipt and one sealed 受理通知书 listing every part; one combined
一次性告知书; per-item refusal with the rest going on."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from bundle_kit import FIRE, FOOD, FOOD_LICENCE, REGISTRATION, SIGN, application, pdf_text
from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import func, select

from app.bundles.bundle_intake import PaperInput, PartRefusal, accept_bundle, notify_bundle
from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from app.documents.data import Refusal
from db.models import AuditEntry, Bundle, Case, Document, OutboxOp, SealUse, Window

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
REFUSAL = Refusal("招牌拟设置位置属于禁止设置区域", "《云岫市户外广告设施和招牌设置管理办法》第八条",
                  reconsideration_body="云岫市人民政府", court="云岫市人民法院")


def _count(ctx: AppContext, model: type) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_accepting_makes_one_bundle_and_a_case_per_item(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))  # a Friday
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    assert result.bundle_no == "YJ000120261120000001" and result.state == "open"
    assert [p.case_no for p in result.parts] == [f"00012026112000000{n}" for n in range(1, 5)]
    with ctx.read() as s:
        cases = {c.item_code: c for c in s.execute(select(Case).where(Case.bundle_id == result.bundle_id)).scalars()}
        windows = {w.id: w.number for w in s.execute(select(Window)).scalars()}
        ops = [(o.entity, o.op) for o in s.execute(select(OutboxOp).order_by(OutboxOp.device_seq)).scalars()]
        audit = s.execute(select(AuditEntry).where(AuditEntry.action == "bundle_intake")).scalar_one()
        shared = [m for m in cases[FIRE].materials if m.name == "营业执照"]
    assert {windows[c.window_id] for c in cases.values()} == {"A02", "D01", "B02"}
    assert windows[cases[FIRE].window_id] == "D01" and windows[cases[SIGN].window_id] == "B02"
    assert all(c.state == "accepted" for c in cases.values())
    # The 前置 runs from today (immediate: legal 3 working days → Wed 25 Nov); the others wait for it.
    reg = cases[REGISTRATION]
    assert reg.clock_start == date(2026, 11, 20) and reg.legal_deadline == date(2026, 11, 25)
    for code in (FOOD_LICENCE, FIRE, SIGN):
        assert cases[code].clock_start is None and cases[code].legal_deadline is None
        assert json.loads(cases[code].bundle_after) == [reg.id]
    # The licence the 前置 produces is not asked of the applicant: shared inside the hall.
    assert shared[0].status == "received" and "个体工商户设立登记" in shared[0].defect
    assert ops[0] == ("bundle", "receive") and ops[1:] == [("case", "accept")] * 4
    assert json.loads(audit.detail_json)["parts"] == [p.case_no for p in result.parts]


def test_one_receipt_and_one_sealed_notice_list_every_part(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    with ctx.read() as s:
        docs = {d.kind: d for d in s.execute(select(Document).where(Document.id.in_(result.document_ids))).scalars()}
        uses = s.execute(select(SealUse)).scalars().all()
    assert set(docs) == {"receipt", "acceptance_notice"} and len(result.document_ids) == 2
    assert docs["acceptance_notice"].sealed and not docs["receipt"].sealed and len(uses) == 1
    notice = pdf_text(ctx.data.root / docs["acceptance_notice"].path)
    receipt = pdf_text(ctx.data.root / docs["receipt"].path)
    for needle in ("开办餐饮店", result.bundle_no, "个体工商户设立登记", "食品经营许可",
                   "公众聚集场所投入使用、营业前消防安全检查", "户外招牌设置审批", "云岫市市场监督管理局",
                   "云岫市消防救援大队", "云岫市住房和城乡建设局", *(p.case_no for p in result.parts),
                   "2026年11月25日",  # the 前置's legal day
                   "2026年11月27日",  # 食品经营许可: promised 5 days from the registration's promised day (20 Nov)
                   "2026年12月9日",  # and legal 10 days from the registration's legal day (25 Nov)
                   "2026年12月23日"):  # 户外招牌: legal 20 days from 25 Nov
        assert needle in notice, needle
    for part in result.parts:
        assert part.case_no in receipt and part.item_name[:6] in receipt
    # One list of papers: the ID card is on it once although two items ask for it.
    assert notice.count("经营者身份证件") == 1 and "法定代表人（负责人）身份证件" not in notice


def test_missing_papers_make_one_combined_notice_for_every_part(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    data = application(ctx, change={
        "经营者身份证件": PaperInput("经营者身份证件", "missing"),
        "招牌设计效果图及尺寸、材质说明": PaperInput("招牌设计效果图及尺寸、材质说明", "defective",
                                                     defect="缺少尺寸标注")})
    with pytest.raises(AppError) as err:
        accept_bundle(ctx, clerk(ctx), data)
    assert err.value.code == "incomplete" and _count(ctx, Bundle) == 0 and _count(ctx, Case) == 0
    result = notify_bundle(ctx, clerk(ctx), data, due_days=5)
    assert result.state == "notified" and {p.state for p in result.parts} == {"notified"}
    with ctx.read() as s:
        docs = s.execute(select(Document).where(Document.id.in_(result.document_ids))).scalars().all()
    assert [d.kind for d in docs] == ["correction_notice"] and docs[0].sealed
    text = pdf_text(ctx.data.root / docs[0].path)
    assert text.count("经营者身份证件") == 1 and "缺少尺寸标注" in text and result.bundle_no in text


def test_a_refused_item_gets_its_own_notice_and_the_rest_goes_on(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx, refused=(PartRefusal(SIGN, REFUSAL),)))
    states = {p.item_code: p.state for p in result.parts}
    assert states == {REGISTRATION: "accepted", FOOD_LICENCE: "accepted", FIRE: "accepted", SIGN: "refused"}
    with ctx.read() as s:
        kinds = sorted(d.kind for d in s.execute(select(Document).where(Document.id.in_(result.document_ids))
                                                 ).scalars())
        notice = s.execute(select(Document).where(Document.id.in_(result.document_ids),
                                                  Document.kind == "acceptance_notice")).scalar_one()
        reports = s.execute(select(OutboxOp.op).where(OutboxOp.entity == "supervision")).scalars().all()
    assert kinds == ["acceptance_notice", "receipt", "refusal_notice"] and reports == ["refusal_report"]
    assert "户外招牌设置审批" in (text := pdf_text(ctx.data.root / notice.path)) and "不予受理" in text


def test_refusing_the_first_item_alone_is_refused_at_its_field(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    with pytest.raises(ValidationError) as err:
        accept_bundle(ctx, clerk(ctx), application(ctx, refused=(PartRefusal(REGISTRATION, REFUSAL),)))
    assert err.value.field == f"refused.{FOOD_LICENCE}"
    assert _count(ctx, Case) == 0 and _count(ctx, OutboxOp) == 0


def test_only_the_comprehensive_window_takes_a_bundle(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    with pytest.raises(AppError) as err:
        accept_bundle(ctx, clerk(ctx, "lina"), application(ctx))  # a clerk of A02
    assert err.value.code == "not_comprehensive" and _count(ctx, Bundle) == 0


@pytest.mark.parametrize(("field", "change"), [
    ("fields.premises", lambda d: d.__class__(d.theme_code, d.applicant, d.papers,
                                              tuple((k, "" if k == "premises" else v) for k, v in d.fields))),
    ("papers.经营者身份证件", lambda d: d.__class__(d.theme_code, d.applicant, tuple(
        p for p in d.papers if p.key != "经营者身份证件"), d.fields)),
])
def test_bad_input_names_its_field_and_keeps_nothing(ctx: AppContext, field: str, change) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    with pytest.raises(ValidationError) as err:
        accept_bundle(ctx, clerk(ctx), change(application(ctx)))
    assert err.value.field == field and _count(ctx, Case) == 0 and _count(ctx, Bundle) == 0


def test_the_bundle_number_is_kept_on_the_bundle(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    with ctx.read() as s:
        bundle = s.get(Bundle, result.bundle_id)
    assert bundle.bundle_no == result.bundle_no and bundle.theme_code == FOOD
    assert json.loads(bundle.fields_json)["trade_name"] == "云岫市䶮记小吃店"
