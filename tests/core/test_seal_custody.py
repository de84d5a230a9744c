"""Seal custody: standing authorisations, revoke / seal away / lost, and the usage register (search, print, export)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from signoff_kit import ADMIN, CHIEF, accepted, at_local, audit_actions, reviewed, start, who
from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied, ValidationError
from app.seal.custody import (
    declare_lost,
    grant_authorisation,
    list_authorisations,
    list_seals,
    revoke_seal,
    seal_away,
    withdraw_authorisation,
)
from app.seal.seals import seal_by_code
from app.seal.usage_register import RegisterQuery, SealUseRow, export_register, register_pdf, search_seal_uses
from app.seal.usage_register_pdf import RegisterPrint, render_register
from app.signoff.decisions import DecisionInput
from app.signoff.review import sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, OutboxOp, Staff

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
A01 = "3309990018201"


def _seal(ctx: AppContext) -> int:
    with ctx.read() as s:
        info = seal_by_code(s, A01)
        assert info is not None
        return info.id


def _staff(ctx: AppContext, username: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def _auth_of(ctx: AppContext, username: str) -> int:
    rows = list_authorisations(ctx, who(ctx, CHIEF), _seal(ctx))
    return next(r.id for r in rows if r.staff_id == _staff(ctx, username) and r.withdrawn_at is None)


def test_custodian_withdraws_and_grants_the_standing_authorisation(ctx: AppContext) -> None:
    start(ctx)
    chief = who(ctx, CHIEF)
    withdraw_authorisation(ctx, chief, _auth_of(ctx, "liuting"), "调离窗口")
    with pytest.raises(PermissionDenied, match="常规用印授权"):
        accepted(ctx, by="liuting")  # the acceptance notice cannot be sealed
    # A period that ended before today does not count either.
    grant_authorisation(ctx, chief, _seal(ctx), _staff(ctx, "liuting"), date(2026, 11, 1), date(2026, 11, 10))
    with pytest.raises(PermissionDenied):
        accepted(ctx, by="liuting")
    row = grant_authorisation(ctx, chief, _seal(ctx), _staff(ctx, "liuting"), date(2026, 11, 20), date(2026, 12, 31))
    assert row.in_force and row.granted_by_name == "周建华"
    assert accepted(ctx, by="liuting")
    with pytest.raises(AppError, match="已有有效的常规用印授权"):
        grant_authorisation(ctx, chief, _seal(ctx), _staff(ctx, "liuting"), date(2026, 12, 1))
    actions = audit_actions(ctx)
    assert actions.count("seal_auth_withdraw") == 1 and actions.count("seal_auth_grant") == 2
    with ctx.read() as s:
        ops = s.execute(select(OutboxOp.op).where(OutboxOp.entity == "seal_authorization")).scalars().all()
    assert ops == ["withdraw", "grant", "grant"]


def test_only_the_custodian_grants_and_only_to_clerks_of_the_window(ctx: AppContext) -> None:
    start(ctx)
    with pytest.raises(PermissionDenied, match="保管人"):
        grant_authorisation(ctx, who(ctx, "sunlijuan"), _seal(ctx), _staff(ctx, "liuting"), date(2026, 11, 20))
    chief = who(ctx, CHIEF)
    for other in ("lina", "sunlijuan"):  # a clerk of window A02; a chief
        with pytest.raises(ValidationError, match="本窗口"):
            grant_authorisation(ctx, chief, _seal(ctx), _staff(ctx, other), date(2026, 11, 20))
    with pytest.raises(ValidationError):
        grant_authorisation(ctx, chief, _seal(ctx), _staff(ctx, "liuting"), date(2026, 11, 20), date(2026, 11, 19))
    with pytest.raises(ValidationError):
        withdraw_authorisation(ctx, chief, _auth_of(ctx, "liuting"), "  ")


def test_revoked_seal_is_refused_with_a_clear_message_and_then_sealed_away(ctx: AppContext) -> None:
    start(ctx)
    case_id = reviewed(ctx)
    admin = who(ctx, ADMIN)
    revoked = revoke_seal(ctx, admin, _seal(ctx), "机构调整，印章更换")
    assert revoked.status == "revoked" and revoked.status_label == "已撤销"
    with pytest.raises(AppError) as err:
        sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("approve", "同意"), custodian_password=DEMO_PASSWORD)
    assert err.value.code == "seal_inactive" and "本窗口印章已撤销，不能用印" in err.value.message
    with pytest.raises(AppError, match="已撤销"):
        accepted(ctx)
    start(ctx, at_local(2026, 11, 23, 9, 0))
    sealed = seal_away(ctx, admin, _seal(ctx), "旧章封存", "yangfan", DEMO_PASSWORD)
    assert sealed.status == "sealed_away"
    with ctx.read() as s:
        info = seal_by_code(s, A01)
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "seal_sealed_away")).scalar_one()
    assert info is not None
    # The seal stopped being usable when it was revoked, not when it was sealed away three days later.
    assert info.status_changed_at == at_local(2026, 11, 20, 10, 0)
    assert info.active_at(at_local(2026, 11, 20, 9, 59)) and not info.active_at(at_local(2026, 11, 21, 10, 0))
    assert '"witness": "杨帆"' in entry.detail_json and entry.staff_id == _staff(ctx, ADMIN)
    with pytest.raises(AppError, match="已封存"):
        declare_lost(ctx, admin, _seal(ctx), "遗失")


def test_sealing_away_needs_a_second_person(ctx: AppContext) -> None:
    start(ctx)
    admin = who(ctx, ADMIN)
    with pytest.raises(AppError) as err:
        seal_away(ctx, admin, _seal(ctx), "旧章封存", "yangfan", "wrong-password")
    assert err.value.code == "bad_witness" and audit_actions(ctx)[-1] == "seal_witness_failed"
    with pytest.raises(AppError, match="见证人不能是本人"):
        seal_away(ctx, admin, _seal(ctx), "旧章封存", ADMIN, DEMO_PASSWORD)
    assert [s.status for s in list_seals(ctx, admin) if s.code == A01] == ["active"]


def test_lost_seal_is_void_at_once(ctx: AppContext) -> None:
    start(ctx)
    lost = declare_lost(ctx, who(ctx, ADMIN), _seal(ctx), "2026年11月20日上午发现遗失，已登报声明作废")
    assert lost.status == "lost" and lost.status_changed_at == datetime(2026, 11, 20, 10, 0)  # hall local time
    with pytest.raises(AppError, match="已声明作废（遗失）"):
        accepted(ctx)
    assert "seal_lost" in audit_actions(ctx)


def test_chief_sees_only_the_seals_they_keep(ctx: AppContext) -> None:
    start(ctx)
    assert {s.code for s in list_seals(ctx, who(ctx, CHIEF))} == {A01, "3309990018202"}
    assert len(list_seals(ctx, who(ctx, ADMIN))) == 8


def _pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "register.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def test_register_search_print_and_export(ctx: AppContext, tmp_path: Path) -> None:
    start(ctx)
    case_id = reviewed(ctx)  # 王䶮 asks for the acceptance notice under the standing authorisation
    chief = who(ctx, CHIEF)
    signed = sign_off(ctx, chief, case_id, DecisionInput("approve", "同意"), custodian_password=DEMO_PASSWORD)
    start(ctx, at_local(2026, 11, 23, 9, 0))
    accepted(ctx, by="zhangmin")
    everything = search_seal_uses(ctx, chief, RegisterQuery())
    assert [r.kind for r in everything] == ["acceptance_notice", "approval_decision", "acceptance_notice"]
    decision = everything[1]
    assert decision.mode == "保管人当场确认" and decision.authorised_by == "周建华" and len(decision.sha256) == 64
    assert decision.case_no == signed.case_no
    assert [r.id for r in search_seal_uses(ctx, chief, RegisterQuery(kind="approval_decision"))] == [decision.id]
    assert [r.id for r in search_seal_uses(ctx, chief, RegisterQuery(number="许〔2026〕"))] == [decision.id]
    assert len(search_seal_uses(ctx, chief, RegisterQuery(case_no=signed.case_no[4:]))) == 2
    assert [r.requested_by for r in search_seal_uses(ctx, chief, RegisterQuery(person="王䶮"))] == ["王䶮"]
    assert len(search_seal_uses(ctx, chief, RegisterQuery(date_from=date(2026, 11, 23)))) == 1
    assert len(search_seal_uses(ctx, chief, RegisterQuery(date_to=date(2026, 11, 20)))) == 2

    text = _pdf_text(register_pdf(ctx, chief, RegisterQuery(date_to=date(2026, 11, 20))), tmp_path)
    for expected in ("行政审批服务专用章使用登记簿", "王䶮", "准予行政许可决定书", decision.document_number,
                     decision.sha256[:32], "保管人当场确认", "第1页共1页"):
        assert expected in text, expected
    target = tmp_path / "用印登记.xlsx"
    assert export_register(ctx, chief, RegisterQuery(), target) == 3
    ws = load_workbook(target).active
    assert ws["A2"].value == "序号" and ws["K2"].value == "文书摘要（SHA-256）"
    assert [ws.cell(row=r, column=5).value for r in (3, 4, 5)] == [r.document_number for r in reversed(everything)]
    assert ws["B3"].value == datetime(2026, 11, 20, 10, 0) and ws["K4"].value == decision.sha256
    assert audit_actions(ctx)[-2:] == ["seal_register_print", "seal_register_export"]


def test_long_register_breaks_over_pages_with_fonts_embedded(tmp_path: Path) -> None:
    row = SealUseRow(1, datetime(2026, 11, 20, 9, 30), A01, "approval_decision", "准予行政许可决定书",
                     "云文广旅体不许〔2026〕0001-00012", "000120261120000001", "ab" * 32, 1, "王䶮", "周建华", "保管人当场确认")
    rows = tuple(replace(row, id=k, at=row.at + timedelta(minutes=k)) for k in range(60))
    pdf = render_register(RegisterPrint("云岫市行政审批服务中心", "全部记录", datetime(2026, 11, 30, 17, 0), "周建华", rows))
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 3 and re.search(r"Page size:\s+841.89 x 595.2\d* pts", info)  # A4 landscape
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts  # every face embedded
    text = _pdf_text(pdf, tmp_path)
    assert f"第{pages}页共{pages}页" in text and text.count("云文广旅体不许〔2026〕0001-00012") == 60
