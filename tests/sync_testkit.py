"""Sync tests' tools: a real server (uvicorn in a thread, free port), PostgreSQL, an in-memory keyring, workstations."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest
from jaraco.classes import properties
from keyring.backend import KeyringBackend

PG_ENV = "ONEWINDOW_TEST_PG_URL"
REQUIRE_PG_ENV = "ONEWINDOW_REQUIRE_PG"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives as long as the test (tests must never touch the developer's own)."""

    @properties.classproperty
    def priority(cls) -> float:  # type: ignore[override]  # noqa: N805 (keyring's own idiom)
        # Never chosen by keyring's own detection (defining a backend class registers it): only set_keyring().
        raise RuntimeError("test keyring: only through keyring.set_keyring()")

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


class Clock:
    """One settable clock shared by the server and the workstations of a test."""

    def __init__(self, at: datetime | None = None) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at if self.at is not None else datetime.now(UTC).replace(tzinfo=None)

    def advance(self, **delta: float) -> None:
        self.at = self.now() + timedelta(**delta)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """The central server on 127.0.0.1 in a thread; stop() and start() again keep the port and the data."""

    db_url: str
    clock: Clock
    port: int = field(default_factory=free_port)
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS
    _server: object = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        import uvicorn

        from server.api import create_app
        from server.config import ServerConfig

        app = create_app(ServerConfig(self.db_url, clock=self.clock.now))
        self.engine = app.state.engine
        tls = {"ssl_certfile": str(self.tls[0]), "ssl_keyfile": str(self.tls[1])} if self.tls else {}
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                               lifespan="off", **tls))
        self._server, self._thread = server, threading.Thread(target=server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True  # type: ignore[attr-defined]
            assert self._thread is not None
            self._thread.join(10)
            self.engine.dispose()
            self._server = None

    def admin(self, *argv: str) -> int:
        """Run the administrator's command line against this server's database."""
        from server.cli import run

        return run(["--db", self.db_url, *argv])

    def session(self):  # type: ignore[no-untyped-def]
        from server.db import make_engine, session_factory

        return session_factory(make_engine(self.db_url))()


def seed_demo(db_url: str, clock: Clock) -> None:
    """The demo hall, catalog and certificate types in a fresh server database."""
    from server.cli import ensure_demo
    from server.config import ServerConfig
    from server.db import create_schema, make_engine, session_factory, transaction

    engine = make_engine(db_url)
    create_schema(engine)
    with transaction(session_factory(engine)) as s:
        ensure_demo(s, ServerConfig(db_url, clock=clock.now))
    engine.dispose()


@contextmanager
def demo_server(db_url: str, clock: Clock, tls: tuple[Path, Path] | None = None) -> Iterator[LiveServer]:
    """A live server over a freshly seeded demo database, stopped when the block ends."""
    seed_demo(db_url, clock)
    server = LiveServer(db_url, clock, tls=tls).start()
    try:
        yield server
    finally:
        server.stop()


# --- PostgreSQL ----------------------------------------------------------------------------------

_cluster: dict[str, str] = {}


def _pg_bin() -> Path | None:
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / "initdb").exists():
            return root
    return None


def _private_cluster() -> str | None:
    """Start a throw-away cluster (as the postgres user when we are root); its base URL, or None."""
    if "url" in _cluster:
        return _cluster["url"]
    bindir = _pg_bin()
    if bindir is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="ow-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return None
        shutil.chown(folder, "postgres")
        shutil.chown(sock, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "--no-sync"], check=True, capture_output=True, timeout=120)
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "log"), "-o",
                        f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError):
        return None
    _cluster.update(url=f"postgresql+psycopg://postgres@/postgres?host={sock}&port={port}",
                    stop=" ".join([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]))
    import atexit

    def stop() -> None:
        subprocess.run(_cluster["stop"].split(), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    return _cluster["url"]


def pg_base_url() -> str:
    """ONEWINDOW_TEST_PG_URL, or a private cluster; skips (fails under ONEWINDOW_REQUIRE_PG=1) without one."""
    url = os.environ.get(PG_ENV) or _private_cluster()
    if url:
        return url
    why = f"PostgreSQL 不可用：未设置 {PG_ENV}，本机也没有可启动的 PostgreSQL（apt-get install postgresql）"
    if os.environ.get(REQUIRE_PG_ENV) == "1":
        pytest.fail(why)
    pytest.skip(why)


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh database on the PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(pg_base_url().replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"ow_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a configured server that does not answer is a failure, not a skip
        admin.dispose()
        pytest.fail(f"PostgreSQL at {base.render_as_string()} refused CREATE DATABASE: {exc}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def server_database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'server.sqlite'}"
    else:
        with pg_database() as url:
            yield url


# --- workstations --------------------------------------------------------------------------------

class Workstation:
    """A client data directory (a copy of the demo template) with its own keyring entries and clock."""

    def __init__(self, template: Path, root: Path, clock: Clock) -> None:
        from app.station.bootstrap import open_data_dir
        from app.sync.credentials import CredentialStore

        shutil.copytree(template, root)
        self.ctx = open_data_dir(root, demo=True, clock=clock.now)
        self.store = CredentialStore()

    def actor(self, username: str = "zhangmin"):  # type: ignore[no-untyped-def]
        from app.core.auth import login
        from app.station.bootstrap import DEMO_PASSWORD

        return login(self.ctx, username, DEMO_PASSWORD)

    def enrol(self, server: LiveServer, code: str, username: str = "zhangmin") -> None:
        from app.sync.enrolment import enrol

        enrol(self.ctx, self.actor(username), server.url, code, f"工作站 {self.ctx.data.root.name}", self.store)

    def sign_in(self, username: str = "zhangmin"):  # type: ignore[no-untyped-def]
        """Local sign-in and the server token (what the sync panel's 登录中心服务器 does)."""
        from app.station.bootstrap import DEMO_PASSWORD
        from app.sync.enrolment import server_login

        actor = self.actor(username)
        server_login(self.ctx, actor, DEMO_PASSWORD, self.store)
        return actor

    def sync(self, username: str = "zhangmin"):  # type: ignore[no-untyped-def]
        from app.sync.engine import sync_once

        return sync_once(self.ctx, self.store, username)

    def close(self) -> None:
        self.ctx.dispose()


@contextmanager
def workstation_factory(template: Path, root: Path, clock: Clock) -> Iterator[Callable[[str], Workstation]]:
    """make(name) → a workstation under root; every one made is closed when the block ends."""
    made: list[Workstation] = []

    def make(name: str) -> Workstation:
        ws = Workstation(template, root / name, clock)
        made.append(ws)
        return ws

    try:
        yield make
    finally:
        for ws in made:
            ws.close()


def counter_and_chief(server: LiveServer, make: Callable[[str], Workstation], clerk: str = "wangyan",
                      chief: str = "zhoujianhua") -> tuple[Workstation, Workstation]:
    """Two workstations of W01, each enrolled and signed in by its own person: the counter's clerk, the chief."""
    counter, office = make("counter"), make("chief")
    counter.enrol(server, enrolment_code(server, "W01"), clerk)
    office.enrol(server, enrolment_code(server, "W01"), chief)
    counter.sign_in(clerk)
    office.sign_in(chief)
    return counter, office


def enrolment_code(server: LiveServer, window: str = "W01") -> str:
    """A one-time code, as the administrator's `onewindow-server enrol-code` makes it."""
    from datetime import timedelta

    from server import admin
    from server.config import ServerConfig
    from server.db import make_engine, session_factory, transaction

    engine = make_engine(server.db_url)
    try:
        with transaction(session_factory(engine)) as s:
            return admin.new_code(s, window, timedelta(hours=1), ServerConfig(server.db_url, clock=server.clock.now).now())
    finally:
        engine.dispose()


@contextmanager
def demo_server_with_keyring(folder: Path) -> Iterator[LiveServer]:
    """A real server seeded with the demo hall, and a memory keyring for the workstations of the test."""
    with demo_server(f"sqlite:///{folder / 'server.sqlite'}", Clock()) as live, memory_keyring():
        yield live


def enrolled(server: LiveServer, make: Callable[[str], Workstation],
             staff: tuple[tuple[str, str, str], ...]) -> dict[str, tuple[Workstation, str]]:
    """(name, window code, username) each: a workstation enrolled at that window with that person signed in."""
    made = {}
    for name, window, user in staff:
        ws = make(name)
        ws.enrol(server, enrolment_code(server, window), user)
        ws.sign_in(user)
        made[name] = (ws, user)
    return made
