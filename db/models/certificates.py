"""Certificates (证照), leased number blocks, and handovers (送达)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, new_uuid, utcnow


class NumberBlock(Base):
    """A block of certificate numbers leased from the server, used offline in order."""

    __tablename__ = "number_block"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    certificate_type_code: Mapped[str] = mapped_column(String(64), index=True)
    prefix: Mapped[str] = mapped_column(String(64))
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    next_value: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    leased_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # demo | server


class CertificateNumber(Base):
    """What became of each number taken from a block: used, voided or returned unused."""

    __tablename__ = "certificate_number"
    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    block_id: Mapped[str] = mapped_column(ForeignKey("number_block.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # used | voided | returned
    certificate_id: Mapped[str | None] = mapped_column(ForeignKey("certificate.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")


class Certificate(Base):
    """An issued certificate; a void keeps it in the register, a reissue refers back to it."""

    __tablename__ = "certificate"
    # ix_certificate_issued: the register's order, so a page stops after its lines (migration 0012)
    __table_args__ = (UniqueConstraint("number"), Index("ix_certificate_issued", "issued_on", "number"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    number: Mapped[str] = mapped_column(String(64))
    type_code: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(200), index=True)
    holder_id_number: Mapped[str] = mapped_column(String(40), index=True)
    fields_json: Mapped[str] = mapped_column(Text, default="{}")
    issued_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16))  # issued | delivered | voided
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    replaces_id: Mapped[str | None] = mapped_column(ForeignKey("certificate.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Delivery(Base):
    """A handover (送达) of a document or certificate, to the minute, with its proof."""

    __tablename__ = "delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    certificate_id: Mapped[str | None] = mapped_column(ForeignKey("certificate.id"))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    recipient_name: Mapped[str] = mapped_column(String(100))
    recipient_id_type: Mapped[str] = mapped_column(String(32))
    recipient_id_number: Mapped[str] = mapped_column(String(40))
    relation: Mapped[str] = mapped_column(String(50), default="本人")
    method: Mapped[str] = mapped_column(String(16))  # in_person | post | witness | entrusted | electronic | public
    tracking_no: Mapped[str] = mapped_column(String(64), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    proof_document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
