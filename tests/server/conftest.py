"""Server test fixtures: each database the server supports, a live server, workstations, a test keyring."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_testkit import (
    Clock,
    LiveServer,
    Workstation,
    demo_server,
    memory_keyring,
    server_database,
    workstation_factory,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh server database: embedded SQLite, and PostgreSQL (skipped, or failed under ONEWINDOW_REQUIRE_PG=1)."""
    with server_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite'}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def live_server(server_db: str, clock: Clock) -> Iterator[LiveServer]:
    with demo_server(server_db, clock) as server:
        yield server


@pytest.fixture
def keyring_ring(demo_template: Path) -> Iterator[object]:
    # demo_template first: its seal passphrases must not land in a keyring that dies with the test.
    with memory_keyring() as ring:
        yield ring


@pytest.fixture
def workstations(demo_template: Path, tmp_path: Path, clock: Clock,
                 keyring_ring: object) -> Iterator[Callable[[str], Workstation]]:
    with workstation_factory(demo_template, tmp_path, clock) as make:
        yield make
