"""Security tests: a real server (uvicorn on 127.0.0.1) spoken to over raw HTTP, as an attacker would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from security_kit import any_hall, hall, station  # noqa: F401 (fixtures of the hardening tests)
from server_api_kit import Api
from sync_testkit import Clock, LiveServer, Workstation, demo_server, memory_keyring, workstation_factory


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def live_server(tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    with demo_server(f"sqlite:///{tmp_path / 'server.sqlite'}", clock) as server:
        yield server


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[Api]:
    a = Api.live(live_server)
    yield a
    a.http.close()


@pytest.fixture
def workstations(demo_template: Path, tmp_path: Path, clock: Clock) -> Iterator[Callable[[str], Workstation]]:
    with memory_keyring(), workstation_factory(demo_template, tmp_path, clock) as make:
        yield make
