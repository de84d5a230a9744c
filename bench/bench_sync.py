"""Sync push benchmark (run by hand; prints numbers, never fails).

    uv run python bench/bench_sync.py [WORKSTATIONS] [CASES_EACH] [--prepared DIR] [--chaos WxC|0]
                                      [--chaos-budget N] [--seed N] [--panel-backoff] [--workers N]
                                      [--py-spy FILE.svg|FILE.txt]

Default 3 × 30; the hall of the issue is 20 1000. A prepared hall (bench/sync_hall.py: enrolled
workstations, each with CASES_EACH cases taken offline by the real receive_case) is made in child
processes and kept under --prepared DIR for later runs (a fresh temporary folder without it).

In one run, over loopback, against two servers (bench/sync_server.py: the real application in a
child process, embedded SQLite) made from the same database copy, so the devices and staff tokens
are valid on both and neither has seen a push:
1. OneWindow: every workstation pushes its outbox at once (the sync engine's push step) to A;
2. bare `requests`: the very request bodies OneWindow sent, posted by one plain session per
   workstation to B's real push endpoint, so B does the same apply work — the ratio 1 / 2 is what
   OneWindow's client costs on top of the server (goal ≤ 2×);
3. HTTP alone: the same bodies to an endpoint that only reads them (A's /bench/nothing).
Then, unless --chaos 0, bench/sync_chaos.py: a smaller hall (default 5x200) through the chaos
proxy: the time until client and server agree.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sync_hall import Prepared, Station, copy_sqlite, copy_stations, prepare, sign_in  # noqa: E402
from sync_server import NOTHING, ServerProcess  # noqa: E402
from sync_testkit import free_port  # noqa: E402

from app.sync.client import TIMEOUT, DeviceCredential, ServerUnavailable, SyncClient  # noqa: E402
from app.sync.protocol import API, DEVICE_HEADER, SECRET_HEADER  # noqa: E402


def all_at_once(jobs: list[Callable[[], None]]) -> float:
    """Wall time for the jobs started together, one thread each."""
    threads = [threading.Thread(target=job) for job in jobs]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


@dataclass
class Pushed:
    """What one workstation's OneWindow push sent, and where its time went."""

    station: Station
    bodies: list[bytes] = field(default_factory=list)
    http_seconds: float = 0.0  # inside the push requests (the server's work and the transport)
    total_seconds: float = 0.0
    ops: int = 0
    retries: list[str] = field(default_factory=list)  # why the push step had to be run again


def headers_for(station: Station, token: str) -> dict[str, str]:
    return {DEVICE_HEADER: station.device_id, SECRET_HEADER: station.secret, "Authorization": f"Bearer {token}",
            "Content-Type": "application/json", "Accept": "application/json"}


def onewindow_push(prepared: Prepared, dirs: dict[str, Path], url: str, tokens: dict[str, str]) -> tuple[
        float, list[Pushed]]:
    """Every workstation's sync engine pushes its whole outbox at once; the bodies are kept for the others."""
    from app.station.bootstrap import open_data_dir
    from app.sync.engine import _Run

    records, jobs, contexts = [], [], []
    for st in prepared.stations:
        ctx = open_data_dir(dirs[st.name], demo=True)
        contexts.append(ctx)
        client = SyncClient(url, DeviceCredential(st.device_id, st.secret), tokens[st.name])
        rec = Pushed(st)
        original = client._http.request

        def capture(method: str, target: str, *args: Any, _rec: Pushed = rec, _orig: Any = original,
                    **kw: Any) -> Any:
            started = time.perf_counter()
            answer = None
            try:
                answer = _orig(method, target, *args, **kw)
                return answer
            finally:
                if target.endswith(f"{API}/push"):
                    _rec.http_seconds += time.perf_counter() - started
                    # Only what the server answered for real: a body refused with 503 is sent again
                    # by the engine, and the baseline repeats the retry itself.
                    if answer is not None and answer.status_code in (200, 409):
                        _rec.bodies.append(kw["data"])

        client._http.request = capture
        run = _Run(ctx, client, lambda *_: None, threading.Event())

        def job(_run: _Run = run, _rec: Pushed = rec) -> None:
            started = time.perf_counter()
            while True:
                try:
                    _run.push()
                    break
                except ServerUnavailable as exc:  # the engine's next run would do the same, later
                    _rec.retries.append(exc.message)
                    time.sleep(exc.retry_after or 1.0)
            _rec.ops, _rec.total_seconds = _run.pushed, time.perf_counter() - started

        records.append(rec)
        jobs.append(job)
    try:
        wall = all_at_once(jobs)
    finally:
        for ctx in contexts:
            ctx.dispose()
    return wall, records


def bare_post(records: list[Pushed], url: str, path: str, tokens: dict[str, str]) -> tuple[float, dict[int, int]]:
    """The same bodies with one plain requests session per workstation, in the same order; status counts.

    A 503 (or no answer within the engine's timeouts: status 0) is sent again after its Retry-After, as
    OneWindow's engine does: the minimum a correct client must do.
    """
    import requests

    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def post_all(rec: Pushed) -> None:
        headers = headers_for(rec.station, tokens[rec.station.name])
        with requests.Session() as http:
            for body in rec.bodies:
                while True:
                    try:
                        answer = http.post(url + path, data=body, headers=headers, timeout=TIMEOUT)
                    except requests.RequestException:  # as the engine: unavailable, try again shortly
                        status, wait = 0, 1.0
                    else:
                        status, wait = answer.status_code, float(answer.headers.get("Retry-After") or 1)
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                    if status not in (0, 503):
                        break
                    time.sleep(wait)

    return all_at_once([lambda rec=rec: post_all(rec) for rec in records]), statuses


def applied(db: Path) -> dict[str, int]:
    """The server's applied ops by status (read straight from its database)."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT status, count(*) FROM applied_op GROUP BY status").fetchall())
    finally:
        conn.close()


def _spent(server: ServerProcess, before: float | None) -> float | None:
    now = server.cpu_seconds()
    return None if now is None or before is None else now - before


def start_py_spy(pid: int, out: str) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the server process (pip install py-spy; needs ptrace, e.g. root); None without it."""
    exe = shutil.which("py-spy")
    if exe is None:
        print("py-spy not found: no server profile")
        return None
    # --gil: only the thread holding the GIL, i.e. where the server's CPU goes (not threads waiting on the lock)
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "250", "--gil", "--output", out,
                             *(["--format", "raw"] if out.endswith(".txt") else [])])


def push_bench(prepared: Prepared, py_spy: str | None) -> None:
    work = Path(tempfile.mkdtemp(prefix="ow-bench-sync-run-"))
    try:
        copy_sqlite(prepared.server_db, work / "a.sqlite")
        dirs = copy_stations(prepared, work)
        a = ServerProcess(f"sqlite:///{work / 'a.sqlite'}", free_port())
        b: ServerProcess | None = None
        try:
            tokens = sign_in(a.url, prepared.stations, dirs)
            copy_sqlite(work / "a.sqlite", work / "b.sqlite")  # after sign-in, before any push: tokens valid on B
            b = ServerProcess(f"sqlite:///{work / 'b.sqlite'}", free_port())
            spy = start_py_spy(a.proc.pid, py_spy) if py_spy else None
            cpu_a = a.cpu_seconds()
            pushed, records = onewindow_push(prepared, dirs, a.url, tokens)
            cpu_a = _spent(a, cpu_a)
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(60)
            total = sum(r.ops for r in records)
            sent = sum(len(body) for r in records for body in r.bodies)
            requests_made = sum(len(r.bodies) for r in records)
            print(f"push  OneWindow         {total:6d} ops in {pushed:7.2f} s = {total / pushed:8.1f} cases/s  "
                  f"({requests_made} requests answered, {sent / 1e6:.1f} MB; "
                  f"push step run again: {dict(Counter(why for r in records for why in r.retries)) or 0})")
            thread_total = sum(r.total_seconds for r in records)
            in_http = sum(r.http_seconds for r in records)
            print(f"      of the workstations' {thread_total:.1f} thread-seconds, {in_http:.1f} waiting on the push "
                  f"requests, {thread_total - in_http:.1f} reading the outbox, building ops and recording acks")
            cpu_b = b.cpu_seconds()
            posted, statuses = bare_post(records, b.url, f"{API}/push", tokens)
            cpu_b = _spent(b, cpu_b)
            print(f"bare  requests → push   same bodies in {posted:7.2f} s = {total / posted:8.1f} cases/s  "
                  f"ratio {pushed / posted:5.2f}× (goal ≤ 2×)  HTTP status {statuses}")
            nothing, _ = bare_post(records, a.url, NOTHING, tokens)
            print(f"bare  requests → nothing same bodies in {nothing:6.2f} s = {total / nothing:8.1f} cases/s  "
                  f"(HTTP over loopback alone; push does {pushed / nothing:.0f}× that work)")
            on_a, on_b = applied(work / "a.sqlite"), applied(work / "b.sqlite")
            print(f"      applied ops: server A {on_a}, server B {on_b} — {'same' if on_a == on_b else 'DIFFERENT'}")
            if cpu_a is not None and cpu_b is not None:
                print(f"      server CPU per op (process time, less noisy than wall time on a busy machine): "
                      f"A {cpu_a / total * 1000:.2f} ms, B {cpu_b / total * 1000:.2f} ms")
        finally:
            a.stop()
            if b is not None:
                b.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workstations", type=int, nargs="?", default=3)
    parser.add_argument("cases", type=int, nargs="?", default=30)
    parser.add_argument("--prepared", type=Path, help="keep (and reuse) the prepared halls here")
    parser.add_argument("--chaos", default="", help="WxC hall for the chaos run (default 5x200, at most the "
                                                    "main hall); 0 to skip")
    parser.add_argument("--chaos-budget", type=int, default=40, help="faults the proxy injects (as the tests)")
    parser.add_argument("--seed", type=int, default=1, help="the chaos proxy's random seed")
    parser.add_argument("--panel-backoff", action="store_true",
                        help="chaos: wait after a failed run as the sync panel does (up to 5 min), "
                             "not just the Retry-After")
    parser.add_argument("--workers", type=int, default=None, help="processes making cases (default: CPUs)")
    parser.add_argument("--py-spy", help="profile server A during the push into this file (.svg or .txt)")
    args = parser.parse_args(argv)
    n, m = args.workstations, args.cases
    print(f"hall: {n} workstations × {m} cases (receive_case), pushed over loopback to SQLite servers")
    base = args.prepared or Path(tempfile.mkdtemp(prefix="ow-bench-hall-"))
    try:
        push_bench(prepare(base, n, m, args.workers), args.py_spy)
        if args.chaos != "0":
            from sync_chaos import chaos_bench

            cn, cm = (int(x) for x in args.chaos.split("x")) if args.chaos else (min(n, 5), min(m, 200))
            chaos_bench(prepare(base, cn, cm, args.workers), args.chaos_budget, args.seed, args.panel_backoff)
    finally:
        if args.prepared is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
