"""The central server's own tables (SQLite embedded, PostgreSQL in production — the same models)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Hall(Base):
    __tablename__ = "hall"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    doc_json: Mapped[str] = mapped_column(Text)  # name, short name, phones, verify URL … as in hall.json


class Department(Base):
    __tablename__ = "department"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50))
    uscc: Mapped[str] = mapped_column(String(18), default="")
    address: Mapped[str] = mapped_column(String(300), default="")


class Window(Base):
    __tablename__ = "window"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    phone: Mapped[str] = mapped_column(String(50), default="")


class Staff(Base):
    __tablename__ = "staff"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # clerk | chief | admin
    window_code: Mapped[str | None] = mapped_column(ForeignKey("window.code"))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"))
    phone: Mapped[str] = mapped_column(String(50), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class Seal(Base):
    __tablename__ = "seal"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    window_code: Mapped[str] = mapped_column(ForeignKey("window.code"))
    org_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(100))
    custodian: Mapped[str | None] = mapped_column(ForeignKey("staff.username"))
    status: Mapped[str] = mapped_column(String(16))  # active | revoked | sealed_away | lost
    valid_from: Mapped[date] = mapped_column(Date)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Delegation(Base):
    __tablename__ = "delegation"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    chief: Mapped[str] = mapped_column(ForeignKey("staff.username"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class Deputy(Base):
    __tablename__ = "deputy"
    id: Mapped[int] = mapped_column(primary_key=True)
    chief: Mapped[str] = mapped_column(ForeignKey("staff.username"))
    deputy: Mapped[str] = mapped_column(ForeignKey("staff.username"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    named_by: Mapped[str] = mapped_column(String(200), default="")  # the department's naming of a non-chief


class ReferenceDoc(Base):
    """A versioned reference document (catalog version, a year's calendar, certificate types)."""

    __tablename__ = "reference_doc"
    __table_args__ = (UniqueConstraint("kind", "label"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # catalog | calendar_year | certificate_types
    label: Mapped[str] = mapped_column(String(64))
    doc_json: Mapped[str] = mapped_column(Text)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)


class Device(Base):
    """An enrolled workstation: its window, its secret's hash, and where its op sequence stands."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    window_code: Mapped[str] = mapped_column(ForeignKey("window.code"))
    name: Mapped[str] = mapped_column(String(100), default="")
    secret_sha256: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    mark: Mapped[int] = mapped_column(Integer, default=0)  # highest contiguous seq applied in this epoch
    epoch_open: Mapped[bool] = mapped_column(Boolean, default=False)  # False: the next seq pushed opens the epoch
    max_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest seq ever applied (any epoch)


class EnrolmentCode(Base):
    __tablename__ = "enrolment_code"
    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_code: Mapped[str] = mapped_column(ForeignKey("window.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    device_id: Mapped[str | None] = mapped_column(String(36))


class StaffToken(Base):
    __tablename__ = "staff_token"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("staff.username"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class StaffKey(Base):
    """A member of staff's op-signing public key at one device, registered by their own online sign-in there."""

    __tablename__ = "staff_key"
    __table_args__ = (UniqueConstraint("device_id", "username", "public_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    username: Mapped[str] = mapped_column(ForeignKey("staff.username"))
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw Ed25519 bytes
    registered_at: Mapped[datetime] = mapped_column(DateTime)


class AppliedOp(Base):
    """Every op received, with the result it got: a repeat is answered from here."""

    __tablename__ = "applied_op"
    __table_args__ = (UniqueConstraint("device_id", "epoch", "device_seq"),
                      Index("ix_applied_op_device_day", "device_id", "local_day"))
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UNIQUE across the hall
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"))
    epoch: Mapped[int] = mapped_column(Integer)
    device_seq: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    op: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)  # at the workstation
    local_day: Mapped[date] = mapped_column(Date)  # hall-local day of created_at (reconciliation)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    result_json: Mapped[str] = mapped_column(Text)
    payload_json: Mapped[str] = mapped_column(Text)


class Case(Base):
    """The hall's record of a case; `record_json` holds the whole case as the protocol sends it."""

    __tablename__ = "case"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    window_code: Mapped[str] = mapped_column(String(32), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24))
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    promised_deadline: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    record_json: Mapped[str] = mapped_column(Text)


class Certificate(Base):
    """Issued certificates as the public verification page knows them."""

    __tablename__ = "certificate"
    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    type_code: Mapped[str] = mapped_column(String(64))
    type_name: Mapped[str] = mapped_column(String(200))
    holder_name: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    window_code: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str] = mapped_column(String(36), default="")
    status: Mapped[str] = mapped_column(String(16))  # valid | voided | revoked (告知承诺 found false)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)


class NumberCounter(Base):
    """Next free certificate number per type and prefix (blocks are leased from here)."""

    __tablename__ = "number_counter"
    type_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, default=1)


class NumberLease(Base):
    __tablename__ = "number_lease"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    type_code: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(64))
    first: Mapped[int] = mapped_column(BigInteger)
    last: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int] = mapped_column(Integer)
    leased_at: Mapped[datetime] = mapped_column(DateTime)


class AuditAnchor(Base):
    """A workstation's audit-chain head as first received with a push (issue #16): the row a later rewrite of
    the workstation's log can no longer match."""

    __tablename__ = "audit_anchor"
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    local_day: Mapped[date] = mapped_column(Date)


class Blob(Base):
    """A document file, content-addressed."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime)
    device_id: Mapped[str] = mapped_column(String(36), default="")


class ChangeCounter(Base):
    """One row: the last change number handed out. Locked by every writer of changes, so change
    numbers are given out in commit order and a reader's cursor never skips a late commit."""

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ChangeRow(Base):
    """What workstations pull: a case, a seal or the delegations as they now stand."""

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_window_seq", "window_code", "seq"),)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    window_code: Mapped[str | None] = mapped_column(String(32))  # None: for every window
    data_json: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)


class AdminEvent(Base):
    """What administrators did on the server (CLI), for the record."""

    __tablename__ = "admin_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(100))
    detail_json: Mapped[str] = mapped_column(Text, default="{}")


class Consultation(Base):
    """A consultation recorded at a window (首问负责制), as its workstation sent it; counted per window and item."""

    __tablename__ = "consultation"
    __table_args__ = (Index("ix_consultation_window_day", "window_code", "local_day"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    window_code: Mapped[str] = mapped_column(ForeignKey("window.code"))
    staff: Mapped[str] = mapped_column(ForeignKey("staff.username"))  # the person asked first, responsible
    device_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime] = mapped_column(DateTime)
    local_day: Mapped[date] = mapped_column(Date)
    item_codes: Mapped[str] = mapped_column(Text)  # JSON list, in the order asked
    referral_window_code: Mapped[str | None] = mapped_column(ForeignKey("window.code"))
    case_no: Mapped[str | None] = mapped_column(String(32))  # the intake it became
    record_json: Mapped[str] = mapped_column(Text)  # the whole record as sent (name, phone, question, answer)
    received_at: Mapped[datetime] = mapped_column(DateTime)


class SiteVisit(Base):
    """A site visit (现场核查) of a case as its window scheduled it, and its result: the server refuses a decision
    on a case while one of its visits has no result (#21 part 4)."""

    __tablename__ = "site_visit"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    window_code: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)
    scheduled_by: Mapped[str] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(String(16))  # meets | rectify | fails
    rectify_due: Mapped[date | None] = mapped_column(Date)
    result_by: Mapped[str | None] = mapped_column(String(64))
    record_json: Mapped[str] = mapped_column(Text)  # the visit as the workstation sent it (inspectors, checks …)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
class Commitment(Base):
    """A case approved on the applicant's commitment (告知承诺), its post-check and its revocation, as the hall
    knows them: the item is a 告知承诺 item of the server's own catalog, the result is recorded by the case's
    window, and only that window's chief representative revokes."""

    __tablename__ = "commitment"
    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32))
    window_code: Mapped[str] = mapped_column(ForeignKey("window.code"), index=True)
    item_code: Mapped[str] = mapped_column(String(64))
    committed_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    check_days: Mapped[int] = mapped_column(Integer)  # from the server's catalog
    result: Mapped[str | None] = mapped_column(String(16))  # true | false | unverifiable
    checked_on: Mapped[date | None] = mapped_column(Date)
    checked_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")  # what the check found (the credit record's reason)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revocation_document: Mapped[str] = mapped_column(String(64), default="")


class CreditRecord(Base):
    """A credit-record entry (信用记录) the hall keeps: an approval revoked on a false commitment, made by the
    server itself when it applies the revocation (the window's other workstations learn it from the change feed)."""

    __tablename__ = "credit_record"
    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # one revocation per case
    window_code: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # false_commitment
    subject_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
