"""Kept only as long as needed: closed cases older than the hall's period leave the workstation.

A case goes only once the server holds it (the server is the record): the workstation is enrolled, no
op about the case waits to be sent, and every document and scan of it is on the server. Its rows,
scans and document files go in one transaction per case (files after the commit: a crash leaves at
worst an unreferenced encrypted file, which the next run removes). The seal usage register and the
register of issued documents keep their rows (number, kind, hash — no personal data), unlinked from
the case. Cases with a certificate stay for now: the certificate register is kept in full (#19 note).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.cases.attachments import blob_path
from app.cases.states import State
from app.core import audit
from app.core.context import AppContext
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


def prunable(s: Session, before: datetime, limit: int = BATCH) -> list[str]:
    """Ids of closed cases ended before `before` that the server holds in full."""
    if not enrolled(s):  # never synced: this workstation is the only copy
        return []
    on_server = _on_server(s)
    waiting = select(OutboxOp.entity_id).where(OutboxOp.state == "pending")
    doc_missing = select(Document.case_id).where(Document.case_id.is_not(None), Document.sha256.not_in(on_server))
    scan_missing = select(Attachment.case_id).where(Attachment.sha256.not_in(on_server))
    with_cert = select(Certificate.case_id)
    return list(s.execute(select(Case.id).where(
        Case.state.in_([str(c) for c in CLOSED]), _ended() < before, Case.id.not_in(waiting),
        Case.id.not_in(doc_missing), Case.id.not_in(scan_missing), Case.id.not_in(with_cert),
        Case.id.not_in(select(Delivery.case_id)),
        # A case about which ops were made but none answered yet is not on the server either.
        or_(Case.id.in_(select(OutboxOp.entity_id).where(OutboxOp.state == "acked")),
            Case.id.not_in(select(OutboxOp.entity_id)))).limit(limit)).scalars())


def prune(ctx: AppContext, days: int = DEFAULT_DAYS) -> tuple[str, ...]:
    """Prune what may go; returns the case numbers pruned (each case its own transaction)."""
    if days <= 0:
        return ()
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
            s.flush()
            audit.record(s, None, "case_pruned", case.case_no, {"days": days, "documents": len(docs)})
            done.append(case.case_no)
            # Files are content-addressed: one another case still uses stays.
            shas = [sha for sha, _p in files]
            used = set(s.execute(select(Document.sha256).where(Document.sha256.in_(shas),
                                                               Document.case_id.is_not(None))).scalars())
            used |= set(s.execute(select(Attachment.sha256).where(Attachment.sha256.in_(shas))).scalars())
        for sha, path in files:
            if sha not in used:
                path.unlink(missing_ok=True)
    return tuple(done)
