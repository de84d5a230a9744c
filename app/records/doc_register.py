"""The document register: every document's number, PDF file and SHA-256, kept with its case.

Files are content-addressed and written (and fsync'd) before the row that names them is
committed, so a row never points at a missing file; a stored file is never rewritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound, ValidationError
from app.core.machine import check_same_machine
from app.core.sealed_files import read_stored, write_stored
from app.documents.data import KIND_TITLES, DocKind
from app.records.case_events import add_event
from db.models import Case, Document, DocumentCounter, PrintJob

# The character after the department's short name in a document number (机关简称 + 字 〔年〕 号).
NUMBER_WORDS: dict[DocKind, str] = {
    DocKind.RECEIPT: "收", DocKind.ACCEPTANCE: "受", DocKind.CORRECTION: "补", DocKind.REFUSAL: "不受",
    DocKind.SPECIAL_PROCEDURE: "特", DocKind.EXTENSION: "延", DocKind.APPROVAL: "许", DocKind.DENIAL: "不许",
    DocKind.DELIVERY_PROOF: "送", DocKind.CERTIFICATE_ORIGINAL: "证", DocKind.CERTIFICATE_COPY: "证副",
    DocKind.CONSULTATION: "询", DocKind.SITE_VISIT: "查",
    DocKind.COMMITMENT: "诺",
    DocKind.REVOCATION: "撤",
    DocKind.TERMINATION: "终",
}


@dataclass(frozen=True)
class DocumentInfo:
    """A registered document as the case desk lists it."""

    id: str
    case_id: str | None
    kind: str
    title: str
    number: str
    sha256: str
    path: Path
    sealed: bool
    signed: bool
    created_at: datetime
    print_count: int
    void: bool
    void_reason: str


def info_of(doc: Document, root: Path) -> DocumentInfo:
    title = KIND_TITLES.get(DocKind(doc.kind), doc.kind) if doc.kind in DocKind._value2member_map_ else doc.kind
    return DocumentInfo(doc.id, doc.case_id, doc.kind, title, doc.number, doc.sha256, root / doc.path, doc.sealed,
                        doc.signed, doc.created_at, doc.print_count, doc.void, doc.void_reason)


def next_number(session: Session, kind: DocKind, dept_short: str, year: int, device_code: str) -> str:
    """云市监受〔2026〕0001-00012: the device code keeps numbers made offline unique across the hall."""
    check_same_machine(session)  # a copied disk would make the original's numbers
    counter = session.get(DocumentCounter, (str(kind), year))
    if counter is None:
        counter = DocumentCounter(kind=str(kind), year=year, next_value=1)
        session.add(counter)
    value = counter.next_value
    number = f"{dept_short}{NUMBER_WORDS[kind]}〔{year}〕{device_code}-{value:05d}"
    # A number this database already holds is never made again: a database restored from a backup
    # (with its keyring) gets the numbers it lost back from the server before its counter passes them.
    while session.execute(select(Document.id).where(Document.kind == str(kind), Document.number == number)
                          ).first() is not None:
        value += 1
        number = f"{dept_short}{NUMBER_WORDS[kind]}〔{year}〕{device_code}-{value:05d}"
    counter.next_value = value + 1
    session.flush()
    return number


def write_blob(root: Path, pdf: bytes, when: datetime) -> tuple[str, str]:
    """Store bytes under documents/YYYY/MM/<sha256>.pdf durably; returns (relative path, sha256)."""
    digest = hashlib.sha256(pdf).hexdigest()
    rel = Path("documents") / f"{when:%Y}" / f"{when:%m}" / f"{digest}.pdf"
    write_stored(root, root / rel, pdf, "文书文件")
    return rel.as_posix(), digest


def register(session: Session, root: Path, *, case_id: str | None, kind: DocKind, number: str, pdf: bytes,
             sealed: bool, signed: bool, staff_id: int | None, when: datetime,
             replaces_id: str | None = None) -> Document:
    """Write the file, then add its row (inside the caller's transaction)."""
    rel, digest = write_blob(root, pdf, when)
    doc = Document(case_id=case_id, kind=str(kind), number=number, sha256=digest, path=rel, size=len(pdf),
                   sealed=sealed, signed=signed, created_at=when, created_by_id=staff_id, replaces_id=replaces_id)
    session.add(doc)
    session.flush()
    return doc


def read_document(ctx: AppContext, document_id: str) -> tuple[DocumentInfo, bytes]:
    """A stored document and its bytes, checked against the registered SHA-256."""
    with ctx.read() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise NotFound("文书不存在")
        info = info_of(doc, ctx.data.root)
    data = read_stored(ctx.data.root, info.path, f"文书文件 {info.number} ")
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise AppError("tampered", f"文书文件 {info.number} 与登记的摘要不符，可能已被改动，请勿使用")
    return info, data


def find_by_sha256(session: Session, digest: str) -> Document | None:
    return session.execute(select(Document).where(Document.sha256 == digest)).scalars().first()


def void_document(ctx: AppContext, actor: Actor, document_id: str, reason: str) -> DocumentInfo:
    """Void with a reason: the row and file stay, marked, and the void is audited."""
    require(actor, Action.VOID_DOCUMENT)
    if not reason.strip():
        raise ValidationError("reason", "请填写作废原因")
    with ctx.write() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise NotFound("文书不存在")
        if doc.void:
            raise AppError("already_void", f"文书 {doc.number} 已作废")
        doc.void, doc.void_reason = True, reason.strip()
        doc.voided_at, doc.voided_by_id = ctx.now(), actor.staff_id
        audit.record(s, actor.staff_id, "void_document", doc.number, {"reason": reason, "sha256": doc.sha256},
                     at=ctx.now())
        case = s.get(Case, doc.case_id) if doc.case_id else None
        info = info_of(doc, ctx.data.root)
        if case is not None:  # on the case's timeline, and to the other workstations of the window
            add_event(s, case.id, actor.staff_id, "document_voided", ctx.now(),
                      f"{info.title} {doc.number}：{reason.strip()}", document=doc.number)
            outbox.enqueue(s, "case", case.id, "document_voided", {"state": case.state, "document": doc.number},
                           ctx.now())
        return info


def record_print(ctx: AppContext, actor: Actor, document_id: str, printer: str, ok: bool,
                 message: str = "") -> bool:
    """Log one printing; returns whether it was a reprint (副本). Reprints are audited."""
    with ctx.write() as s:
        doc = s.get(Document, document_id)
        if doc is None:
            raise NotFound("文书不存在")
        copy = doc.print_count > 0
        if copy:
            require(actor, Action.REPRINT)
        s.add(PrintJob(document_id=doc.id, at=ctx.now(), staff_id=actor.staff_id, printer=printer, copy=copy,
                       result="ok" if ok else "failed", message=message))
        if ok:
            doc.print_count += 1
            if copy:
                audit.record(s, actor.staff_id, "reprint", doc.number, {"printer": printer}, at=ctx.now())
        return copy
