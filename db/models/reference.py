"""Reference data sent down by the central server: hall, staff, catalog, calendar, seals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, utcnow


class Hall(Base):
    """The service hall this workstation belongs to (one row)."""

    __tablename__ = "hall"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50))
    region_code: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    complaint_phone: Mapped[str] = mapped_column(String(50), default="")
    verify_base_url: Mapped[str] = mapped_column(String(300), default="")
    # Named in every refusal and denial: where the applicant may seek reconsideration or sue.
    reconsideration_body: Mapped[str] = mapped_column(String(200), default="", server_default="")
    court: Mapped[str] = mapped_column(String(200), default="", server_default="")


class Department(Base):
    """A department (局/委) that runs a window in the hall."""

    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(50))
    uscc: Mapped[str] = mapped_column(String(18), default="")
    address: Mapped[str] = mapped_column(String(300), default="")


class Window(Base):
    """A window (窗口) of a department in the hall."""

    __tablename__ = "window"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    phone: Mapped[str] = mapped_column(String(50), default="")
    department: Mapped[Department] = relationship()


class Staff(Base):
    """A member of staff; the password is kept only as a slow salted hash."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))  # clerk | chief | admin
    window_id: Mapped[int | None] = mapped_column(ForeignKey("window.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    phone: Mapped[str] = mapped_column(String(50), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CatalogVersion(Base):
    """A version of the item catalog; versions open cases still reference are kept."""

    __tablename__ = "catalog_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # demo | server | import
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    current: Mapped[bool] = mapped_column(Boolean, default=False)


class Item(Base):
    """An item (事项) of the published catalog with its whole guide."""

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("catalog_version_id", "code"),
        Index("ix_item_initials", "pinyin_initials"),
        Index("ix_item_name", "name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    processing_type: Mapped[str] = mapped_column(String(16))  # immediate | promised | forwarded
    review_mode: Mapped[str] = mapped_column(String(16))  # single | double
    site_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    expert_review: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_days: Mapped[int] = mapped_column(Integer, default=0)
    promised_days: Mapped[int] = mapped_column(Integer, default=0)
    fee: Mapped[str] = mapped_column(String(300), default="")
    fee_basis: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    enquiry_phone: Mapped[str] = mapped_column(String(50), default="")
    complaint_phone: Mapped[str] = mapped_column(String(50), default="")
    certificate_type_code: Mapped[str | None] = mapped_column(String(64))
    pinyin_initials: Mapped[str] = mapped_column(String(200), default="")
    pinyin_full: Mapped[str] = mapped_column(String(800), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 0015 告知承诺制: the catalog's commitment terms as JSON (app.reference.commitment_terms), "" for none
    commitment_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    department: Mapped[Department] = relationship()
    materials: Mapped[list[ItemMaterial]] = relationship(
        order_by="ItemMaterial.seq", cascade="all, delete-orphan"
    )


class ItemMaterial(Base):
    """One required material of an item (the only materials a window may ask for, art. 31)."""

    __tablename__ = "item_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(24))  # original | copy | original_and_copy
    copies: Mapped[int] = mapped_column(Integer, default=1)
    template: Mapped[str] = mapped_column(String(300), default="")
    may_defer: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class CalendarVersion(Base):
    """A version of the working-day calendar; deadlines remember which one computed them."""

    __tablename__ = "calendar_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # seed | server
    official_through: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    current: Mapped[bool] = mapped_column(Boolean, default=False)


class CalendarDay(Base):
    """One day of a calendar version."""

    __tablename__ = "calendar_day"
    version_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_version.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(String(12))  # workday | weekend | holiday | makeup
    name: Mapped[str | None] = mapped_column(String(32))
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)


class Seal(Base):
    """The window's 行政审批服务专用章 and its status (a seal can be revoked or sealed away)."""

    __tablename__ = "seal"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))
    org_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(100))
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    status: Mapped[str] = mapped_column(String(16))  # active | revoked | sealed_away | lost
    valid_from: Mapped[date] = mapped_column(Date)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    cert_fingerprint: Mapped[str] = mapped_column(String(128), default="")


class SealAuthorization(Base):
    """A custodian's standing authorisation of a clerk to seal routine notices, with its period."""

    __tablename__ = "seal_authorization"
    id: Mapped[int] = mapped_column(primary_key=True)
    seal_id: Mapped[int] = mapped_column(ForeignKey("seal.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Delegation(Base):
    """An item the department delegated to a chief representative, for a period."""

    __tablename__ = "delegation"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    chief_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class Deputy(Base):
    """A deputy named for a chief representative's absence (recorded with reason)."""

    __tablename__ = "deputy"
    id: Mapped[int] = mapped_column(primary_key=True)
    chief_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    # The department's document naming this person to sign off for the chief (e.g. 云市监人〔2026〕57号).
    # Needed unless the deputy is a chief representative of the department (app.signoff.delegations).
    named_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CertificateType(Base):
    """A certificate (证照) type as data: fields, layout, number format, validity rule."""

    __tablename__ = "certificate_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    spec_json: Mapped[str] = mapped_column(Text)  # layout, fields, number format, validity


class Setting(Base):
    """Key/value facts about this workstation and its data (device, versions, cursors)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
