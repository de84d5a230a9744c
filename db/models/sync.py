"""The sync side of the workstation: outbox, counters, cursors, blob uploads, history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class OutboxOp(Base):
    """A state change waiting for (or acknowledged by) the central server.

    `device_seq` is AUTOINCREMENT so a number is never reused, even after the
    row with the highest number is deleted.
    """

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}
    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(32))
    payload_json: Mapped[str] = mapped_column(Text)
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending | acked | rejected
    result_json: Mapped[str] = mapped_column(Text, default="")
    acked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Frozen and signed as the use case commits (app.sync.op_signing): who did it, the op as it goes on the
    # wire, and the actor's Ed25519 signature over it. Empty on ops from before migration 0008 (unsigned).
    actor: Mapped[str] = mapped_column(String(64), default="", server_default="")
    wire_json: Mapped[str] = mapped_column(Text, default="", server_default="")
    signature: Mapped[str] = mapped_column(String(100), default="", server_default="")


class SigningKey(Base):
    """A member of staff's op-signing key at this workstation: private half sealed under their password."""

    __tablename__ = "signing_key"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the raw 32 bytes
    sealed: Mapped[str] = mapped_column(Text)  # "m=…,t=…,p=…$" base64(argon2id salt | AES-GCM nonce | ciphertext)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime)  # the server holds the public half


class CaseCounter(Base):
    """The per-day counter behind case numbers made at this workstation."""

    __tablename__ = "case_counter"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=1)


class BlobUpload(Base):
    """A content-addressed file (document PDF, attachment) and whether the server has it."""

    __tablename__ = "blob_upload"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(400))
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime)


class RemoteDocument(Base):
    """A document of a case pulled from the server whose file is not here yet.

    Pull pages are applied in one transaction with no HTTP inside, so the documents a page names
    are noted here and fetched afterwards; the Document row is added only once its file is stored.
    """

    __tablename__ = "remote_document"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64))
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)  # at the issuing workstation (UTC)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")


class RemoteScan(Base):
    """A scan of a case's materials taken at another workstation (the 一件事's shared papers at the comprehensive
    window, say) that the server holds and this one has not fetched yet; fetched after the pull like documents."""

    __tablename__ = "remote_scan"
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    material: Mapped[str] = mapped_column(String(200), default="")
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SyncRun(Base):
    """One sync attempt: what went up and came down, or why it failed."""

    __tablename__ = "sync_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    pushed: Mapped[int] = mapped_column(Integer, default=0)
    pulled: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
