"""Site visits (现场踏勘/核查) of a case: scheduled by the window, a notice for the applicant, a result with photos.

The visit's time counts within the legal limit (it is not one of art. 45's suspensions), so nothing here moves a
deadline. A decision waits for the result of every visit scheduled on the case.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, new_uuid, utcnow


class SiteVisit(Base):
    __tablename__ = "site_visit"
    __table_args__ = (Index("ix_site_visit_case_id", "case_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    scheduled_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    inspectors_json: Mapped[str] = mapped_column(Text)  # JSON list of names, at least two (two law-enforcement staff)
    checks: Mapped[str] = mapped_column(Text)  # what to check, as printed on the notice
    scheduled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    scheduled_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    notice_document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    result: Mapped[str | None] = mapped_column(String(16))  # meets | rectify | fails; None until recorded
    result_note: Mapped[str] = mapped_column(Text, default="")
    rectify_due: Mapped[date | None] = mapped_column(Date)  # 限期整改: the deadline given to the applicant
    result_at: Mapped[datetime | None] = mapped_column(DateTime)
    result_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Photos with the result: linked below where they were taken; a count where the result was pulled.
    photo_count: Mapped[int] = mapped_column(Integer, default=0)
    # 0018: the photos' SHA-256 as the server holds them (JSON list, at most 20): where the result was pulled,
    # each one is fetched from the server when the clerk asks, then linked below like a photo taken here.
    photo_hashes_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class SiteVisitPhoto(Base):
    """A photo taken on the visit: an attachment of the case (stored sealed like every scan)."""

    __tablename__ = "site_visit_photo"
    site_visit_id: Mapped[str] = mapped_column(ForeignKey("site_visit.id", ondelete="CASCADE"), primary_key=True)
    attachment_id: Mapped[str] = mapped_column(ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True)
