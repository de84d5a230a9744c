"""Documents, their printing, and the seal usage register."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, new_uuid, utcnow


class Document(Base):
    """A document issued for a case: its number, kind, hash and stored PDF (never rewritten)."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("kind", "number"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # verification and pulled documents look up by hash
    path: Mapped[str] = mapped_column(String(400))  # relative to the data directory
    size: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))


class PrintJob(Base):
    """One printing of a document: original or 副本, printer, result."""

    __tablename__ = "print_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    printer: Mapped[str] = mapped_column(String(200))
    copy: Mapped[bool] = mapped_column(Boolean, default=False)  # a reprint carries 副本
    result: Mapped[str] = mapped_column(String(16))  # ok | failed | cancelled
    message: Mapped[str] = mapped_column(Text, default="")


class DocumentCounter(Base):
    """Next document number per kind and year on this workstation (the number carries the device code)."""

    __tablename__ = "document_counter"
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=1)


class SealUse(Base):
    """The seal usage register (用印登记): append-only, one row per impression set."""

    __tablename__ = "seal_use"
    id: Mapped[int] = mapped_column(primary_key=True)
    seal_id: Mapped[int] = mapped_column(ForeignKey("seal.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("document.id"))
    document_kind: Mapped[str] = mapped_column(String(32))
    document_number: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    impressions: Mapped[int] = mapped_column(Integer, default=1)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    authorised_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    authorisation: Mapped[str] = mapped_column(String(16))  # standing | password
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

