"""Declarative base and shared column types for every OneWindow table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# A fixed naming convention gives every constraint a stable name, which Alembic's
# batch mode needs to alter SQLite tables (SQLite cannot ALTER a constraint in place).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all models; metadata carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_uuid() -> str:
    """A random UUID as text: ids are made at the workstation, offline."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Naive UTC timestamp: the database stores every instant in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)
