"""Scanned materials (PDF / JPEG / PNG) attached to a case, stored content-addressed under attachments/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive
from app.core.errors import AppError, NotFound, ValidationError
from app.core.sealed_files import read_stored, write_stored
from app.records.case_events import add_event
from db.models import Attachment, Case, CaseMaterial, Staff

MAX_BYTES = 50 * 2**20  # a 50-page colour scan at 300 dpi stays well below this
# Recognised by their first bytes, never by the file name a scanner happened to give.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
EXTENSIONS = {mime: ext for _m, mime, ext in _MAGIC}


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    case_id: str
    filename: str
    mime: str
    size: int
    sha256: str
    added_at: datetime  # hall local time
    added_by: str
    material: str  # the checklist material it belongs to, or ""
    path: Path


def sniff(data: bytes) -> tuple[str, str]:
    """(mime, extension) of a scan, or ValidationError for anything else."""
    for magic, mime, ext in _MAGIC:
        if data.startswith(magic):
            return mime, ext
    raise ValidationError("file", "只能添加 PDF、JPEG 或 PNG 格式的扫描件")


def blob_path(root: Path, sha256: str, mime: str) -> Path:
    return root / "attachments" / sha256[:2] / f"{sha256}{EXTENSIONS.get(mime, '')}"


def info_of(att: Attachment, root: Path, added_by: str, material: str) -> AttachmentInfo:
    return AttachmentInfo(att.id, att.case_id, att.filename, att.mime, att.size, att.sha256,
                          local_naive(att.added_at), added_by, material, blob_path(root, att.sha256, att.mime))


@dataclass(frozen=True)
class StoredScan:
    """A scan written (sealed) to the data directory, not yet named by any row."""

    filename: str
    mime: str
    sha256: str
    size: int


def store_scan(ctx: AppContext, filename: str, data: bytes, field: str = "file") -> StoredScan:
    """Check and store one scan before the transaction that names it (a file without a row is harmless,
    a row without its file is not). `field` names the form field a refusal points at."""
    if not data:
        raise ValidationError(field, "文件是空的")
    if len(data) > MAX_BYTES:
        raise ValidationError(field, f"文件超过 {MAX_BYTES // 2**20} MB，请降低扫描分辨率后重试")
    try:
        mime, _ext = sniff(data)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from exc
    digest = hashlib.sha256(data).hexdigest()
    name = Path(filename).name or f"scan{EXTENSIONS[mime]}"
    write_stored(ctx.data.root, blob_path(ctx.data.root, digest, mime), data, "附件")
    return StoredScan(name[:300], mime, digest, len(data))


def attach_scan(session: Session, case: Case, scan: StoredScan, staff_id: int, now: datetime,
                material_id: int | None = None, material: str = "") -> Attachment:
    """The row naming a stored scan, its timeline event and its outbox op (caller's transaction)."""
    att = Attachment(case_id=case.id, case_material_id=material_id, filename=scan.filename, mime=scan.mime,
                     sha256=scan.sha256, size=scan.size, added_at=now, added_by_id=staff_id)
    session.add(att)
    session.flush()
    add_event(session, case.id, staff_id, "attachment_added", now, scan.filename, file=scan.filename,
              sha256=scan.sha256, size=scan.size, material=material)
    staff = session.get(Staff, staff_id)  # the op is signed by who scanned (the server checks it)
    outbox.enqueue(session, "attachment", att.id, "add", {"case_id": case.id, "case_no": case.case_no,
                                                          "filename": scan.filename, "mime": scan.mime,
                                                          "sha256": scan.sha256, "size": scan.size,
                                                          "material": material,
                                                          "actor": staff.username if staff else ""}, now)
    return att


def add_attachment(ctx: AppContext, actor: Actor, case_id: str, filename: str, data: bytes,
                   material_id: int | None = None) -> AttachmentInfo:
    """Store the scan (file first, then the row that names it) and record it on the case's timeline."""
    require(actor, Action.INTAKE)
    scan = store_scan(ctx, filename, data)
    with ctx.write("attachment") as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound("办件不存在")
        material = ""
        if material_id is not None:
            row = s.get(CaseMaterial, material_id)
            if row is None or row.case_id != case_id:
                raise ValidationError("material", "材料不属于该办件")
            material = row.name
        att = attach_scan(s, case, scan, actor.staff_id, ctx.now(), material_id, material)
        return info_of(att, ctx.data.root, actor.name, material)


def case_attachments(ctx: AppContext, actor: Actor, case_id: str) -> tuple[AttachmentInfo, ...]:
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        rows = s.execute(select(Attachment, Staff.name, CaseMaterial.name)
                         .outerjoin(Staff, Staff.id == Attachment.added_by_id)
                         .outerjoin(CaseMaterial, CaseMaterial.id == Attachment.case_material_id)
                         .where(Attachment.case_id == case_id).order_by(Attachment.added_at)).all()
        return tuple(info_of(a, ctx.data.root, who or "", mat or "") for a, who, mat in rows)


def read_attachment(ctx: AppContext, actor: Actor, attachment_id: str) -> tuple[AttachmentInfo, bytes]:
    """The stored scan, checked against its SHA-256."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        att = s.get(Attachment, attachment_id)
        if att is None:
            raise NotFound("附件不存在")
        info = info_of(att, ctx.data.root, "", "")
    try:
        data = read_stored(ctx.data.root, info.path, f"附件 {info.filename} ")
    except OSError as exc:
        raise AppError("missing_file", f"附件文件 {info.filename} 不存在或无法读取") from exc
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise AppError("tampered", f"附件 {info.filename} 与登记的摘要不符，可能已被改动")
    return info, data
