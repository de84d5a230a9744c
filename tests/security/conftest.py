"""Security tests: a real server (uvicorn on 127.0.0.1) spoken to over raw HTTP, as an attacker would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from security_kit import any_hall, hall, station  # noqa: F401 (fixtures of the hardening tests)
from server_api_kit import Api
from sync_testkit import Clock, LiveServer, Workstation, memory_keyring, seed_demo


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def live_server(tmp_path: Path, clock: Clock) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(url, clock)
    server = LiveServer(url, clock).start()
    yield server
    server.stop()


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[Api]:
    a = Api.live(live_server)
    yield a
    a.http.close()


@pytest.fixture
def workstations(demo_template: Path, tmp_path: Path, clock: Clock) -> Iterator[Callable[[str], Workstation]]:
    made: list[Workstation] = []
    with memory_keyring():
        def make(name: str) -> Workstation:
            ws = Workstation(demo_template, tmp_path / name, clock)
            made.append(ws)
            return ws

        yield make
        for ws in made:
            ws.close()

