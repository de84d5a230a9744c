"""Sync through a bad network (bench part of bench_sync.py): the time until client and server agree.

The workstations of a prepared hall sync through tests/faults/chaos_proxy.py (dropped requests and
answers, duplicates, delays, 503 with Retry-After, truncated bodies; seeded, `budget` faults, then
clean). Each workstation runs complete sync runs (sync_once) one after another until one succeeds
with nothing left pending. After a failed run it waits as long as the server's Retry-After says
(the protocol's own convergence), or with panel_backoff as the sync panel would (full jitter from
2 s doubling per failure up to 5 min, Retry-After as a floor): then the waiting is most of the time.
Rounds of that (a workstation done early has not pulled the later ones' cases yet) go on until the
hall agrees the way tests/faults/sync_fault_kit.assert_agree checks it: the server's op_ids are the
union of the outboxes, nothing doubled, case numbers unique and the same everywhere, nothing pending.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, select
from sync_hall import USERNAME, Prepared, copy_sqlite, copy_stations, sign_in
from sync_server import ServerProcess
from sync_testkit import free_port

if TYPE_CHECKING:
    from app.core.context import AppContext
    from app.sync.client import SyncClient

MAX_ROUNDS = 10
MAX_FAILURES = 50  # failed runs in a row before a workstation gives up (the network never came back)


def _doubled(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def disagreement(server_db: Path, contexts: dict[str, AppContext], made: set[str]) -> list[str]:
    """What keeps the hall from agreeing (empty when it agrees): assert_agree's checks, as findings."""
    from db.models import Case, OutboxOp
    from server.models import AppliedOp
    from server.models import Case as ServerCase

    engine = create_engine(f"sqlite:///{server_db}")
    try:
        with engine.connect() as conn:
            held = list(conn.execute(select(AppliedOp.op_id)).scalars())
            on_server = list(conn.execute(select(ServerCase.case_no)).scalars())
    finally:
        engine.dispose()
    problems = []
    if _doubled(held):
        problems.append(f"server holds {len(_doubled(held))} op_ids twice")
    local: set[str] = set()
    for name, ctx in contexts.items():
        with ctx.read() as s:
            ids = list(s.execute(select(OutboxOp.op_id)).scalars())
            waiting = len(list(s.execute(select(OutboxOp.op_id).where(OutboxOp.state == "pending")).scalars()))
            here = list(s.execute(select(Case.case_no)).scalars())
        local |= set(ids)
        if _doubled(ids) or _doubled(here):
            problems.append(f"{name}: an op_id or case number twice")
        if waiting:
            problems.append(f"{name}: {waiting} ops pending")
        if set(here) != made:
            problems.append(f"{name}: {len(made - set(here))} cases not here yet")
    if set(held) != local:
        problems.append(f"op_ids: {len(local - set(held))} not on the server, {len(set(held) - local)} unknown")
    if _doubled(on_server) or set(on_server) != made:
        problems.append(f"server case numbers: {len(made - set(on_server))} missing, {len(_doubled(on_server))} "
                        "doubled")
    return problems


class _Settler:
    """Sync runs per workstation until one succeeds with nothing left pending there (counted, waits summed)."""

    def __init__(self, contexts: dict[str, AppContext], clients: dict[str, SyncClient], panel_backoff: bool) -> None:
        self.contexts, self.clients, self.panel_backoff = contexts, clients, panel_backoff
        self.runs: Counter[str] = Counter()
        self.waited = 0.0
        self._lock = threading.Lock()

    def _count(self, what: str, waited: float = 0.0) -> None:
        with self._lock:
            self.runs[what] += 1
            self.waited += waited

    def settle(self, name: str) -> None:
        from app.sync import backoff
        from app.sync.credentials import CredentialStore
        from app.sync.engine import sync_once
        from db.models import OutboxOp

        ctx, attempt = self.contexts[name], 0
        while attempt < MAX_FAILURES:
            try:
                outcome = sync_once(ctx, CredentialStore(), USERNAME, client=self.clients[name])
            except Exception as exc:  # a bug the run re-raised: counted, and this workstation stops here
                self._count(f"exception {type(exc).__name__}")
                return
            with ctx.read() as s:
                left = s.execute(select(OutboxOp.op_id).where(OutboxOp.state == "pending")).first()
            if outcome.ok:
                self._count("ok")
                if left is None:
                    return
                attempt = 0  # as the panel: a success starts the backoff afresh
                continue
            attempt += 1
            pause = (backoff.delay(attempt, outcome.retry_after) if self.panel_backoff
                     else outcome.retry_after or 0.0)
            self._count(outcome.code, pause)
            time.sleep(pause)

    def round(self) -> None:
        threads = [threading.Thread(target=self.settle, args=(name,)) for name in self.contexts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def chaos_bench(prepared: Prepared, budget: int, seed: int, panel_backoff: bool = False) -> None:
    from faults.chaos_proxy import ChaosProxy

    from app.station.bootstrap import open_data_dir
    from app.sync.client import DeviceCredential, SyncClient
    from db.models import Case

    n, m = len(prepared.stations), prepared.cases_each
    work = Path(tempfile.mkdtemp(prefix="ow-bench-chaos-"))
    contexts = {}
    try:
        copy_sqlite(prepared.server_db, work / "server.sqlite")
        dirs = copy_stations(prepared, work)
        server = ServerProcess(f"sqlite:///{work / 'server.sqlite'}", free_port())
        try:
            tokens = sign_in(server.url, prepared.stations, dirs)  # straight to the server: sign-in is not measured
            made: set[str] = set()
            for st in prepared.stations:
                contexts[st.name] = open_data_dir(dirs[st.name], demo=True)
                with contexts[st.name].read() as s:
                    made |= set(s.execute(select(Case.case_no)).scalars())
            with ChaosProxy(server.url, seed=seed, budget=0) as proxy:
                clients = {st.name: SyncClient(proxy.url, DeviceCredential(st.device_id, st.secret), tokens[st.name])
                           for st in prepared.stations}
                hall = _Settler(contexts, clients, panel_backoff)
                proxy.arm(budget)
                started = time.perf_counter()
                problems, rounds = ["not synced yet"], 0
                while problems and rounds < MAX_ROUNDS:
                    rounds += 1
                    hall.round()
                    problems = disagreement(work / "server.sqlite", contexts, made)
                elapsed = time.perf_counter() - started
                for client in clients.values():
                    client.close()
            faults = {k: v for k, v in proxy.seen.items() if k != "pass"}
            waits = "the sync panel's backoff" if panel_backoff else "Retry-After only"
            print(f"chaos {n} × {m} cases through the proxy (seed {seed}, {sum(faults.values())} faults: {faults})")
            print(f"      {'agreement' if not problems else 'NO agreement'} after {elapsed:.1f} s: "
                  f"{sum(hall.runs.values())} sync runs in {rounds} rounds, outcomes {dict(hall.runs)}; "
                  f"waited after failures ({waits}) {hall.waited:.1f} s summed over workstations")
            print(f"      agree: {'yes' if not problems else 'NO — ' + '; '.join(problems)} "
                  f"({len(made)} case numbers, op_id sets equal, nothing pending)")
        finally:
            for ctx in contexts.values():
                ctx.dispose()
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
