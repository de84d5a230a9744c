"""The seal usage register (用印登记): search it, print it (PDF) and export it (.xlsx). Rows are never changed.

Each row is written by app.seal.sealing.issue in the same transaction as the sealed document; this
module only reads them. Printing and exporting are audited: the register leaves the system.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from app.core import audit
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive, utc_start_of
from app.documents.data import KIND_TITLES, DocKind
from app.seal.usage_register_pdf import RegisterPrint, render_register
from app.seal.usage_rows import HEADERS, SealUseRow
from db.models import Case, Hall, Seal, SealUse, Staff

MODE_LABELS = {"standing": "常规授权", "password": "保管人当场确认"}
MAX_ROWS = 10_000


@dataclass(frozen=True)
class RegisterQuery:
    """Search terms; blank ones do not filter. Dates are hall-local days, both ends included."""

    date_from: date | None = None
    date_to: date | None = None
    kind: str = ""  # a DocKind value
    number: str = ""  # part of the document number
    case_no: str = ""  # part of the case number
    person: str = ""  # part of the name of who asked for or authorised the use

    def describe(self) -> str:
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"日期 {self.date_from or '…'} 至 {self.date_to or '…'}")
        if self.kind:
            parts.append(f"文书 {kind_title(self.kind)}")
        for label, value in (("文书编号含", self.number), ("受理编号含", self.case_no), ("人员", self.person)):
            if value.strip():
                parts.append(f"{label} {value.strip()}")
        return "；".join(parts) or "全部记录"


def kind_title(kind: str) -> str:
    return KIND_TITLES[DocKind(kind)] if kind in DocKind._value2member_map_ else kind


def _rows(ctx: AppContext, q: RegisterQuery, limit: int) -> list[SealUseRow]:
    req, auth = aliased(Staff), aliased(Staff)
    stmt = (select(SealUse, Seal.code, Case.case_no, req.name, auth.name)
            .join(Seal, Seal.id == SealUse.seal_id).outerjoin(Case, Case.id == SealUse.case_id)
            .join(req, req.id == SealUse.requested_by_id).join(auth, auth.id == SealUse.authorised_by_id)
            .order_by(SealUse.at.desc(), SealUse.id.desc()).limit(limit))
    if q.date_from:
        stmt = stmt.where(SealUse.at >= utc_start_of(q.date_from))
    if q.date_to:
        stmt = stmt.where(SealUse.at < utc_start_of(q.date_to + timedelta(days=1)))
    if q.kind:
        stmt = stmt.where(SealUse.document_kind == q.kind)
    if q.number.strip():
        stmt = stmt.where(SealUse.document_number.contains(q.number.strip()))
    if q.case_no.strip():
        stmt = stmt.where(Case.case_no.contains(q.case_no.strip()))
    if q.person.strip():
        stmt = stmt.where(or_(req.name.contains(q.person.strip()), auth.name.contains(q.person.strip()),
                              req.username == q.person.strip(), auth.username == q.person.strip()))
    with ctx.read() as s:
        return [SealUseRow(u.id, local_naive(u.at), code, u.document_kind,
                           kind_title(u.document_kind), u.document_number, case_no or "", u.sha256, u.impressions,
                           r_name, a_name, MODE_LABELS.get(u.authorisation, u.authorisation))
                for u, code, case_no, r_name, a_name in s.execute(stmt)]


def search_seal_uses(ctx: AppContext, actor: Actor, q: RegisterQuery, limit: int = 2000) -> list[SealUseRow]:
    """Newest first."""
    require(actor, Action.VIEW_AUDIT)
    return _rows(ctx, q, min(limit, MAX_ROWS))


def _hall_name(ctx: AppContext) -> str:
    with ctx.read() as s:
        hall = s.execute(select(Hall)).scalar_one_or_none()
        return hall.name if hall else ""


def register_pdf(ctx: AppContext, actor: Actor, q: RegisterQuery) -> bytes:
    """The register as an A4 landscape table to print (oldest first, as a register book reads)."""
    require(actor, Action.VIEW_AUDIT)
    rows = list(reversed(_rows(ctx, q, MAX_ROWS)))
    pdf = render_register(RegisterPrint(_hall_name(ctx), q.describe(), local_naive(ctx.now()),
                                        actor.name, tuple(rows)))
    with ctx.write() as s:
        audit.record(s, actor.staff_id, "seal_register_print", "用印登记", {**asdict(q), "rows": len(rows)},
                     at=ctx.now())
    return pdf


def export_register(ctx: AppContext, actor: Actor, q: RegisterQuery, target: Path) -> int:
    """Write the matching rows to an .xlsx workbook; returns how many rows were written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    require(actor, Action.VIEW_AUDIT)
    rows = list(reversed(_rows(ctx, q, MAX_ROWS)))
    wb = Workbook()
    ws = wb.active
    ws.title = "用印登记"
    ws.append([f"{_hall_name(ctx)} 行政审批服务专用章使用登记（{q.describe()}）"])
    ws.append(list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for k, r in enumerate(rows, 1):
        ws.append([k, r.at, r.seal_code, r.kind_title, r.document_number, r.case_no, r.requested_by, r.authorised_by,
                   r.mode, r.impressions, r.sha256])
        ws.cell(row=k + 2, column=2).number_format = "yyyy-mm-dd hh:mm:ss"
    for col, width in zip("ABCDEFGHIJK", (6, 20, 16, 20, 30, 22, 12, 12, 14, 8, 68), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A3"
    tmp = target.with_name(target.name + ".part")
    wb.save(tmp)
    tmp.replace(target)
    with ctx.write() as s:
        audit.record(s, actor.staff_id, "seal_register_export", "用印登记",
                     {**asdict(q), "rows": len(rows), "file": target.name}, at=ctx.now())
    return len(rows)
