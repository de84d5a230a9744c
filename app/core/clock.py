"""The one clock reading the database stores: naive UTC (hall wall-clock conversions live in context)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Naive UTC, as stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)
