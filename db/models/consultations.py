"""Consultations (咨询) at a window under 首问负责制: who asked about which items, and what they were told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, new_uuid, utcnow


class Consultation(Base):
    """One visitor's question at the counter. The staff member asked first stays responsible for it
    (首问负责), also when the item belongs to another window (the referral names that window)."""

    __tablename__ = "consultation"
    __table_args__ = (Index("ix_consultation_window_at", "window_id", "at"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # the first person asked
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    person_name: Mapped[str] = mapped_column(String(100), default="")
    person_phone: Mapped[str] = mapped_column(String(40), default="")
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    referral_window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    notice_document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case.id"), index=True)  # the intake it became
    origin_device: Mapped[str] = mapped_column(String(16), default="")
    items: Mapped[list[ConsultationItem]] = relationship(order_by="ConsultationItem.seq",
                                                         cascade="all, delete-orphan")


class ConsultationItem(Base):
    """An item asked about, stored as it was named then (a later catalog does not rewrite it)."""

    __tablename__ = "consultation_item"
    __table_args__ = (Index("ix_consultation_item_code", "item_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    item_code: Mapped[str] = mapped_column(String(64))
    item_name: Mapped[str] = mapped_column(String(200))
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))  # the window that handles it
