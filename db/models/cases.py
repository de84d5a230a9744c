"""Cases (办件) and everything that happens to them at the window."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, new_uuid, utcnow

DESK_PENDING_SQL = ("state IN ('accepted', 'under_review', 'forwarded') "
                    "OR (state IN ('approved', 'denied') AND approver_id IS NULL)")
AWAITING_ISSUE_SQL = "state = 'approved' AND decision = 'approved'"
# 0013 (上报 within two working days): cases still to be forwarded, the only rows the due panel reads for it
FORWARD_PENDING_SQL = ("forward_due IS NOT NULL AND forwarded_at IS NULL "
                       "AND state IN ('accepted', 'under_review', 'awaiting_signoff')")


class Case(Base):
    """A case: made at the workstation (UUID and case number), changed only through app/.

    The applicant and item are stored as they were at intake: a later catalog or
    staff change must not rewrite what was printed.
    """

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_state_legal", "state", "legal_deadline"),
        Index("ix_case_window_received", "window_id", "received_at"),
        Index("ix_case_applicant_name", "applicant_name"),
        Index("ix_case_applicant_id", "applicant_id_number"),
        # 0003 (case desk): keyset pages, figures, and the running cases in deadline order
        Index("ix_case_received_at", "received_at"),
        Index("ix_case_state_received", "state", "received_at"),
        Index("ix_case_item_received", "item_code", "received_at"),
        Index("ix_case_accepted_at", "accepted_at"),
        Index("ix_case_decided_at", "decided_at"),
        Index("ix_case_running_promised", "promised_deadline",
              sqlite_where=text("state IN ('accepted', 'under_review', 'awaiting_signoff', 'forwarded')")),
        # 0007 (desks at a million cases): only the rows a desk shows; queries repeat these WHEREs verbatim
        Index("ix_case_desk_pending", "window_id", "promised_deadline", sqlite_where=text(DESK_PENDING_SQL)),
        Index("ix_case_awaiting_issue", "issue_deadline", sqlite_where=text(AWAITING_ISSUE_SQL)),
        Index("ix_case_forward_pending", "window_id", "forward_due", sqlite_where=text(FORWARD_PENDING_SQL)),
        # 0012: the due panel's "date moved" list walks only moved cases (a scan of every case otherwise)
        Index("ix_case_moved", "received_at", sqlite_where=text("deadline_moved = 1")),
        Index("ix_case_moved_window", "window_id", "received_at", sqlite_where=text("deadline_moved = 1")),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(24))
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    item_name: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    processing_type: Mapped[str] = mapped_column(String(16))
    review_mode: Mapped[str] = mapped_column(String(16))
    # applicant: person or organisation, plus an optional agent (代理人)
    applicant_kind: Mapped[str] = mapped_column(String(8))  # person | org
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_type: Mapped[str] = mapped_column(String(32))  # IdType value or "uscc"
    applicant_id_number: Mapped[str] = mapped_column(String(40))
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    applicant_address: Mapped[str] = mapped_column(String(300), default="")
    legal_rep: Mapped[str] = mapped_column(String(100), default="")
    agent_name: Mapped[str] = mapped_column(String(100), default="")
    agent_id_type: Mapped[str] = mapped_column(String(32), default="")
    agent_id_number: Mapped[str] = mapped_column(String(40), default="")
    agent_phone: Mapped[str] = mapped_column(String(40), default="")
    # time
    received_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    clock_start: Mapped[date | None] = mapped_column(Date)  # acceptance day, or the 补正 day
    notice_due: Mapped[date | None] = mapped_column(Date)  # art. 32: 5 working days after receipt
    deemed_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_days: Mapped[int] = mapped_column(Integer, default=0)
    promised_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    promised_deadline: Mapped[date | None] = mapped_column(Date)
    legal_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    issue_deadline: Mapped[date | None] = mapped_column(Date)  # art. 44: certificate within 10 days
    # 上报: two working days from the day the papers are complete; when it was forwarded (0013)
    forward_due: Mapped[date | None] = mapped_column(Date)
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_version: Mapped[str] = mapped_column(String(64), default="")
    printed_promised: Mapped[date | None] = mapped_column(Date)  # as printed on the notice
    deadline_moved: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision: Mapped[str | None] = mapped_column(String(16))  # approved | denied
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # people
    clerk_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_basis: Mapped[str] = mapped_column(Text, default="")
    competent_authority: Mapped[str] = mapped_column(String(200), default="")
    # the signed approval's terms as printed on the decision: the certificate is drawn from them
    decision_content: Mapped[str] = mapped_column(Text, default="", server_default="")
    decision_validity: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # bookkeeping
    # 0014 (一件事一次办): the bundle this case is a part of, and the parts (case ids, JSON) it waits on (前置).
    # No foreign key: SQLite adds one only by rebuilding the case table; the bundle use cases keep it true.
    bundle_id: Mapped[str | None] = mapped_column(String(36), index=True)
    bundle_after: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    origin_device: Mapped[str] = mapped_column(String(16), default="")
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    materials: Mapped[list[CaseMaterial]] = relationship(
        order_by="CaseMaterial.seq", cascade="all, delete-orphan"
    )


class CaseMaterial(Base):
    """A material of the case's checklist: received, checked, defective or deferred (容缺)."""

    __tablename__ = "case_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item_material_id: Mapped[int | None] = mapped_column(ForeignKey("item_material.id"))
    name: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(24))
    copies_required: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16))  # received | missing | defective | deferred
    original_checked: Mapped[bool] = mapped_column(Boolean, default=False)
    copies_received: Mapped[int] = mapped_column(Integer, default=0)
    defect: Mapped[str] = mapped_column(Text, default="")  # what is wrong / what is required
    deferred_due: Mapped[date | None] = mapped_column(Date)
    notice_document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class CaseEvent(Base):
    """Who did what to a case, when, and why: the case's timeline."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_to_state_at", "to_state", "at"),)  # 0003: figures by transition
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    data_json: Mapped[str] = mapped_column(Text, default="{}")


class DeadlineChange(Base):
    """Every change of a deadline, with its reason and the calendar version behind it."""

    __tablename__ = "deadline_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    which: Mapped[str] = mapped_column(String(16))  # promised | legal | notice | issue
    old: Mapped[date | None] = mapped_column(Date)
    new: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    calendar_version: Mapped[str] = mapped_column(String(64), default="")
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)


class Suspension(Base):
    """A special procedure of art. 45 that stops the clock (start and end day included)."""

    __tablename__ = "suspension"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # hearing | bidding | auction | inspection | ...
    basis: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[date] = mapped_column(Date)
    expected_days: Mapped[int] = mapped_column(Integer)
    ended_on: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Extension(Base):
    """An art. 42 extension (+10 or +15 working days) with approver and written reason."""

    __tablename__ = "extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    approver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    document_id: Mapped[str | None] = mapped_column(ForeignKey("document.id"))


class Attachment(Base):
    """A scanned material (PDF/JPEG/PNG) stored content-addressed in the data directory."""

    __tablename__ = "attachment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    case_material_id: Mapped[int | None] = mapped_column(ForeignKey("case_material.id"))
    filename: Mapped[str] = mapped_column(String(300))
    mime: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Review(Base):
    """A review opinion or sign-off (审查意见 / 核准签发); reviewer and approver differ (art. 34)."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))  # review | approve | forward | backoffice
    outcome: Mapped[str] = mapped_column(String(16))  # approve | deny | forward
    opinion: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # deputy signing
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Rating(Base):
    """政务服务"好差评": a rating the applicant chose to give; never filled in by default."""

    __tablename__ = "rating"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # acceptance | completion
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 … 1 非常不满意
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16))  # device | qr | paper
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    follow_up_done_at: Mapped[datetime | None] = mapped_column(DateTime)


class IntakeDraft(Base):
    """The intake form as the clerk left it: survives interruptions and crashes."""

    __tablename__ = "intake_draft"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    payload_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
