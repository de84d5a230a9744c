"""Certificates (证照): drafted from an approved case, previewed, issued under the seal, voided and reissued.

Issuing takes the next number of the type's leased block, renders 正本 and 副本, seals them under
the custodian's own password (never the standing authorisation), signs, registers and moves the case
to certificate_issued — in one transaction, so a refused password or a full disk leaves nothing behind.

One piece because issue, void and reissue share the private steps (numbers, documents, events) that make
one transaction; the draft shown to the clerk is built by the same rules the issue checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_documents import case_facts
from app.cases.snapshot import case_snapshot
from app.cases.states import STATE_LABELS, State, check_transition
from app.certificates.kinds import CertType, CopySpec, type_of
from app.certificates.numbers import mark_voided, record_number, region_code, take_number
from app.certificates.terms import DecisionTerms, check_against, terms_of, validity
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound, PermissionDenied, ValidationError
from app.core.masking import mask_id
from app.documents.data import CertificateContent, DocKind, DocumentData, SealImpression
from app.records.doc_facts import issuer_for
from app.seal import sealing
from db.models import Bundle, Case, CaseEvent, Certificate, Document, Hall, Item, Staff

STATUS_LABELS = {"issued": "已制证", "delivered": "已送达", "voided": "已作废"}
COPY_KINDS = {"original": DocKind.CERTIFICATE_ORIGINAL, "copy": DocKind.CERTIFICATE_COPY}


@dataclass(frozen=True)
class FieldValue:
    """One field of the certificate form: its spec and the value proposed from the case (or typed)."""

    key: str
    label: str
    value: str
    required: bool
    choices: tuple[str, ...] = ()
    multiline: bool = False
    hint: str = ""
    fixed: bool = False  # set by the signed decision: shown, not edited


@dataclass(frozen=True)
class CertificateDraft:
    """What the clerk checks before issuing: the type, the holder, and every field with its proposal."""

    case_id: str
    case_no: str
    item_name: str
    type_code: str
    type_name: str
    holder: str
    holder_id_label: str
    holder_id: str
    fields: tuple[FieldValue, ...]
    valid_from: date
    valid_to: date | None
    issue_deadline: date | None


@dataclass(frozen=True)
class CertificateInfo:
    id: str
    number: str
    type_code: str
    type_name: str
    case_id: str
    case_no: str
    holder: str
    holder_id: str
    issued_on: date
    valid_from: date
    valid_to: date | None
    status: str
    status_label: str
    document_ids: tuple[str, ...]  # 正本 first, then 副本
    replaces_id: str | None
    replaces_number: str
    void_reason: str
    voided_at: datetime | None
    verify_url: str
    fields: tuple[tuple[str, str], ...]  # (label, value) as printed


def no_type_message(item_name: str, code: str | None) -> str:
    if not code:
        return f"事项“{item_name}”不发放证照"
    return f"事项“{item_name}”的证照类型（{code}）尚未配置，不能制证。请联系大厅管理员配置证照类型。"


def _case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("办件不存在")
    return case


def _type_for_case(session: Session, case: Case) -> CertType:
    item = session.get(Item, case.item_id) if case.item_id else None
    code = item.certificate_type_code if item else None
    ctype = type_of(session, code)
    if ctype is None:
        raise AppError("no_certificate_type", no_type_message(case.item_name, code))
    if case.applicant_kind not in ctype.holder_kinds:
        raise AppError("holder_kind", f"{ctype.name}的持证主体须为企业（统一社会信用代码），本申请人不符")
    return ctype


def _source(session: Session, case: Case, source: str) -> str:
    """A proposed value from the case: "applicant.address", alternatives separated by "|"; "bundle.<key>" is a
    shared field of the 一件事 the case is a part of (经营场所 asked once on the combined form)."""
    for part in source.split("|"):
        if part.startswith("bundle."):
            bundle = session.get(Bundle, case.bundle_id) if case.bundle_id else None
            value = str(json.loads(bundle.fields_json or "{}").get(part[7:], "")) if bundle else ""
        elif part == "approver.name":
            staff = session.get(Staff, case.approver_id) if case.approver_id else None
            value = staff.name if staff else ""
        else:
            attr = {"applicant.name": "applicant_name", "applicant.address": "applicant_address",
                    "applicant.legal_rep": "legal_rep", "applicant.id_number": "applicant_id_number",
                    "case.item_name": "item_name"}.get(part)
            value = getattr(case, attr) if attr else ""
        if value:
            return value
    return ""


def verify_url(base: str, number: str, holder: str, valid_from: date, valid_to: date | None) -> str:
    """The public verification page of this certificate; holder and validity ride along as query parameters."""
    query = urlencode({"holder": holder, "valid": f"{valid_from.isoformat()}~{valid_to.isoformat() if valid_to else ''}"},
                      quote_via=quote)
    return f"{base.rstrip('/')}/{quote(number, safe='')}?{query}"


def _check_issuable(session: Session, actor: Actor, case: Case) -> None:
    require(actor, Action.ISSUE_CERTIFICATE)
    if actor.window_id != case.window_id:
        raise PermissionDenied("只能为本窗口受理的办件制证")
    if case.state != State.APPROVED or case.decision != "approved":
        label = STATE_LABELS.get(State(case.state), case.state)
        raise AppError("not_approved", f"办件当前为“{label}”，准予许可后才能制证")
    live = session.execute(select(Certificate.number).where(Certificate.case_id == case.id,
                                                            Certificate.status != "voided")).first()
    if live is not None:
        raise AppError("already_issued", f"本办件已制发证照 {live[0]}")


def _terms(case: Case, ctype: CertType) -> DecisionTerms:
    return terms_of(ctype, case.decision_content, case.decision_validity)


def draft_for_case(ctx: AppContext, actor: Actor, case_id: str) -> CertificateDraft:
    """The certificate form for an approved case: what the decision fixed (locked), the rest proposed from the
    case or the type's default — except what is licensed, which only the decision may say (else left empty)."""
    with ctx.read() as s:
        case = _case(s, case_id)
        _check_issuable(s, actor, case)
        ctype = _type_for_case(s, case)
        terms = _terms(case, ctype)
        values = tuple(FieldValue(f.key, f.label, terms.fields.get(f.key, "") if f.from_decision else
                                  _source(s, case, f.source) if f.source else f.default,
                                  f.required, f.choices, f.multiline, f.hint, f.key in terms.fields)
                       for f in ctype.fields)
        valid_from, valid_to = validity(ctype, terms, ctx.today())
        return CertificateDraft(case.id, case.case_no, case.item_name, ctype.code, ctype.name, case.applicant_name,
                                ctype.holder_id_label, case.applicant_id_number, values, valid_from,
                                valid_to, case.issue_deadline)


def clean_values(ctype: CertType, values: Mapping[str, str]) -> dict[str, str]:
    """The clerk's values, trimmed and checked: required ones present, choices from the list."""
    out: dict[str, str] = {}
    for f in ctype.fields:
        value = " ".join((values.get(f.key) or "").split()) if not f.multiline else (values.get(f.key) or "").strip()
        if f.required and not value:
            raise ValidationError(f"fields.{f.key}", f"请填写“{f.label}”")
        if value and f.choices and value not in f.choices:
            raise ValidationError(f"fields.{f.key}", f"“{f.label}”须为：{'、'.join(f.choices)}")
        out[f.key] = value
    return out


def _content(session: Session, ctype: CertType, copy: CopySpec, case: Case, number: str, values: Mapping[str, str],
             valid_from: date, valid_to: date | None, replaces_number: str = "",
             preview: bool = False) -> CertificateContent:
    hall = session.execute(select(Hall)).scalar_one()
    rows = tuple((ctype.field(k).label, values[k]) for k in copy.table if values.get(k))
    side = tuple((ctype.field(k).label, values[k]) for k in copy.side if values.get(k))
    url = "" if preview else verify_url(hall.verify_base_url, number, case.applicant_name, valid_from, valid_to)
    return CertificateContent(
        type_code=ctype.code, title=ctype.name, orientation=copy.orientation, number=number,
        holder_label=ctype.holder_label, holder=case.applicant_name, holder_id_label=ctype.holder_id_label,
        # it hangs on the premises' wall: a person's ID number is masked, a company's credit code is public
        holder_id=mask_id(case.applicant_id_number) if case.applicant_kind == "person" else case.applicant_id_number,
        rows=rows, validity_label=ctype.validity_label, valid_from=valid_from,
        valid_to=valid_to, verify_url=url, side=side, notes=ctype.notes, replaces_number=replaces_number,
        accent=ctype.accent, preview=preview)


def preview_certificate(ctx: AppContext, actor: Actor, case_id: str, values: Mapping[str, str],
                        copy: str = "original") -> bytes:
    """An unsealed, unnumbered, watermarked rendering for the clerk to check; nothing is stored or taken."""
    from app.documents.render import render

    with ctx.read() as s:
        case = _case(s, case_id)
        _check_issuable(s, actor, case)
        ctype = _type_for_case(s, case)
        spec = next((c for c in ctype.copies if c.copy == copy), ctype.copies[0])
        vals = clean_values(ctype, values)
        today = ctx.today()
        check_against(ctype, _terms(case, ctype), vals)
        content = _content(s, ctype, spec, case, "（签发时编号）", vals, *validity(ctype, _terms(case, ctype), today),
                           preview=True)
        issuer, _short = issuer_for(s, case.window_id)
        data = DocumentData(kind=COPY_KINDS[spec.copy], number="（预览）", issued_on=today, issuer=issuer,
                            case=case_facts(s, case), certificate=content)
    return render(data)


def _documents(session: Session, cert: Certificate) -> list[Document]:
    kinds = [str(k) for k in COPY_KINDS.values()]
    docs = session.execute(select(Document).where(Document.kind.in_(kinds), Document.number == cert.number)
                           ).scalars().all()
    return sorted(docs, key=lambda d: kinds.index(d.kind))


def _issue_documents(session: Session, ctx: AppContext, actor: Actor, case: Case, ctype: CertType, cert: Certificate,
                     values: Mapping[str, str], password: str, replaces: Certificate | None = None) -> list[Document]:
    """正本 and 副本, each sealed under the custodian's password and entered in the seal usage register."""
    facts = case_facts(session, case)
    issuer, short = issuer_for(session, case.window_id)
    old_docs = {d.kind: d.id for d in _documents(session, replaces)} if replaces else {}
    out = []
    for spec in ctype.copies:
        kind = COPY_KINDS[spec.copy]
        content = _content(session, ctype, spec, case, cert.number, values, cert.valid_from, cert.valid_to,
                           replaces.number if replaces else "")

        def build(number: str, seal: SealImpression | None, content: CertificateContent = content,
                  kind: DocKind = kind) -> DocumentData:
            return DocumentData(kind=kind, number=number, issued_on=cert.issued_on, issuer=issuer, case=facts,
                                seal=seal, certificate=content)

        out.append(sealing.issue(session, ctx, actor, kind=kind, case_id=case.id, dept_short=short, build=build,
                                 custodian_password=password, replaces_id=old_docs.get(str(kind)),
                                 number=cert.number, window_id=case.window_id))
    return out


def _new_certificate(session: Session, ctx: AppContext, actor: Actor, case: Case, ctype: CertType,
                     values: dict[str, str], password: str, *, replaces: Certificate | None = None) -> Certificate:
    if not password:
        raise ValidationError("custodian_password", "证照用印须由印章保管人当场输入密码")
    now, today = ctx.now(), ctx.today()
    try:
        prefix = ctype.number.prefix_for(values, today.year, region_code(session))
    except KeyError as exc:
        raise ValidationError(f"fields.{exc.args[0]}", f"请选择“{ctype.field(exc.args[0]).label}”") from None
    number, block_id = take_number(session, ctype, prefix, at=now, demo=ctx.demo, device=sealing.device_code(session))
    # A reissue (补发) keeps the validity of the certificate it replaces; it does not extend it.
    valid_from, valid_to = (replaces.valid_from, replaces.valid_to) if replaces else \
        validity(ctype, _terms(case, ctype), today)
    cert = Certificate(number=number, type_code=ctype.code, case_id=case.id, holder_name=case.applicant_name,
                       holder_id_number=case.applicant_id_number, fields_json=json.dumps(values, ensure_ascii=False),
                       issued_on=today, valid_from=valid_from, valid_to=valid_to, status="issued",
                       replaces_id=replaces.id if replaces else None, issued_by_id=actor.staff_id)
    session.add(cert)
    session.flush()
    record_number(session, number, block_id, cert.id, now)
    docs = _issue_documents(session, ctx, actor, case, ctype, cert, values, password, replaces)
    cert.document_id = docs[0].id
    return cert


def _event(session: Session, case: Case, actor: Actor, kind: str, old: str, reason: str, at: datetime,
           **data: object) -> None:
    session.add(CaseEvent(case_id=case.id, at=at, staff_id=actor.staff_id, kind=kind, from_state=old,
                          to_state=case.state, reason=reason, data_json=json.dumps(data, ensure_ascii=False, default=str)))


def _payload(cert: Certificate) -> dict[str, object]:
    return {"certificate_id": cert.id, "number": cert.number, "type_code": cert.type_code, "case_id": cert.case_id,
            "holder_name": cert.holder_name, "holder_id_number": cert.holder_id_number, "issued_on": cert.issued_on,
            "valid_from": cert.valid_from, "valid_to": cert.valid_to, "status": cert.status,
            "replaces_id": cert.replaces_id, "void_reason": cert.void_reason, "fields": json.loads(cert.fields_json)}


def issue_certificate(ctx: AppContext, actor: Actor, case_id: str, values: Mapping[str, str],
                      custodian_password: str) -> CertificateInfo:
    """Number, seal (custodian's password), sign and register 正本 and 副本; the case becomes certificate_issued."""
    with ctx.write("certificate") as s:
        case = _case(s, case_id)
        _check_issuable(s, actor, case)
        ctype = _type_for_case(s, case)
        vals = clean_values(ctype, values)
        check_against(ctype, _terms(case, ctype), vals)  # never a certificate that contradicts its decision
        cert = _new_certificate(s, ctx, actor, case, ctype, vals, custodian_password)
        old, now = case.state, ctx.now()
        check_transition(old, State.CERTIFICATE_ISSUED)
        case.state, case.updated_at = str(State.CERTIFICATE_ISSUED), now
        _event(s, case, actor, "certificate_issued", old, f"制发{ctype.name} {cert.number}", now, number=cert.number)
        outbox.enqueue(s, "certificate", cert.id, "issue", _payload(cert), now)
        outbox.enqueue(s, "case", case.id, "certificate_issued", case_snapshot(case), now)
        audit.record(s, actor.staff_id, "certificate_issue", cert.number,
                     {"case_no": case.case_no, "type": ctype.code, "documents": [cert.document_id]}, at=now)
        return info_of(s, cert)


def _void(session: Session, ctx: AppContext, actor: Actor, cert: Certificate, reason: str) -> None:
    """Mark the certificate, its 正本 and 副本, and its number voided; they stay in the registers."""
    now = ctx.now()
    cert.status, cert.void_reason, cert.voided_at, cert.voided_by_id = "voided", reason, now, actor.staff_id
    for doc in _documents(session, cert):
        if not doc.void:
            doc.void, doc.void_reason, doc.voided_at, doc.voided_by_id = True, reason, now, actor.staff_id
    mark_voided(session, cert.number, reason, now)
    case = _case(session, cert.case_id)
    _event(session, case, actor, "certificate_voided", case.state, reason, now, number=cert.number)
    outbox.enqueue(session, "certificate", cert.id, "void", _payload(cert), now)
    audit.record(session, actor.staff_id, "certificate_void", cert.number, {"reason": reason, "case_no": case.case_no},
                 at=now)


def _voidable(session: Session, actor: Actor, certificate_id: str, reason: str) -> Certificate:
    require(actor, Action.VOID_CERTIFICATE)
    if not reason.strip():
        raise ValidationError("reason", "请填写作废原因")
    cert = session.get(Certificate, certificate_id)
    if cert is None:
        raise NotFound("证照不存在")
    return cert


def void_certificate(ctx: AppContext, actor: Actor, certificate_id: str, reason: str) -> CertificateInfo:
    """作废 with a reason, by the chief representative; audited, and kept in the register marked void."""
    with ctx.write("certificate_void") as s:
        cert = _voidable(s, actor, certificate_id, reason)
        if cert.status == "voided":
            raise AppError("already_void", f"证照 {cert.number} 已作废")
        _void(s, ctx, actor, cert, reason.strip())
        return info_of(s, cert)


def reissue_certificate(ctx: AppContext, actor: Actor, certificate_id: str, reason: str, custodian_password: str,
                        values: Mapping[str, str] | None = None) -> CertificateInfo:
    """补发: void the old certificate (if not already) and issue a new number that refers back to it."""
    with ctx.write("certificate_reissue") as s:
        old = _voidable(s, actor, certificate_id, reason)
        successor = s.execute(select(Certificate.number).where(Certificate.replaces_id == old.id)).first()
        if successor is not None:
            raise AppError("already_reissued", f"证照 {old.number} 已补发为 {successor[0]}")
        if old.valid_to is not None and old.valid_to < ctx.today():
            raise AppError("expired", f"证照 {old.number} 已过有效期，不能补发，请申请延续")
        case = _case(s, old.case_id)
        if actor.window_id != case.window_id:
            raise PermissionDenied("只能补发本窗口办件的证照")
        ctype = _type_for_case(s, case)
        if old.status != "voided":
            _void(s, ctx, actor, old, reason.strip())
        vals = clean_values(ctype, values if values is not None else json.loads(old.fields_json))
        cert = _new_certificate(s, ctx, actor, case, ctype, vals, custodian_password, replaces=old)
        now = ctx.now()
        _event(s, case, actor, "certificate_reissued", case.state, reason.strip(), now, number=cert.number,
               replaces=old.number)
        outbox.enqueue(s, "certificate", cert.id, "reissue", _payload(cert), now)
        audit.record(s, actor.staff_id, "certificate_reissue", cert.number,
                     {"replaces": old.number, "reason": reason.strip(), "case_no": case.case_no}, at=now)
        return info_of(s, cert)


def info_of(session: Session, cert: Certificate) -> CertificateInfo:
    case = _case(session, cert.case_id)
    hall = session.execute(select(Hall)).scalar_one()
    old = session.get(Certificate, cert.replaces_id) if cert.replaces_id else None
    return info_from_parts(cert, case.case_no, type_of(session, cert.type_code), old.number if old else "",
                           tuple(d.id for d in _documents(session, cert)), hall.verify_base_url)


def info_from_parts(cert: Certificate, case_no: str, ctype: CertType | None, replaces_number: str,
                    document_ids: tuple[str, ...], verify_base: str) -> CertificateInfo:
    """The register line of a certificate from what was read beside it (one statement for a whole page)."""
    values = json.loads(cert.fields_json)
    labelled = tuple((f.label, values[f.key]) for f in ctype.fields if values.get(f.key)) if ctype else ()
    return CertificateInfo(
        cert.id, cert.number, cert.type_code, ctype.name if ctype else cert.type_code, cert.case_id, case_no,
        cert.holder_name, cert.holder_id_number, cert.issued_on, cert.valid_from, cert.valid_to, cert.status,
        STATUS_LABELS.get(cert.status, cert.status), document_ids, cert.replaces_id, replaces_number,
        cert.void_reason, cert.voided_at, verify_url(verify_base, cert.number, cert.holder_name, cert.valid_from,
                                                     cert.valid_to), labelled)


def certificate_info(ctx: AppContext, certificate_id: str) -> CertificateInfo:
    with ctx.read() as s:
        cert = s.get(Certificate, certificate_id)
        if cert is None:
            raise NotFound("证照不存在")
        return info_of(s, cert)


def certificates_of_case(ctx: AppContext, case_id: str) -> list[CertificateInfo]:
    with ctx.read() as s:
        rows = s.execute(select(Certificate).where(Certificate.case_id == case_id)
                         .order_by(Certificate.issued_on, Certificate.number)).scalars().all()
        return [info_of(s, c) for c in rows]


def custodian_name(ctx: AppContext, actor: Actor) -> str:
    """Whose password seals a certificate at this window (shown next to the password field)."""
    from app.seal.seals import seal_of_window

    if actor.window_id is None:
        return ""
    with ctx.read() as s:
        seal = seal_of_window(s, actor.window_id)
        staff = s.get(Staff, seal.custodian_id) if seal and seal.custodian_id else None
        return staff.name if staff else ""
