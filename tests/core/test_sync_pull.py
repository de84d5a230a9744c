"""Applying what the server sends down: cases of the window, seals, delegations, calendar, staff hashes."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from ow_testkit import clerk, complete, item_named
from sqlalchemy import select

from app.core.auth import hash_password, login
from app.core.context import AppContext
from app.core.errors import AppError
from app.intake.outcomes import accept_case
from app.reference import workdays
from app.sync import reference_data
from app.sync.protocol import Change
from app.sync.pull_apply import MissingReference, apply_page
from db.models import Case, CaseEvent, Delegation, Seal, Staff

SAMPLE_2027 = Path(__file__).resolve().parents[1] / "server" / "data" / "calendar_2027_sample.json"


def record(**over: object) -> dict[str, object]:
    """A case as the server's record has it (made at workstation 0007 of window A01)."""
    base: dict[str, object] = {
        "case_id": str(uuid.uuid4()), "case_no": "000720261120000003", "state": "accepted", "window_code": "W01",
        "department_code": "SJ", "item_code": "330999-SJ-XK-002", "item_name": "食品经营许可变更",
        "processing_type": "promised", "review_mode": "single", "applicant_kind": "person",
        "applicant_name": "赵一", "applicant_id_type": "resident_id", "applicant_id_number": "11010519491231002X",
        "received_at": "2026-11-20T01:00:00Z", "accepted_at": "2026-11-20T01:05:00Z", "clock_start": "2026-11-20",
        "promised_deadline": "2026-11-25", "legal_deadline": "2026-12-04", "clerk": "wangyan",
        "origin_device": "0007", "version": 1,
        "materials": [{"seq": 1, "name": "变更申请书", "status": "received", "defect": "", "form": "original"}]}
    base.update(over)
    return base


def _apply(ctx: AppContext, *changes: Change) -> object:
    with ctx.write() as s:
        return apply_page(s, list(changes), ctx.now())


def test_a_case_from_another_workstation_lands_complete(ctx: AppContext) -> None:
    rec = record()
    stats = _apply(ctx, Change(1, "case", rec["case_id"], rec))  # type: ignore[arg-type]
    assert stats.applied == 1  # type: ignore[attr-defined]
    with ctx.read() as s:
        case = s.get(Case, rec["case_id"])
        wangyan = s.execute(select(Staff.id).where(Staff.username == "wangyan")).scalar_one()
        assert case.case_no == "000720261120000003" and case.clerk_id == wangyan and case.item_id is not None
        assert str(case.promised_deadline) == "2026-11-25" and [m.name for m in case.materials] == ["变更申请书"]
        event = s.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalar_one()
        assert event.kind == "synced" and "0007" in event.reason
    later = record(case_id=rec["case_id"], state="under_review", reviewer="wangyan", version=2,
                   promised_deadline=None)
    _apply(ctx, Change(2, "case", rec["case_id"], later))
    with ctx.read() as s:
        case = s.get(Case, rec["case_id"])
        assert case.state == "under_review" and case.reviewer_id == wangyan
        assert str(case.promised_deadline) == "2026-11-25"  # "not told" never erases what is known


def test_a_case_with_ops_waiting_to_go_up_is_left_alone(ctx: AppContext) -> None:
    mine = accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可变更")))
    stale = record(case_id=mine.case_id, case_no=mine.case_no, state="withdrawn")
    stats = _apply(ctx, Change(1, "case", mine.case_id, stale))
    assert (stats.applied, stats.skipped) == (0, 1)  # type: ignore[attr-defined]
    with ctx.read() as s:
        assert s.get(Case, mine.case_id).state == "accepted"


def test_an_unknown_reference_stops_the_whole_page(ctx: AppContext) -> None:
    good, bad = record(), record(case_no="000720261120000004", clerk="nobody")
    with pytest.raises(MissingReference):
        _apply(ctx, Change(1, "case", good["case_id"], good), Change(2, "case", bad["case_id"], bad))
    with ctx.read() as s:
        assert s.get(Case, good["case_id"]) is None  # rolled back with the page: the cursor cannot pass it


def test_seal_status_and_delegations(ctx: AppContext) -> None:
    seal = {"code": "3309990018201", "window_code": "W01", "org_name": "云岫市市场监督管理局",
            "purpose": "行政审批服务专用章", "custodian": "zhoujianhua", "status": "sealed_away",
            "valid_from": "2024-01-01", "status_changed_at": "2026-11-21T08:00:00Z"}
    delegations = {"delegations": [{"item_code": "330999-SJ-XK-001", "chief": "zhoujianhua",
                                    "valid_from": "2024-01-01", "valid_to": "2027-12-31",
                                    "revoked_at": "2026-11-21T08:00:00Z"}]}
    _apply(ctx, Change(1, "seal", seal["code"], seal), Change(2, "delegations", "all", delegations))
    with ctx.read() as s:
        row = s.execute(select(Seal).where(Seal.code == "3309990018201")).scalar_one()
        assert row.status == "sealed_away" and str(row.status_changed_at) == "2026-11-21 08:00:00"
        (only,) = s.execute(select(Delegation)).scalars().all()
        assert only.item_code == "330999-SJ-XK-001" and only.revoked_at is not None
    with pytest.raises(AppError, match="印章"):  # the sealed-away seal cannot be used any more
        accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可变更")))


def test_a_server_calendar_replaces_its_years_and_keeps_the_rest(ctx: AppContext) -> None:
    doc = {"version": "server-2027-test", "official_through": 2027,
           "schedules": [json.loads(SAMPLE_2027.read_text(encoding="utf-8"))]}
    with ctx.write() as s:
        before = workdays.current_calendar(s)
        assert before.day(date(2027, 2, 11)).estimated and before.official_through == 2026
        assert reference_data.load_calendar(s, doc)
    with ctx.write() as s:
        cal = workdays.current_calendar(s)
        assert cal.version == "server-2027-test" and cal.official_through == 2027
        assert not cal.is_workday(date(2027, 2, 11)) and not cal.day(date(2027, 2, 11)).estimated
        assert cal.is_workday(date(2027, 1, 31))  # the worked Sunday
        assert cal.day(date(2028, 3, 1)).estimated and cal.day(date(2026, 10, 1)).name == "国庆节"
        assert not reference_data.load_calendar(s, doc)  # the same version again changes nothing


def test_a_password_reset_on_the_server_reaches_offline_sign_in(ctx: AppContext) -> None:
    doc = reference_data.read_json(Path(__file__).resolve().parents[2] / "resources" / "demo" / "hall.json")
    for person in doc["staff"]:
        if person["username"] == "zhangmin":
            person["password_hash"] = hash_password("brand-new-2027")
    with ctx.write() as s:
        reference_data.load_hall(s, doc, lambda _u: "")
    assert login(ctx, "zhangmin", "brand-new-2027").username == "zhangmin"
    with pytest.raises(AppError):
        login(ctx, "zhangmin", "demo2026")


def test_a_seal_changed_here_and_not_yet_pushed_keeps_its_local_status(ctx: AppContext) -> None:
    from app.core import outbox

    with ctx.write() as s:
        seal = s.execute(select(Seal).where(Seal.code == "3309990018201")).scalar_one()
        seal.status = "lost"  # declared lost at the window a moment ago
        outbox.enqueue(s, "seal", seal.code, "status", {"from": "active", "to": "lost"}, ctx.now())
    stale = {"code": "3309990018201", "window_code": "W01", "org_name": "云岫市市场监督管理局",
             "custodian": "zhoujianhua", "status": "active", "valid_from": "2024-01-01", "status_changed_at": None}
    stats = _apply(ctx, Change(1, "seal", stale["code"], stale))
    assert stats.skipped == 1  # type: ignore[attr-defined]
    with ctx.read() as s:
        assert s.execute(select(Seal.status).where(Seal.code == "3309990018201")).scalar_one() == "lost"
