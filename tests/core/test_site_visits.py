"""Site visits (现场踏勘/核查, 行政许可法 art. 34 (3)): schedule, the sealed notice, the result with photos.

Dates worked by hand on the 2026 calendar: a 食品经营许可 case accepted Friday 2026-11-20 has its promised
deadline five working days on (Nov 23–27 → Fri 11-27) and its legal one ten (… Nov 30 – Dec 4 → Fri 12-04);
a visit on Wednesday 11-25 counts within them and moves neither.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import at_local
from signoff_kit import ADMIN, APPROVE, CHIEF, accepted, audit_actions, case_row, pdf_text, start, who
from sqlalchemy import select
from visit_kit import CHECKS, FOOD, NO_VISIT, photo, visit_on

from app.cases.attachments import read_attachment
from app.cases.site_visits import VisitResultInput, case_site_visits, record_visit_result, schedule_site_visit
from app.cases.special_procedures import start_suspension
from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Document, OutboxOp, SiteVisit

VISIT_DAY = date(2026, 11, 25)


def _scheduled(ctx: AppContext) -> tuple[str, str]:
    start(ctx)  # Friday 2026-11-20 10:00
    case_id = accepted(ctx, FOOD)
    visit = schedule_site_visit(ctx, who(ctx, "wangyan"), case_id, visit_on(VISIT_DAY))
    return case_id, visit.id


def test_scheduling_prints_a_sealed_one_page_notice_and_moves_no_deadline(ctx: AppContext, tmp_path: Path) -> None:
    start(ctx)
    case_id = accepted(ctx, FOOD)
    before = case_row(ctx, case_id)
    assert (before.promised_deadline, before.legal_deadline) == (date(2026, 11, 27), date(2026, 12, 4))
    visit = schedule_site_visit(ctx, who(ctx, "wangyan"), case_id, visit_on(VISIT_DAY))
    after = case_row(ctx, case_id)
    assert (after.promised_deadline, after.legal_deadline, after.state) == (date(2026, 11, 27), date(2026, 12, 4),
                                                                           "accepted")
    assert visit.place == "云岫市桂花巷 12 号" and visit.inspectors == ("李建国", "赵敏") and visit.result is None
    with ctx.read() as s:
        doc = s.get(Document, visit.notice_document_id)
        assert doc is not None and (doc.kind, doc.case_id, doc.sealed) == ("site_visit_notice", case_id, True)
        path = ctx.data.root / doc.path
        number = doc.number
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M)
    text = pdf_text(path)
    assert "现场核查通知书" in text and number in text and before.case_no in text
    assert "2026年11月25日" in text and "李建国、赵敏" in text and "云岫市桂花巷12号" in text
    assert all(line in text for line in CHECKS.split("\n"))
    assert "《中华人民共和国行政许可法》第三十四条第三款" in text  # the basis of the visit
    assert "现场核查所需时间计入法定办理期限（至2026年12月4日）" in text
    assert "出示执法证件" in text and "申请人（代理人）签收：" in text and "行政审批服务专用章" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), str(tmp_path / "visit")], check=True)
    assert (tmp_path / "visit.png").stat().st_size > 10_000
    assert audit_actions(ctx)[-1] == "site_visit_schedule"
    with ctx.read() as s:
        op = s.execute(select(OutboxOp).where(OutboxOp.entity == "site_visit")).scalar_one()
        assert (op.entity_id, op.op) == (visit.id, "schedule")


@pytest.mark.parametrize(("data", "field"), [
    (visit_on(VISIT_DAY, "李建国"), "inspectors"),
    (visit_on(VISIT_DAY, "李建国", " 李建国 "), "inspectors"),  # the same person twice is one inspector
    (visit_on(date(2026, 12, 7)), "day"),  # Monday after the legal deadline (Fri 12-04)
    (visit_on(date(2026, 11, 19)), "day"),  # yesterday
])
def test_a_bad_schedule_is_refused_at_its_field_and_nothing_is_written(ctx: AppContext, data: object,
                                                                       field: str) -> None:
    start(ctx)
    case_id = accepted(ctx, FOOD)
    with pytest.raises(ValidationError) as err:
        schedule_site_visit(ctx, who(ctx, "wangyan"), case_id, data)  # type: ignore[arg-type]
    assert err.value.field == field
    with ctx.read() as s:
        assert s.execute(select(SiteVisit)).first() is None
        assert s.execute(select(Document).where(Document.kind == "site_visit_notice")).first() is None


def test_only_items_the_catalog_marks_and_only_staff_of_the_counter(ctx: AppContext) -> None:
    start(ctx)
    with pytest.raises(AppError) as err:
        schedule_site_visit(ctx, who(ctx, "wangyan"), accepted(ctx, NO_VISIT), visit_on(VISIT_DAY))
    assert err.value.code == "no_site_visit"
    with pytest.raises(PermissionDenied):
        schedule_site_visit(ctx, who(ctx, ADMIN), accepted(ctx, FOOD), visit_on(VISIT_DAY))


def test_a_site_visit_is_not_an_art45_suspension(ctx: AppContext) -> None:
    start(ctx)
    with pytest.raises((AppError, ValidationError)) as err:
        start_suspension(ctx, who(ctx, "wangyan"), accepted(ctx, FOOD), "site_visit", "现场核查", 3)
    assert "现场踏勘、现场核查的时间计入办理期限" in err.value.message


def test_no_decision_before_the_result_then_the_chief_decides(ctx: AppContext) -> None:
    case_id, visit_id = _scheduled(ctx)
    record_review(ctx, who(ctx, "wangyan"), case_id, APPROVE)
    with pytest.raises(AppError) as err:
        sign_off(ctx, who(ctx, CHIEF), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "site_visit_pending"
    assert case_row(ctx, case_id).state == "awaiting_signoff"
    clerk = who(ctx, "wangyan")
    with pytest.raises(ValidationError) as early:
        record_visit_result(ctx, clerk, visit_id, VisitResultInput("meets", photos=(("a.png", photo()),)))
    assert early.value.field == "result"  # the visit day has not come
    start(ctx, at_local(2026, 11, 25, 16))
    for bad, field in ((VisitResultInput("rectify", "冷库温度记录缺失", None, (("a.png", photo()),)), "rectify_due"),
                       (VisitResultInput("meets"), "photos"),
                       (VisitResultInput("meets", photos=(("a.pdf", b"%PDF-1.4 x"),)), "photos"),
                       (VisitResultInput("fails", photos=(("a.png", photo()),)), "note"),
                       (VisitResultInput("ok", photos=(("a.png", photo()),)), "result")):
        with pytest.raises(ValidationError) as refused:
            record_visit_result(ctx, clerk, visit_id, bad)
        assert refused.value.field == field
    shots = (("场所.png", photo()), ("冷库.png", photo((10, 10, 200))))
    info = record_visit_result(ctx, clerk, visit_id,
                               VisitResultInput("rectify", "冷库温度记录缺失", date(2026, 12, 1), shots))
    assert info.result_label == "限期整改" and info.rectify_due == date(2026, 12, 1) and len(info.photo_ids) == 2
    assert "限 2026-12-01 前整改" in info.summary and "照片 2 张" in info.summary
    for att_id, (_name, data) in zip(info.photo_ids, shots, strict=True):
        stored, back = read_attachment(ctx, clerk, att_id)
        assert back == data and stored.material == ""  # sealed on disk, checked against its digest
    with pytest.raises(AppError) as twice:
        record_visit_result(ctx, clerk, visit_id, VisitResultInput("meets", photos=(("a.png", photo()),)))
    assert twice.value.code == "already_recorded"
    assert case_site_visits(ctx, clerk, case_id)[0].result == "rectify"
    decided = sign_off(ctx, who(ctx, CHIEF), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert decided.state == "approved"
    assert case_row(ctx, case_id).legal_deadline == date(2026, 12, 4)  # the visit moved nothing
    actions = audit_actions(ctx)
    assert actions.index("site_visit_schedule") < actions.index("site_visit_result") < actions.index("sign_off")
    with ctx.read() as s:
        ops = [(o.entity, o.op) for o in s.execute(select(OutboxOp).order_by(OutboxOp.device_seq)).scalars()]
    assert ops.index(("site_visit", "schedule")) < ops.index(("site_visit", "result"))
