"""The certificate register: search, .xlsx export, expiry reminders (art. 50) and the art. 44 issuing queue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, literal, or_, select, text, tuple_
from sqlalchemy.orm import Session, aliased

from app.certificates.issuance import COPY_KINDS, CertificateInfo, info_from_parts
from app.certificates.kinds import CertType, parse
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from app.reference import workdays
from app.reference.calendar import CalendarError, WorkCalendar
from app.reference.settings import default
from db.models import AWAITING_ISSUE_SQL, Case, Certificate, CertificateType, Document, Hall

RENEWAL_LEAD_DAYS = 30  # art. 50: apply for renewal 30 days before the certificate expires
REMINDER_HORIZON_DAYS = 60  # list certificates this close to expiry, so the holder is told in time
LIGHT_LABELS = {"green": "正常", "yellow": "临近期限", "red": "已超期", "none": "—"}


@dataclass(frozen=True)
class RegisterQuery:
    """Search terms; empty ones do not filter. `text` matches number, holder name or ID/USCC."""

    text: str = ""
    type_code: str = ""
    status: str = ""  # issued | delivered | voided
    issued_from: date | None = None
    issued_to: date | None = None
    limit: int = 500
    after: tuple[date, str] | None = None  # (issued_on, number) of the last line of the page before


@dataclass(frozen=True)
class ExpiryReminder:
    certificate: CertificateInfo
    days_left: int
    apply_by: date  # last day to apply for renewal (30 days before expiry)
    late: bool  # the renewal deadline has passed


@dataclass(frozen=True)
class PendingIssue:
    """An approved case waiting for its certificate, with the art. 44 deadline and its light."""

    case_id: str
    case_no: str
    item_name: str
    applicant: str
    decided_on: date | None
    issue_deadline: date | None
    light: str  # green | yellow | red | none
    type_code: str
    configured: bool  # False: the item names a certificate type nobody has set up yet


def issue_light(cal: WorkCalendar | None, deadline: date | None, today: date, yellow_workdays: int) -> str:
    """Green while on time, yellow within `yellow_workdays` working days of the deadline, red after it."""
    if deadline is None:
        return "none"
    if today > deadline:
        return "red"
    try:
        left = cal.working_days_between(today, deadline) if cal is not None else (deadline - today).days
    except CalendarError:
        left = (deadline - today).days  # beyond the calendar's years: calendar days are a safe overestimate
    return "yellow" if left <= yellow_workdays else "green"


_KINDS = [str(k) for k in COPY_KINDS.values()]  # 正本 first, then 副本


def _joined():  # type: ignore[no-untyped-def]
    """Certificates with their case number, type, the number they replace, their documents and the hall's
    verification address joined: a register line needs no statement of its own."""
    old = aliased(Certificate)
    docs = (select(func.group_concat(Document.kind + literal(" ") + Document.id))
            .where(Document.kind.in_(_KINDS), Document.number == Certificate.number).scalar_subquery())
    verify_base = select(Hall.verify_base_url).limit(1).scalar_subquery()
    return (select(Certificate, Case.case_no, CertificateType.spec_json, old.number, docs, verify_base)
            .join(Case, Case.id == Certificate.case_id)
            .outerjoin(CertificateType, CertificateType.code == Certificate.type_code)
            .outerjoin(old, old.id == Certificate.replaces_id))


def _infos(session: Session, stmt) -> list[CertificateInfo]:  # type: ignore[no-untyped-def]
    types: dict[str, CertType | None] = {}  # parsed once per type, not per line
    out = []
    for cert, case_no, spec, old_number, docs, verify_base in session.execute(stmt).all():
        if spec is not None and spec not in types:
            types[spec] = parse(json.loads(spec))
        pairs = sorted((d.split(" ", 1) for d in (docs or "").split(",") if d), key=lambda p: _KINDS.index(p[0]))
        out.append(info_from_parts(cert, case_no, types.get(spec) if spec else None, old_number or "",
                                   tuple(p[1] for p in pairs), verify_base or ""))
    return out


def _filtered(q: RegisterQuery):  # type: ignore[no-untyped-def]
    """The page's statement, newest first along ix_certificate_issued (stops after the page's lines)."""
    stmt = _joined()
    text = q.text.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Certificate.number.like(like), Certificate.holder_name.like(like),
                              Certificate.holder_id_number.like(f"%{text.upper()}%")))
    if q.type_code:
        stmt = stmt.where(Certificate.type_code == q.type_code)
    if q.status:
        stmt = stmt.where(Certificate.status == q.status)
    if q.issued_from:
        stmt = stmt.where(Certificate.issued_on >= q.issued_from)
    if q.issued_to:
        stmt = stmt.where(Certificate.issued_on <= q.issued_to)
    if q.after is not None:
        stmt = stmt.where(tuple_(Certificate.issued_on, Certificate.number) < tuple_(*q.after))
    return stmt.order_by(Certificate.issued_on.desc(), Certificate.number.desc()).limit(q.limit)


def search_register(ctx: AppContext, query: RegisterQuery) -> list[CertificateInfo]:
    """One page of the register (at most query.limit lines after query.after) in one SQL statement."""
    with ctx.read() as s:
        return _infos(s, _filtered(query))


HEADERS = ("证照编号", "证照名称", "持证主体", "证件号码", "发证日期", "有效期起", "有效期至", "状态", "受理编号",
           "原证编号（补发）", "作废原因", "作废时间")


def export_register(ctx: AppContext, query: RegisterQuery, path: Path) -> int:
    """Write the matching certificates to an .xlsx workbook; returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = search_register(ctx, query)
    wb = Workbook()
    ws = wb.active
    ws.title = "证照登记簿"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for c in rows:
        voided = to_local(c.voided_at).strftime("%Y-%m-%d %H:%M") if c.voided_at else ""
        ws.append([c.number, c.type_name, c.holder, c.holder_id, c.issued_on, c.valid_from, c.valid_to,
                   c.status_label, c.case_no, c.replaces_number, c.void_reason, voided])
    for col, width in zip("ABCDEFGHIJKL", (26, 20, 36, 22, 12, 12, 12, 8, 20, 26, 30, 17), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row[4:7]:
            cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    try:
        wb.save(path)
    except OSError as exc:
        raise AppError("export", f"无法保存 {path}：{exc.strerror}") from exc
    return len(rows)


def expiry_reminders(ctx: AppContext, horizon_days: int = REMINDER_HORIZON_DAYS) -> list[ExpiryReminder]:
    """Certificates in force that expire within the horizon, soonest first (art. 50: renew 30 days ahead)."""
    today = ctx.today()
    with ctx.read() as s:
        infos = _infos(s, _joined().where(
            Certificate.status != "voided", Certificate.valid_to.is_not(None), Certificate.valid_to >= today,
            Certificate.valid_to <= today + timedelta(days=horizon_days)).order_by(Certificate.valid_to))
    out = []
    for c in infos:
        assert c.valid_to is not None
        apply_by = c.valid_to - timedelta(days=RENEWAL_LEAD_DAYS)
        out.append(ExpiryReminder(c, (c.valid_to - today).days, apply_by, today > apply_by))
    return out


ISSUE_PAGE = 200
_FAR = date.max.isoformat()


def awaiting_issue(ctx: AppContext, actor: Actor, after: PendingIssue | None = None,
                   limit: int = ISSUE_PAGE) -> list[PendingIssue]:
    """The window's approved cases whose certificate is not yet made, most urgent first.

    One page of at most `limit` rows after `after`, in one statement along the partial index of approved
    cases (ix_case_awaiting_issue): the item and its certificate type joined, not looked up per case.
    """
    today = ctx.today()
    yellow = int(default("deadlines/yellow_workdays"))
    params: dict[str, object] = {}  # the LIMIT is written in: a bound one re-prepares on SQLCipher (#19)
    where = [AWAITING_ISSUE_SQL, "i.certificate_type_code IS NOT NULL", "i.certificate_type_code != ''"]
    if actor.window_id is not None:
        where.append("c.window_id = :window")
        params["window"] = actor.window_id
    if after is not None:
        where.append(f"(coalesce(c.issue_deadline, '{_FAR}'), c.case_no) > (:k0, :k1)")
        params.update(k0=(after.issue_deadline or date.max).isoformat(), k1=after.case_no)
    sql = ("SELECT c.id, c.case_no, c.item_name, c.applicant_name, c.decided_at, c.issue_deadline, "
           "i.certificate_type_code, t.code IS NOT NULL "
           'FROM "case" c JOIN item i ON i.id = c.item_id LEFT JOIN certificate_type t ON t.code = i.certificate_type_code '
           f"WHERE {' AND '.join(where)} ORDER BY coalesce(c.issue_deadline, '{_FAR}'), c.case_no LIMIT {int(limit)}")
    with ctx.read() as s:
        cal = workdays.current_calendar(s)
        out = []
        for r in s.execute(text(sql), params).all():
            deadline = date.fromisoformat(r[5]) if r[5] else None
            decided = to_local(datetime.fromisoformat(r[4])).date() if r[4] else None
            out.append(PendingIssue(r[0], r[1], r[2], r[3], decided, deadline,
                                    issue_light(cal, deadline, today, yellow), r[6], bool(r[7])))
    return out
