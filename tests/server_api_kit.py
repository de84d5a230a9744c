"""The server's HTTP API as a workstation speaks it, signing each op as its actor (tests of the server's rules).

Each (device, person) gets an Ed25519 key here, registered by that person's own login at that device, as
the workstation's core does it (app.core.op_keys, app.sync.op_signing). `push` signs every op with the key
of the person it names at the pushing device (logging that person in there first if needed); attack tests
pass `sign=False` and send ops signed (or not) as they like with `sign_as`.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sync_testkit import Clock, LiveServer, seed_demo

from app.sync.protocol import Op, from_wire, signing_message
from server import admin
from server.db import session_factory, transaction

PASSWORD = "demo2026"
DEVICE, SECRET = "X-OneWindow-Device", "X-OneWindow-Secret"


class LiveHttp:
    """requests against a real server, with TestClient's call shape (paths relative to the server)."""

    def __init__(self, base_url: str) -> None:
        self.base, self.session = base_url, requests.Session()

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.session.post(self.base + path, timeout=30, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=30, **kw)

    def close(self) -> None:
        self.session.close()


def public_b64(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def signed(op: dict[str, Any], device_id: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The op with a signature by `key` over what the server verifies (app.sync.protocol.signing_message)."""
    message = signing_message(from_wire(Op, {**op, "signature": ""}), device_id)
    return {**op, "signature": base64.b64encode(key.sign(message)).decode()}


class Api:
    def __init__(self, http: Any, clock: Clock, factory: Any) -> None:
        self.http, self.clock, self.factory = http, clock, factory
        self.keys: dict[tuple[str, str], Ed25519PrivateKey] = {}

    @classmethod
    def in_process(cls, db_url: str, clock: Clock) -> Api:
        """The demo hall's server in-process (FastAPI's TestClient); `api.app` is the application."""
        from fastapi.testclient import TestClient

        from server.api import create_app
        from server.config import ServerConfig

        seed_demo(db_url, clock)
        app = create_app(ServerConfig(db_url, clock=clock.now))
        api = cls(TestClient(app), clock, session_factory(app.state.engine))
        api.app = app
        return api

    @classmethod
    def live(cls, server: LiveServer) -> Api:
        """Raw HTTP to a real uvicorn server (tests/sync_testkit.LiveServer)."""
        return cls(LiveHttp(server.url), server.clock, session_factory(server.engine))

    def code(self, window: str = "W01") -> str:
        with transaction(self.factory) as s:
            return admin.new_code(s, window, timedelta(hours=1), self.clock.now())

    def device(self, window: str = "W01", username: str = "zhangmin") -> dict[str, str]:
        """A newly enrolled workstation with `username` signed in online (key registered)."""
        got = self.http.post("/v1/enrol", json={"code": self.code(window), "workstation_name": "t"}).json()
        return self.login({DEVICE: got["device_id"], SECRET: got["device_secret"]}, username)

    def login(self, headers: dict[str, str], username: str, password: str = PASSWORD) -> dict[str, str]:
        """`username` signs in online at the device of `headers`: their key for it is registered."""
        device_id = headers[DEVICE]
        key = self.keys.setdefault((device_id, username), Ed25519PrivateKey.generate())
        token = self.http.post("/v1/login", headers={DEVICE: device_id, SECRET: headers[SECRET]},
                               json={"username": username, "password": password, "public_key": public_b64(key)})
        assert token.status_code == 200, token.text
        return {DEVICE: device_id, SECRET: headers[SECRET], "Authorization": f"Bearer {token.json()['token']}"}

    def sign(self, headers: dict[str, str], op: dict[str, Any], as_: str | None = None) -> dict[str, Any]:
        """The op signed by `as_`'s (default: its actor's) key at this device, signing them in if needed."""
        who = as_ or op["actor"]
        if (headers[DEVICE], who) not in self.keys:
            self.login(headers, who)
        return signed(op, headers[DEVICE], self.keys[(headers[DEVICE], who)])

    def push(self, headers: dict[str, str], ops: list[dict[str, Any]], epoch: int = 0, sign: bool = True) -> Any:
        body = [self.sign(headers, o) if sign else o for o in ops]
        return self.http.post("/v1/push", headers=headers, json={"epoch": epoch, "ops": body})
