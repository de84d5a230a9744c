"""告知承诺制: the post-check (事中事后核查) of a case approved on the applicant's commitment, and credit records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow

# 0015: the checks still to be done (none yet, or 暂无法核实) and the false commitments not yet revoked;
# the due panel reads only these rows
CHECK_OPEN_SQL = "revoked_at IS NULL AND (result IS NULL OR result IN ('unverifiable', 'false'))"


class CommitmentCheck(Base):
    """One case accepted on a written commitment: the terms it was signed on, its post-check and revocation."""

    __tablename__ = "commitment_check"
    __table_args__ = (
        Index("ix_commitment_check_open", "window_id", "due", sqlite_where=text(CHECK_OPEN_SQL)),
        Index("ix_commitment_check_committed", "committed_on"),
    )
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    item_code: Mapped[str] = mapped_column(String(64))
    terms_json: Mapped[str] = mapped_column(Text)  # the catalog's commitment terms as signed (never rewritten)
    scan_attachment_id: Mapped[str | None] = mapped_column(ForeignKey("attachment.id"))
    committed_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(16))  # true | false | unverifiable
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    revocation_document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))


class CreditRecord(Base):
    """A credit-record entry (信用记录): a false commitment found by the post-check, kept for the figures."""

    __tablename__ = "credit_record"
    __table_args__ = (Index("ix_credit_record_at", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # false_commitment
    subject_name: Mapped[str] = mapped_column(String(200))
    subject_id_number: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
