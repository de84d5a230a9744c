"""Consultations under 首问负责制: a record in one transaction, a one-page 一次性告知单, referral, intake, figures.

The printed sheet is checked against the demo catalog file itself (resources/demo/items.json: every material
of each item asked about, by name) and against the demo hall's windows and staff (hall.json), not against
what the code under test computes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import at_local, complete, item_named, person
from signoff_kit import ADMIN, pdf_text, start, who
from sqlalchemy import func, select

from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.figures.consultations import consultation_figures
from app.figures.report import window_figures
from app.intake.consultations import (
    ConsultationInput,
    intake_start,
    recent_consultations,
    record_consultation,
)
from app.intake.input_checks import IntakeInput
from app.intake.outcomes import accept_case
from db.models import AuditEntry, Consultation, Document, OutboxOp

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
CATALOG = {i["name"]: i for i in json.loads((DEMO / "items.json").read_text(encoding="utf-8"))["items"]}
FOOD, HYGIENE = "食品经营许可", "公共场所卫生许可"  # A01's own item; B01 卫生健康窗口's item
TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdfinfo", "pdftoppm"))


def _ask(ctx: AppContext, *names: str, by: str = "wangyan", **kw: str) -> object:
    ids = tuple(item_named(ctx, n).id for n in names)
    return record_consultation(ctx, who(ctx, by), ConsultationInput(
        ids, kw.pop("answer", "需携带身份证原件，材料齐全可当场受理"), **kw))


def _count(ctx: AppContext, model: type) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.skipif(not TOOLS, reason="poppler-utils not installed")
def test_a_consultation_prints_a_one_page_notice_and_refers_to_the_other_window(ctx: AppContext,
                                                                               tmp_path: Path) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    result = _ask(ctx, FOOD, HYGIENE, person_name="王䶮", person_phone="13800001234",
                  question="开饭店要办什么")
    assert result.referrals == ("B01 卫生健康窗口",)
    with ctx.read() as s:
        doc = s.get(Document, result.document_id)
        record = s.get(Consultation, result.id)
        assert doc is not None and record is not None
        assert (doc.kind, doc.case_id, doc.sealed) == ("consultation_notice", None, False)
        assert record.notice_document_id == doc.id and record.person_name == "王䶮"
        path = ctx.data.root / doc.path
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M)
    text = pdf_text(path)
    # The material-name column alone (16 mm margin + 10 mm 序号, 76 mm wide), so wrapped names read whole.
    column = subprocess.run(["pdftotext", "-enc", "UTF-8", "-r", "72", "-x", "74", "-y", "0", "-W", "214", "-H", "842",
                             str(path), "-"], capture_output=True, text=True, check=True).stdout
    column = "".join(column.split())
    for name in (FOOD, HYGIENE):
        assert name in text and CATALOG[name]["code"] in text
        for material in CATALOG[name]["materials"]:
            assert "".join(material["name"].split()) in column, material["name"]
    assert "一次性告知单" in text and "王䶮：" in text
    assert "办理窗口：A01市场监管综合窗口（本窗口）" in text
    assert "办理窗口：B01卫生健康窗口（本事项不在本窗口办理，请到该窗口办理" in text
    assert "首问责任人：王䶮" in text and "0589-87096112" in text  # wangyan's own phone (hall.json)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(path), str(tmp_path / "notice")], check=True)
    assert (tmp_path / "notice.png").stat().st_size > 10_000


def test_the_record_is_audited_and_queued_for_the_server(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    result = _ask(ctx, HYGIENE)
    with ctx.read() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "consultation")).scalar_one()
        op = s.execute(select(OutboxOp).where(OutboxOp.entity == "consultation")).scalar_one()
    assert result.id in entry.detail_json and '"referral": "W03"' in entry.detail_json
    payload = json.loads(op.payload_json)
    assert (op.entity_id, op.op, payload["actor"], payload["window_code"]) == (result.id, "record", "wangyan", "W01")
    assert payload["items"] == [{"item_code": CATALOG[HYGIENE]["code"], "item_name": HYGIENE, "window_code": "W03"}]
    assert payload["referral_window_code"] == "W03"


@pytest.mark.parametrize(("names", "kw", "field"), [
    ((), {}, "items"),
    ((FOOD,), {"answer": "  "}, "answer"),
    ((FOOD,), {"person_phone": "12ab"}, "person_phone"),
    ((FOOD, HYGIENE, "食品经营许可变更", "食品经营许可注销"), {}, "items"),  # more than three
])
def test_bad_input_is_named_at_its_field_and_nothing_is_kept(ctx: AppContext, names: tuple[str, ...],
                                                             kw: dict[str, str], field: str) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    with pytest.raises(ValidationError) as err:
        _ask(ctx, *names, **kw)
    assert err.value.field == field and err.value.message
    assert (_count(ctx, Consultation), _count(ctx, Document), _count(ctx, OutboxOp)) == (0, 0, 0)


def test_three_items_with_the_longest_lists_still_fit_one_page(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    longest = sorted(CATALOG, key=lambda n: -len(CATALOG[n]["materials"]))[:3]
    result = _ask(ctx, *longest)
    with ctx.read() as s:
        doc = s.get(Document, result.document_id)
        assert doc is not None
        path = ctx.data.root / doc.path
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", out, re.M)


def test_the_hall_administrator_does_not_record_consultations(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    with pytest.raises(PermissionDenied):
        _ask(ctx, FOOD, by=ADMIN)


def test_a_consultation_becomes_an_intake_without_retyping(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    asked = _ask(ctx, HYGIENE, FOOD, person_name="李娜", person_phone="13900002222")
    clerk = who(ctx, "wangyan")
    begun = intake_start(ctx, clerk, asked.id)
    food = item_named(ctx, FOOD)
    assert (begun.item_id, begun.person_name, begun.person_phone) == (food.id, "李娜", "13900002222")
    base = complete(food, person(begun.person_name, phone=begun.person_phone))
    case = accept_case(ctx, clerk, IntakeInput(base.item_id, base.applicant, base.materials,
                                               consultation_id=begun.consultation_id))
    with ctx.read() as s:
        assert s.get(Consultation, asked.id).case_id == case.case_id  # type: ignore[union-attr]
        link = s.execute(select(OutboxOp).where(OutboxOp.entity == "consultation", OutboxOp.op == "link")
                         ).scalar_one()
    assert json.loads(link.payload_json)["case_no"] == case.case_no
    with pytest.raises(AppError) as err:
        intake_start(ctx, clerk, asked.id)
    assert err.value.code == "already_applied"
    # Linking twice is refused inside the intake, which then keeps nothing.
    with pytest.raises(ValidationError) as bad:
        accept_case(ctx, clerk, IntakeInput(base.item_id, base.applicant, base.materials,
                                            consultation_id=asked.id))
    assert bad.value.field == "consultation"


def test_an_item_of_another_window_is_not_taken_in_here(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    asked = _ask(ctx, HYGIENE)
    with pytest.raises(AppError) as err:
        intake_start(ctx, who(ctx, "wangyan"), asked.id)
    assert err.value.code == "not_here"


def test_figures_count_consultations_per_window_and_item(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    _ask(ctx, FOOD, HYGIENE)
    _ask(ctx, FOOD, by="zhangmin")
    start(ctx, at_local(2026, 12, 11, 10))
    _ask(ctx, HYGIENE)
    clerk = who(ctx, "wangyan")
    fig = consultation_figures(ctx, clerk, date(2026, 12, 10), date(2026, 12, 11), clerk.window_id)
    assert (fig.total, fig.referred, fig.applied) == (3, 2, 0)
    assert [(w.key, w.consultations) for w in fig.per_window] == [("A01", 3)]
    assert {(i.name, i.consultations) for i in fig.per_item} == {(FOOD, 2), (HYGIENE, 2)}
    lines = recent_consultations(ctx, clerk)  # the window's list, newest first
    assert [line.items for line in lines] == [HYGIENE, FOOD, f"{FOOD}、{HYGIENE}"]
    assert lines[0].referral == "B01 卫生健康窗口" and lines[1].referral == "" and lines[1].staff == "张敏"
    one_day = consultation_figures(ctx, clerk, date(2026, 12, 11), date(2026, 12, 11), clerk.window_id)
    assert one_day.total == 1 and [(i.name, i.referred) for i in one_day.per_item] == [(HYGIENE, 1)]


def test_the_window_figures_carry_the_consultations(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 10, 10))
    _ask(ctx, FOOD)
    clerk = who(ctx, "wangyan")
    fig = window_figures(ctx, clerk, date(2026, 12, 1), date(2026, 12, 31), "month", clerk.window_id)
    assert fig.consultations is not None and fig.consultations.total == 1
    assert [(i.key, i.consultations) for i in fig.consultations.per_item] == [(CATALOG[FOOD]["code"], 1)]
