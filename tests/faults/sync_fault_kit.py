"""Sync fault tests' tools: a hall (real server on 127.0.0.1, real workstations), a killable client process, the checks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo

from app.sync import settings as keys
from db.models import Case, OutboxOp

TESTS = Path(__file__).resolve().parent.parent
FOOD_CHANGE = "食品经营许可变更"  # 承诺件, 一审制: accepted in one step


@dataclass
class Hall:
    """One server and the workstations enrolled with it (at window W01 unless told: then every one pulls every case)."""

    template: Path
    root: Path
    server: LiveServer
    clock: Clock
    made: list[Workstation] = field(default_factory=list)

    def workstation(self, name: str, username: str = "zhangmin", url: str | None = None,
                    clock: Clock | None = None, window: str = "W01") -> Workstation:
        ws = Workstation(self.template, self.root / name, clock or self.clock)
        self.made.append(ws)
        target = _Url(url or self.server.url)
        ws.enrol(target, enrolment_code(self.server, window), username)  # type: ignore[arg-type]
        ws.sign_in(username)
        return ws


@dataclass
class _Url:
    url: str


@contextmanager
def hall(template: Path) -> Iterator[Hall]:
    """A fresh hall on an embedded SQLite server database (the server's own tests cover PostgreSQL)."""
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ow-sync-fault-")))
        stack.enter_context(memory_keyring())
        clock = Clock()
        db_url = f"sqlite:///{root / 'server.sqlite'}"
        seed_demo(db_url, clock)
        server = LiveServer(db_url, clock).start()
        stack.callback(server.stop)
        made = Hall(template, root, server, clock)
        yield made
        for ws in made.made:
            ws.close()


def accept(ws: Workstation, n: int = 1, username: str = "zhangmin") -> list[str]:
    from ow_testkit import complete, item_named

    from app.intake.outcomes import accept_case

    return [accept_case(ws.ctx, ws.actor(username), complete(item_named(ws.ctx, FOOD_CHANGE))).case_no
            for _ in range(n)]


def local_op_ids(ws: Workstation) -> list[str]:
    with ws.ctx.read() as s:
        return list(s.execute(select(OutboxOp.op_id)).scalars())


def local_case_nos(ws: Workstation) -> list[str]:
    with ws.ctx.read() as s:
        return list(s.execute(select(Case.case_no)).scalars())


def pending(ws: Workstation) -> int:
    with ws.ctx.read() as s:
        return len(list(s.execute(select(OutboxOp.op_id).where(OutboxOp.state == "pending")).scalars()))


def server_op_ids(server: LiveServer) -> list[str]:
    from server.models import AppliedOp

    with server.session() as s:
        return list(s.execute(select(AppliedOp.op_id)).scalars())


def server_case_nos(server: LiveServer) -> list[str]:
    from server.models import Case as ServerCase

    with server.session() as s:
        return list(s.execute(select(ServerCase.case_no)).scalars())


def doubled(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def assert_agree(server: LiveServer, stations: list[Workstation], made: set[str]) -> None:
    """Nothing lost, nothing doubled: op_id sets and case numbers equal everywhere, nothing pending."""
    held = server_op_ids(server)
    assert not doubled(held)
    outboxes = [local_op_ids(ws) for ws in stations]
    for ids in outboxes:
        assert not doubled(ids)
    assert set(held) == set().union(*map(set, outboxes))
    on_server = server_case_nos(server)
    assert not doubled(on_server) and set(on_server) == made
    for ws in stations:
        assert pending(ws) == 0
        here = local_case_nos(ws)
        assert not doubled(here) and set(here) == made


# --- the client as a process of its own, killed at a fault point --------------------------------

CLIENT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from app.station.bootstrap import open_data_dir
    from app.sync.client import DeviceCredential, SyncClient
    from app.sync.credentials import CredentialStore
    from app.sync.engine import sync_once
    from ow_testkit import clerk, complete, item_named
    from app.intake.outcomes import accept_case
    ctx = open_data_dir(Path({root!r}), demo=True)
    for _ in range({cases}):
        made = accept_case(ctx, clerk(ctx), complete(item_named(ctx, {item!r})))
        print("CONFIRMED", made.case_no, flush=True)
    client = SyncClient({url!r}, DeviceCredential({device!r}, {secret!r}), {token!r})
    outcome = sync_once(ctx, CredentialStore(), "zhangmin", client=client)
    print("SYNCED", outcome.ok, outcome.code, outcome.message, flush=True)
""")


@dataclass(frozen=True)
class ClientRun:
    returncode: int
    confirmed: list[str]
    stdout: str
    stderr: str


def run_client(ws: Workstation, clock: Clock, cases: int, fault: str = "", url: str | None = None) -> ClientRun:
    """Close the workstation's database, run accept×`cases` + one sync in a child process (killed at
    `fault`), then open the database again — a restart of the application."""
    from app.station.bootstrap import open_data_dir

    root = ws.ctx.data.root
    with ws.ctx.read() as s:
        known = keys.enrolment(s)
    assert known is not None
    secret = ws.store.device_secret(known.device_id)
    token = ws.store.token(known.device_id, "zhangmin", ws.ctx.now())
    ws.ctx.dispose()
    env = {k: v for k, v in os.environ.items() if k != "ONEWINDOW_FAULT"}
    if fault:
        env["ONEWINDOW_FAULT"] = fault
    script = CLIENT.format(tests=str(TESTS), root=str(root), cases=cases, item=FOOD_CHANGE,
                           url=url or known.server_url, device=known.device_id, secret=secret, token=token)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                          cwd=TESTS.parent)
    ws.ctx = open_data_dir(root, demo=True, clock=clock.now)
    confirmed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("CONFIRMED")]
    return ClientRun(done.returncode, confirmed, done.stdout, done.stderr)
