"""Sync push benchmark (run by hand; prints numbers, never fails).

    uv run python bench/bench_sync.py [WORKSTATIONS] [CASES_EACH]      # default 3 × 30; the hall: 20 1000

N workstations (own data directories, enrolled) each take M cases offline (receive_case), then all
push at once over loopback to a real server (uvicorn on 127.0.0.1, embedded SQLite): cases/s. In the
same run the very same request bodies are posted with bare `requests` to an endpoint that does
nothing (HTTP and transport alone): the ratio is what the sync itself costs on top.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import requests  # noqa: E402
from ow_testkit import clerk, complete, item_named  # noqa: E402
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo  # noqa: E402

from app.bootstrap import open_data_dir  # noqa: E402
from app.intake import receive_case  # noqa: E402
from app.sync.enrolment import client_for  # noqa: E402
from app.sync.protocol import API  # noqa: E402


def _all_at_once(jobs: list) -> float:  # type: ignore[type-arg]
    threads = [threading.Thread(target=job) for job in jobs]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def main(n: int = 3, m: int = 30) -> None:
    from app.sync.engine import _Run

    root = Path(tempfile.mkdtemp(prefix="ow-bench-sync-"))
    template = root / "template"
    open_data_dir(template, demo=True).dispose()
    clock = Clock()
    db_url = f"sqlite:///{root / 'server.sqlite'}"
    seed_demo(db_url, clock)
    server = LiveServer(db_url, clock).start()
    with memory_keyring():
        stations = []
        made = time.perf_counter()
        for i in range(n):
            ws = Workstation(template, root / f"ws{i}", clock)
            ws.enrol(server, enrolment_code(server))
            ws.sign_in()
            actor, data = clerk(ws.ctx), complete(item_named(ws.ctx, "食品经营许可变更"))
            for _ in range(m):
                receive_case(ws.ctx, actor, data)
            stations.append(ws)
        print(f"{n} workstations × {m} cases taken offline in {time.perf_counter() - made:.1f} s")

        bodies: list[list[bytes]] = [[] for _ in stations]
        runs = []
        for i, ws in enumerate(stations):
            client = client_for(ws.ctx, ws.store, "zhangmin")
            original = client._http.request

            def capture(method: str, url: str, *args, _i: int = i, _orig=original, **kw):  # type: ignore[no-untyped-def]
                if url.endswith(f"{API}/push") and kw.get("data"):
                    bodies[_i].append(kw["data"])
                return _orig(method, url, *args, **kw)

            client._http.request = capture
            runs.append(_Run(ws.ctx, client, lambda *_: None, threading.Event()))
        pushed = _all_at_once([run.push for run in runs])
        total = sum(run.pushed for run in runs)
        sent = sum(len(b) for bs in bodies for b in bs)
        print(f"push  OneWindow  {total} ops in {pushed:6.2f} s  = {total / pushed:8.1f} cases/s  "
              f"({sum(map(len, bodies))} requests, {sent / 1e6:.2f} MB)")

        def bare(i: int) -> None:
            with requests.Session() as http:
                for body in bodies[i]:
                    http.post(f"{server.url}/bench-nothing", data=body,
                              headers={"Content-Type": "application/json"}, timeout=30)

        posted = _all_at_once([lambda i=i: bare(i) for i in range(n)])
        print(f"bare  requests   same bytes   {posted:6.2f} s  = {total / posted:8.1f} cases/s   "
              f"ratio {pushed / posted:5.1f}× (sync work on top of HTTP over loopback)")
        for run in runs:
            run.client.close()
        for ws in stations:
            ws.close()
    server.stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
