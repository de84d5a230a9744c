"""Intake through the core: each outcome is one transaction with its event, outbox entry and documents."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import ORG_USCC, at_local, clerk, complete, item_named, person, set_clock, with_status
from sqlalchemy import func, select, text

from app.core.auth import login
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.documents.data import Refusal
from app.intake.input_checks import ApplicantInput
from app.intake.outcomes import accept_case, notify_case, refuse_case
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, Case, CaseEvent, Document, OutboxOp, SealUse


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def _count(ctx: AppContext, model: type) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _docs(ctx: AppContext, case_id: str) -> list[Document]:
    with ctx.read() as s:
        return list(s.execute(select(Document).where(Document.case_id == case_id).order_by(Document.number)).scalars())


pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def test_accept_writes_case_event_outbox_and_sealed_documents(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))  # a Friday
    actor = clerk(ctx)
    item = item_named(ctx, "食品经营许可")
    result = accept_case(ctx, actor, complete(item))
    assert result.state == "accepted"
    # device 0001 + date 20261120 + epoch 0 + counter 00001: 18 digits for Code128 set C
    assert result.case_no == "000120261120000001"
    with ctx.read() as s:
        case = s.get(Case, result.case_id)
        assert case.clock_start == date(2026, 11, 20) and case.accepted_at is not None
        events = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).scalars().all()
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity_id == case.id)).scalars().all()
        uses = s.execute(select(SealUse).where(SealUse.case_id == case.id)).scalars().all()
    assert events == ["accepted"] and ops == ["accept"]
    # promised 5 working days after Fri 2026-11-20 (not counted): 23,24,25,26,27 → Fri 2026-11-27
    assert result.promised_deadline == date(2026, 11, 27) and not result.provisional
    docs = _docs(ctx, result.case_id)
    kinds = {d.kind: d for d in docs}
    assert set(kinds) == {"receipt", "acceptance_notice"}
    assert not kinds["receipt"].sealed and kinds["acceptance_notice"].sealed and kinds["acceptance_notice"].signed
    assert [u.document_kind for u in uses] == ["acceptance_notice"]
    notice = ctx.data.root / kinds["acceptance_notice"].path
    body = _pdf_text(notice)
    for needle in (result.case_no, "王䶮", "11010519491231002X", item.name, item.code, "2026年11月27日"):
        assert needle in body, needle
    sig = subprocess.run(["pdfsig", str(notice)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in sig


def test_case_numbers_count_up_within_the_day(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    numbers = [accept_case(ctx, actor, complete(item)).case_no for _ in range(3)]
    assert numbers == ["000120261120000001", "000120261120000002", "000120261120000003"]


def test_notice_lists_every_missing_and_defective_material(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    over = with_status(item, 2, "missing") | with_status(item, 3, "defective", "复印件模糊，须提交清晰复印件")
    result = notify_case(ctx, actor, complete(item, overrides=over))
    assert result.state == "notified"
    (doc,) = _docs(ctx, result.case_id)
    assert doc.kind == "correction_notice" and doc.sealed
    body = _pdf_text(ctx.data.root / doc.path)
    m2 = next(m for m in item.materials if m.seq == 2).name
    m3 = next(m for m in item.materials if m.seq == 3).name
    for needle in (re.sub(r"\s", "", m2), re.sub(r"\s", "", m3), "复印件模糊，须提交清晰复印件", "一次性告知", "王䶮"):
        assert needle in body, needle


def test_accept_refuses_incomplete_materials_and_keeps_nothing(ctx: AppContext) -> None:
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    before = (_count(ctx, Case), _count(ctx, OutboxOp), _count(ctx, Document))
    with pytest.raises(AppError, match="一次性告知书"):
        accept_case(ctx, actor, complete(item, overrides=with_status(item, 2, "missing")))
    assert (_count(ctx, Case), _count(ctx, OutboxOp), _count(ctx, Document)) == before


def test_bad_id_number_points_at_the_field_and_changes_nothing(ctx: AppContext) -> None:
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    before = _count(ctx, Case)
    with pytest.raises(ValidationError) as err:
        accept_case(ctx, actor, complete(item, person(id_number="110105194912310021")))
    assert err.value.field == "applicant.id_number" and "校验" in err.value.message
    assert _count(ctx, Case) == before
    with ctx.read() as s:
        assert s.execute(text("SELECT count(*) FROM case_counter")).scalar_one() == 0, "no number consumed"


def test_organisation_applicant_with_agent(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    org = ApplicantInput("org", "云岫市𠮷祥餐饮管理有限公司", "uscc", " 9135 0100 m000 100y43 ", "0589-87001234",
                         "云岫市滨江路 1 号", legal_rep="陈㛃", agent_name="李娜", agent_id_type="resident_id",
                         agent_id_number=PERSON_ID_2)
    result = accept_case(ctx, actor, complete(item, org))
    with ctx.read() as s:
        case = s.get(Case, result.case_id)
        assert case.applicant_id_number == ORG_USCC and case.applicant_id_type == "uscc"
        # the item's own 授权委托书 row is the agent's paper: listed once, not a second time
        assert [m.name for m in case.materials if m.name.startswith("授权委托书")] == ["授权委托书及委托代理人身份证件"]
    alone = accept_case(ctx, actor, complete(item))  # no agent: no power of attorney asked or certified
    with ctx.read() as s:
        case = s.get(Case, alone.case_id)
        assert not [m.name for m in case.materials if m.name.startswith("授权委托书")]
    body = _pdf_text(ctx.data.root / next(d for d in _docs(ctx, result.case_id) if d.kind == "acceptance_notice").path)
    assert "云岫市𠮷祥餐饮管理有限公司" in body and ORG_USCC in body


# A second hand-checked resident ID: 11010119900307 + seq 803 → Σ = 1*7+1*9+0*10+1*5+0*8+1*4+1*2+9*1+9*6+0*3
# +0*7+3*9+0*10+7*5+8*8+0*4+3*2 = 7+9+5+4+2+9+54+27+35+64+6 = 222; 222 mod 11 = 2; (12-2) mod 11 = 10 → X
PERSON_ID_2 = "11010119900307803X"


def test_refusal_needs_reasons_and_rights(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    with pytest.raises(ValidationError) as err:
        refuse_case(ctx, actor, complete(item), Refusal("", "行政许可法第三十二条", "", "云岫市人民政府", "云岫市人民法院"))
    assert err.value.field == "refusal.reasons"
    with pytest.raises(ValidationError) as err:
        refuse_case(ctx, actor, complete(item), Refusal("不属于本部门职权", "行政许可法第三十二条", "", "", ""))
    assert err.value.field == "refusal.rights"
    with pytest.raises(ValidationError) as err:  # the court alone missing: the message stands at the court
        refuse_case(ctx, actor, complete(item), Refusal("不属于本部门职权", "行政许可法第三十二条", "", "云岫市人民政府", ""))
    assert err.value.field == "refusal.court"
    result = refuse_case(ctx, actor, complete(item), Refusal(
        "申请事项依法不需要取得行政许可", "《中华人民共和国行政许可法》第三十二条第一款第（一）项", "",
        "云岫市人民政府", "云岫市人民法院"))
    assert result.state == "refused"
    with ctx.read() as s:
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity_id == result.case_id)
                        .order_by(OutboxOp.device_seq)).scalars().all()
    assert ops == ["refuse", "refusal_report"]
    body = _pdf_text(ctx.data.root / _docs(ctx, result.case_id)[0].path)
    for needle in ("申请事项依法不需要取得行政许可", "六十日", "六个月", "云岫市人民政府", "云岫市人民法院"):
        assert needle in body, needle


def test_deferred_material_only_where_the_item_allows_it(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    deferrable = next(m for m in item.materials if m.may_defer)
    strict = next(m for m in item.materials if not m.may_defer)
    with pytest.raises(ValidationError, match="不允许容缺"):
        accept_case(ctx, actor, complete(item, overrides=with_status(item, strict.seq, "deferred",
                                                                     deferred_due=date(2026, 12, 4))))
    with pytest.raises(ValidationError, match="承诺补交日期"):
        accept_case(ctx, actor, complete(item, overrides=with_status(item, deferrable.seq, "deferred")))
    result = accept_case(ctx, actor, complete(item, overrides=with_status(item, deferrable.seq, "deferred",
                                                                          deferred_due=date(2026, 12, 4))))
    assert result.state == "accepted"


def test_unprintable_name_is_refused_at_the_field(ctx: AppContext) -> None:
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    with pytest.raises(ValidationError) as err:
        accept_case(ctx, actor, complete(item, person(name="王\U000f0001")))
    assert err.value.field == "applicant.name" and "U+F0001" in err.value.message


def test_administrator_cannot_accept(ctx: AppContext) -> None:
    admin = login(ctx, "chensiyuan", DEMO_PASSWORD)
    with pytest.raises(PermissionDenied):
        accept_case(ctx, admin, complete(item_named(ctx, "食品经营许可")))


def test_sealed_away_seal_stops_the_notice_and_nothing_is_kept(ctx: AppContext) -> None:
    actor, item = clerk(ctx), item_named(ctx, "食品经营许可")
    with ctx.write() as s:
        s.execute(text("UPDATE seal SET status='sealed_away' WHERE window_id=:w"), {"w": actor.window_id})
    before = (_count(ctx, Case), _count(ctx, Document), _count(ctx, AuditEntry))
    with pytest.raises(AppError, match="已封存"):
        accept_case(ctx, actor, complete(item))
    assert (_count(ctx, Case), _count(ctx, Document), _count(ctx, AuditEntry)) == before


def test_immediate_item_is_accepted_and_due_the_same_day(ctx: AppContext) -> None:
    """即办件 (promised 0 working days): due on the day of acceptance; the notice says 当场办结."""
    set_clock(ctx, at_local(2026, 11, 20))
    item = item_named(ctx, "个体工商户设立登记")
    assert item.processing_type == "immediate" and item.promised_days == 0
    result = accept_case(ctx, clerk(ctx), complete(item))
    assert result.promised_deadline == date(2026, 11, 20)
    # legal 3 working days after Fri 2026-11-20: 11-23, 11-24, 11-25
    assert result.legal_deadline == date(2026, 11, 25)
    notice = next(d for d in _docs(ctx, result.case_id) if d.kind == "acceptance_notice")
    assert "当场办结" in _pdf_text(ctx.data.root / notice.path)
