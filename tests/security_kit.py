"""Security tests' kit: raw HTTP to a real uvicorn server (tests/sync_testkit.py) on a fresh demo database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from sync_testkit import (
    Clock,
    LiveServer,
    Workstation,
    enrolment_code,
    memory_keyring,
    seed_demo,
    server_database,
)

PASSWORD = "demo2026"


class Hall:
    """A live server and the raw requests an attacker with a clerk's own credentials could send."""

    def __init__(self, server: LiveServer) -> None:
        self.server, self.url = server, server.url
        self.http = requests.Session()

    def enrol(self, window: str = "W01") -> dict[str, str]:
        got = self.http.post(f"{self.url}/v1/enrol", json={"code": enrolment_code(self.server, window),
                                                            "workstation_name": "t"}, timeout=30)
        assert got.status_code == 200, got.text
        body = got.json()
        return {"X-OneWindow-Device": body["device_id"], "X-OneWindow-Secret": body["device_secret"]}

    def login(self, device: dict[str, str], username: str = "zhangmin") -> dict[str, str]:
        got = self.http.post(f"{self.url}/v1/login", headers=device,
                             json={"username": username, "password": PASSWORD}, timeout=30)
        assert got.status_code == 200, got.text
        return {**device, "Authorization": f"Bearer {got.json()['token']}"}

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        return self.http.request(method, self.url + path, timeout=60, **kw)


@contextmanager
def live_hall(url: str) -> Iterator[Hall]:
    clock = Clock()
    seed_demo(url, clock)
    server = LiveServer(url, clock).start()
    h = Hall(server)
    try:
        yield h
    finally:
        h.http.close()
        server.stop()


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    with live_hall(f"sqlite:///{tmp_path / 'server.sqlite'}") as h:
        yield h


@pytest.fixture(params=["sqlite", "postgresql"])
def any_hall(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hall]:
    """The hall on each database the server supports (PostgreSQL skipped when none can be started)."""
    with server_database(request.param, tmp_path) as url, live_hall(url) as h:
        yield h


@pytest.fixture
def station(hall: Hall, demo_template: Path, tmp_path: Path) -> Iterator[Workstation]:
    """A demo workstation enrolled at W01 with zhangmin signed in to the hall's server (a test keyring)."""
    with memory_keyring():
        ws = Workstation(demo_template, tmp_path / "ws", hall.server.clock)
        ws.enrol(hall.server, enrolment_code(hall.server))
        ws.sign_in("zhangmin")
        yield ws
        ws.close()
