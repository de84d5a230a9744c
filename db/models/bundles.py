"""一件事一次办: the catalog's themes (a named set of items across departments) and the bundles made of them.

A bundle is one application at the comprehensive window; each of its items is an ordinary case (a sub-case)
that carries `case.bundle_id`, so everything the single-item path does (deadlines, sign-off, seal, sync)
applies to the parts unchanged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, new_uuid, utcnow

# The comprehensive window's desk reads only the bundles still needing work; SQLite uses the partial
# index only when the query repeats this WHERE word for word (app/bundles/bundle_desk.py does).
BUNDLE_DESK_WHERE = "state IN ('received', 'open', 'notified', 'ready', 'stopped')"


class CatalogTheme(Base):
    """A 一件事 theme of one catalog version, kept as the catalog published it (parts, 前置 order,
    shared form fields, papers that are one paper under several names)."""

    __tablename__ = "catalog_theme"
    __table_args__ = (UniqueConstraint("catalog_version_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    spec_json: Mapped[str] = mapped_column(Text, default="{}")


class Bundle(Base):
    """One 一件事 application: received at the comprehensive window, handed over there in one go."""

    __tablename__ = "bundle"
    __table_args__ = (Index("ix_bundle_window_received", "window_id", "received_at"),
                      Index("ix_bundle_desk_open", "window_id", "received_at", "id",
                            sqlite_where=text(BUNDLE_DESK_WHERE)))
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    bundle_no: Mapped[str] = mapped_column(String(40), unique=True)
    theme_code: Mapped[str] = mapped_column(String(64), default="")
    theme_name: Mapped[str] = mapped_column(String(200))
    window_id: Mapped[int] = mapped_column(ForeignKey("window.id"))  # the comprehensive window
    clerk_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_id_number: Mapped[str] = mapped_column(String(40))
    applicant_phone: Mapped[str] = mapped_column(String(40), default="")
    fields_json: Mapped[str] = mapped_column(Text, default="{}")  # the combined form's shared fields
    state: Mapped[str] = mapped_column(String(24))  # open | notified | refused | handed_over
    received_at: Mapped[datetime] = mapped_column(DateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime)
    origin_device: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
