"""How a server instance is set up: its database, clock and token lifetimes."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from platformdirs import user_data_path

HALL_TZ = ZoneInfo("Asia/Shanghai")
DB_ENV = "ONEWINDOW_SERVER_DB"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_day(at: datetime) -> date:
    """The hall-local day of a naive-UTC instant."""
    return at.replace(tzinfo=UTC).astimezone(HALL_TZ).date()


def default_db_url(demo: bool) -> str:
    """ONEWINDOW_SERVER_DB, else an SQLite file in the per-user data folder (the demo apart)."""
    if os.environ.get(DB_ENV):
        return os.environ[DB_ENV]
    folder = Path(user_data_path("OneWindow-server" + ("-demo" if demo else ""), appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'server.sqlite'}"


@dataclass
class ServerConfig:
    db_url: str
    clock: Callable[[], datetime] = field(default=utc_now)
    token_ttl: timedelta = timedelta(days=7)
    enrol_code_ttl: timedelta = timedelta(hours=24)

    def now(self) -> datetime:
        return self.clock()
