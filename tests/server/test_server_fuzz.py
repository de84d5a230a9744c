"""schemathesis against the published OpenAPI spec: whatever it sends, the server never answers 5xx."""

from __future__ import annotations

import random
import time
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
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
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy(), authed=st.booleans())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def probe(case: schemathesis.Case, authed: bool) -> None:
            headers = dict(case.headers or {})
            if authed:  # half the examples get past authentication and reach the real work
                headers.update(auth)
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: "
                                f"{response.text[:300]}")

        random.seed(0)
        probe()
    app.state.engine.dispose()
    assert not failures, "\n".join(failures[:10])
    assert time.monotonic() - started < 60
