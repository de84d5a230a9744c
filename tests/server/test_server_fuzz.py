"""schemathesis against the published OpenAPI spec: whatever it sends, the server never answers 5xx."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import schemathesis
from fuzz_kit import fuzz
from sync_testkit import Clock, seed_demo

from server import admin
from server.api import create_app
from server.config import ServerConfig
from server.db import session_factory, transaction

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
EXAMPLES = 25  # per operation: the whole run stays well under a minute on both databases


def _credentials(app: object, clock: Clock) -> dict[str, str]:
    from fastapi.testclient import TestClient

    http = TestClient(app)  # type: ignore[arg-type]
    with transaction(session_factory(app.state.engine)) as s:  # type: ignore[attr-defined]
        code = admin.new_code(s, "W01", timedelta(hours=1), clock.now())
    got = http.post("/v1/enrol", json={"code": code}).json()
    device = {"X-OneWindow-Device": got["device_id"], "X-OneWindow-Secret": got["device_secret"]}
    token = http.post("/v1/login", headers=device, json={"username": "zhangmin", "password": "demo2026"}).json()
    return {**device, "Authorization": f"Bearer {token['token']}"}


def test_no_input_makes_a_server_error(server_db: str) -> None:
    clock = Clock()
    seed_demo(server_db, clock)
    app = create_app(ServerConfig(server_db, clock=clock.now))
    auth = _credentials(app, clock)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    started = time.monotonic()

    def check(case: schemathesis.Case, headers: dict[str, str]) -> str | None:
        response = case.call(headers=headers)
        return f"{response.status_code}: {response.text[:300]}" if response.status_code >= 500 else None

    failures = fuzz(schema, auth, EXAMPLES, check)
    app.state.engine.dispose()
    assert not failures, "\n".join(failures[:10])
    assert time.monotonic() - started < 60
