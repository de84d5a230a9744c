"""Kept only as long as needed: closed cases older than the hall's period leave the workstation.

A case goes only once the server holds it (the server is the record): the workstation is enrolled, no
op about the case waits to be sent, and every document and scan of it is on the server. Its rows,
scans and document files go in one transaction per case (files after the commit: a crash leaves at
worst an unreferenced encrypted file, which the next run removes). The seal usage register and the
register of issued documents keep their rows (number, kind, hash — no personal data), unlinked from
the case.

A case with a certificate or a handover (送达) cannot go: the certificate register, its verification and the
proof of service are records the hall keeps (docs/decisions.md, "certificates' cases"). Once such a case
is as old and the server holds it, and each of its certificates ended (expired, voided) or was handed over
before the period began, only the citizen's personal data leaves it (`strip`): ID numbers masked, phone,
address and agent cleared, scans and the documents that carry the full ID deleted; the case row, the
certificate (holder name, masked ID, content, validity, status), its PDF and the delivery rows stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, func, not_, or_, select, update
from sqlalchemy.orm import Session

from app.cases.attachments import blob_path
from app.cases.states import State
from app.core import audit
from app.core.context import AppContext
from app.core.masking import mask_id
from app.sync.enrolment import enrolled
from db.models import (
    Attachment,
    BlobUpload,
    Case,
    Certificate,
    Delivery,
    Document,
    OutboxOp,
    RemoteDocument,
    SealUse,
)

DEFAULT_DAYS = 365
CLOSED = (State.REFUSED, State.CLOSED_UNANSWERED, State.DENIED, State.DELIVERED, State.WITHDRAWN)
BATCH = 200  # cases per run: housekeeping runs hourly, so a backlog drains without a long stall


@dataclass(frozen=True)
class Held:
    """What this workstation holds of citizens' cases, for doctor."""

    cases: int
    since: datetime | None  # the oldest case's reception (naive UTC)
    closed_due: int  # closed cases past the period (waiting for the server, or with certificates)


def _ended():  # type: ignore[no-untyped-def]
    return func.coalesce(Case.closed_at, Case.decided_at, Case.updated_at)


def held(ctx: AppContext, days: int = DEFAULT_DAYS) -> Held:
    with ctx.read() as s:
        count, since = s.execute(select(func.count(), func.min(Case.received_at))).one()
        due = s.execute(select(func.count()).select_from(Case).where(
            Case.state.in_([str(c) for c in CLOSED]), _ended() < ctx.now() - timedelta(days=days))).scalar_one()
    return Held(int(count), since, int(due))


def _on_server(s: Session) -> object:
    return select(BlobUpload.sha256).where(BlobUpload.uploaded_at.is_not(None))


def _held_by_server(s: Session, before: datetime) -> list[object]:
    """Closed cases ended before `before` that the server holds in full (conditions for a WHERE)."""
    on_server = _on_server(s)
    waiting = select(OutboxOp.entity_id).where(OutboxOp.state == "pending")
    doc_missing = select(Document.case_id).where(Document.case_id.is_not(None), Document.sha256.not_in(on_server))
    scan_missing = select(Attachment.case_id).where(Attachment.sha256.not_in(on_server))
    return [Case.state.in_([str(c) for c in CLOSED]), _ended() < before, Case.id.not_in(waiting),
            Case.id.not_in(doc_missing), Case.id.not_in(scan_missing),
            # A case about which ops were made but none answered yet is not on the server either.
            or_(Case.id.in_(select(OutboxOp.entity_id).where(OutboxOp.state == "acked")),
                Case.id.not_in(select(OutboxOp.entity_id)))]


def prunable(s: Session, before: datetime, limit: int = BATCH) -> list[str]:
    """Ids of closed cases ended before `before` that the server holds in full, with nothing the hall keeps."""
    if not enrolled(s):  # never synced: this workstation is the only copy
        return []
    return list(s.execute(select(Case.id).where(
        *_held_by_server(s, before), Case.id.not_in(select(Certificate.case_id)),
        Case.id.not_in(select(Delivery.case_id))).limit(limit)).scalars())


def _personal_left() -> object:
    return or_(Case.applicant_phone != "", Case.applicant_address != "", Case.agent_name != "",
               Case.agent_id_number != "", Case.agent_phone != "",
               and_(Case.applicant_kind == "person", not_(Case.applicant_id_number.contains("*"))),
               Case.id.in_(select(Attachment.case_id)))


def strippable(s: Session, before: datetime, limit: int = BATCH) -> list[str]:
    """Ids of kept cases (certificate or handover) whose personal data may go: old, held by the server, and
    every certificate of the case expired, voided or handed over before `before`."""
    if not enrolled(s):
        return []
    current = select(Certificate.case_id).where(
        or_(Certificate.valid_to.is_(None), Certificate.valid_to >= before.date()),
        not_(and_(Certificate.status == "voided", Certificate.voided_at < before)),
        Certificate.id.not_in(select(Delivery.certificate_id).where(Delivery.certificate_id.is_not(None),
                                                                    Delivery.at < before)))
    kept = or_(Case.id.in_(select(Certificate.case_id)), Case.id.in_(select(Delivery.case_id)))
    return list(s.execute(select(Case.id).where(
        *_held_by_server(s, before), kept, Case.id.not_in(current), _personal_left()).limit(limit)).scalars())


def prune(ctx: AppContext, days: int = DEFAULT_DAYS) -> tuple[str, ...]:
    """Prune what may go, then strip the kept cases' personal data; returns the case numbers concerned
    (each case its own transaction)."""
    if days <= 0:
        return ()
    return _delete_cases(ctx, days) + strip(ctx, days)


def strip(ctx: AppContext, days: int = DEFAULT_DAYS) -> tuple[str, ...]:
    """The citizen's personal data leaves the kept cases that may lose it; the records stay."""
    before = ctx.now() - timedelta(days=days)
    with ctx.read() as s:
        ids = strippable(s, before)
    done: list[str] = []
    for case_id in ids:
        with ctx.write("retention") as s:
            case = s.get(Case, case_id)
            if case is None or case_id not in strippable(s, before):
                continue
            certificates = select(Certificate.number).where(Certificate.case_id == case_id)  # 正本 and 副本 stay
            docs = list(s.execute(select(Document.id, Document.sha256, Document.path).where(
                Document.case_id == case_id, Document.number.not_in(certificates))).all())
            files = [(sha, ctx.data.root / path) for _id, sha, path in docs]
            files += [(sha, blob_path(ctx.data.root, sha, mime)) for sha, mime in s.execute(
                select(Attachment.sha256, Attachment.mime).where(Attachment.case_id == case_id)).all()]
            s.execute(update(Document).where(Document.id.in_([d[0] for d in docs])).values(case_id=None))
            s.execute(delete(Attachment).where(Attachment.case_id == case_id))
            if case.applicant_kind == "person":  # an organisation's credit code is public (GB 32100)
                case.applicant_id_number = mask_id(case.applicant_id_number)
            case.applicant_phone = case.applicant_address = ""
            case.agent_name = case.agent_id_type = case.agent_id_number = case.agent_phone = ""
            for cert in s.execute(select(Certificate).where(Certificate.case_id == case_id)).scalars():
                cert.holder_id_number = mask_id(cert.holder_id_number)
            for given in s.execute(select(Delivery).where(Delivery.case_id == case_id)).scalars():
                given.recipient_id_number = mask_id(given.recipient_id_number)
            used = _recorded(s, case.case_no, "case_personal_data_removed", {"days": days, "documents": len(docs)}, files, done)
        _remove(files, used)
    return tuple(done)


def _recorded(s: Session, case_no: str, action: str, detail: dict[str, int], files: list[tuple[str, Path]],
              done: list[str]) -> set[str]:
    """The audit entry for one case; returns the hashes of its files that another case still uses
    (files are content-addressed: such a file stays)."""
    s.flush()
    audit.record(s, None, action, case_no, detail)
    done.append(case_no)
    shas = [sha for sha, _p in files]
    used = set(s.execute(select(Document.sha256).where(Document.sha256.in_(shas),
                                                       Document.case_id.is_not(None))).scalars())
    return used | set(s.execute(select(Attachment.sha256).where(Attachment.sha256.in_(shas))).scalars())


def _remove(files: list[tuple[str, Path]], used: set[str]) -> None:
    """After the commit: a crash before leaves at worst an unreferenced encrypted file."""
    for sha, path in files:
        if sha not in used:
            path.unlink(missing_ok=True)


def _delete_cases(ctx: AppContext, days: int) -> tuple[str, ...]:
    with ctx.read() as s:
        ids = prunable(s, ctx.now() - timedelta(days=days))
    done: list[str] = []
    for case_id in ids:
        files: list[tuple[str, Path]] = []
        with ctx.write("retention") as s:
            case = s.get(Case, case_id)
            if case is None or case_id not in prunable(s, ctx.now() - timedelta(days=days)):
                continue  # changed since (a sync pulled a new op, say): next run
            files += [(sha, blob_path(ctx.data.root, sha, mime)) for sha, mime in s.execute(
                select(Attachment.sha256, Attachment.mime).where(Attachment.case_id == case_id)).all()]
            docs = list(s.execute(select(Document.sha256, Document.path).where(Document.case_id == case_id)).all())
            files += [(sha, ctx.data.root / path) for sha, path in docs]
            # The registers keep their rows (no personal data in them), no longer pointing at the case.
            s.execute(update(SealUse).where(SealUse.case_id == case_id).values(case_id=None))
            s.execute(update(Document).where(Document.case_id == case_id).values(case_id=None))
            s.execute(delete(RemoteDocument).where(RemoteDocument.case_id == case_id))
            s.execute(delete(Attachment).where(Attachment.case_id == case_id))
            s.delete(case)  # materials, events, deadlines, suspensions, extensions, reviews, ratings cascade
            used = _recorded(s, case.case_no, "case_pruned", {"days": days, "documents": len(docs)}, files, done)
        _remove(files, used)
    return tuple(done)
