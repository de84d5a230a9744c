"""A prepared hall for the sync benchmarks: N enrolled workstations with M cases each, made once, copied per run.

Making the cases is the slow part (each receive_case is a real intake: case, materials, event,
outbox row and a rendered, registered receipt PDF), so it runs in child processes (one per core)
and the result is kept under a directory (--prepared DIR) for later runs. A kept hall is used
only while the code that wrote it is unchanged (fingerprint of app/, db/ and the demo data):
otherwise the ops pushed would not be what today's intake writes.

Layout of DIR/<N>x<M>/: template/ (the demo data directory), ws00 … (enrolled workstations),
server.sqlite (the seeded server with the enrolled devices, before any push), hall.json (device
ids and secrets: throw-away bench credentials, never a real hall's).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for _p in (REPO, REPO / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

ITEM = "食品经营许可变更"  # 承诺件, 一审制 (as in tests/faults)
USERNAME = "zhangmin"


@dataclass(frozen=True)
class Station:
    name: str
    device_id: str
    device_code: str
    secret: str


@dataclass(frozen=True)
class Prepared:
    root: Path
    stations: tuple[Station, ...]
    cases_each: int

    @property
    def server_db(self) -> Path:
        return self.root / "server.sqlite"

    def data_dir(self, station: Station) -> Path:
        return self.root / station.name


def fingerprint() -> str:
    """What decides the bytes intake writes and the server schema: every source file of app/, db/, server/
    models and the demo data."""
    h = hashlib.sha256()
    files = sorted([*REPO.glob("app/**/*.py"), *REPO.glob("db/**/*.py"), REPO / "server" / "models.py",
                    *REPO.glob("resources/demo/*.json")])
    for f in files:
        h.update(str(f.relative_to(REPO)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def prepare(base: Path | None, n: int, m: int, workers: int | None = None) -> Prepared:
    """The hall N × M under `base` (a fresh temporary folder when None): reused when current, else made."""
    base = base or Path(tempfile.mkdtemp(prefix="ow-bench-hall-"))
    root = base.resolve() / f"{n}x{m}"
    manifest = root / "hall.json"
    wanted = fingerprint()
    if manifest.exists():
        kept = json.loads(manifest.read_text())
        if kept.get("fingerprint") == wanted:
            print(f"prepared hall {root}: reused (made {kept['made_at']}, code fingerprint {wanted})", flush=True)
            return Prepared(root, tuple(Station(**s) for s in kept["stations"]), m)
        print(f"prepared hall {root}: the code changed since it was made: making it again", flush=True)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    started = time.perf_counter()
    stations = _enrol_all(root, n)
    print(f"template, server seed and {n} enrolments in {time.perf_counter() - started:.1f} s", flush=True)
    prepared = Prepared(root, stations, m)
    _make_cases(prepared, workers or os.cpu_count() or 1)
    manifest.write_text(json.dumps({"fingerprint": wanted, "made_at": time.strftime("%Y-%m-%d %H:%M"),
                                    "stations": [asdict(s) for s in stations]}, ensure_ascii=False, indent=1))
    print(f"prepared hall ready in {time.perf_counter() - started:.1f} s", flush=True)
    return prepared


def _enrol_all(root: Path, n: int) -> tuple[Station, ...]:
    """Template, seeded server database, and each workstation enrolled (device code → its case numbers)."""
    from sync_testkit import Clock, LiveServer, Workstation, enrolment_code, memory_keyring, seed_demo

    from app.station.bootstrap import open_data_dir
    from app.sync import settings as keys

    open_data_dir(root / "template", demo=True).dispose()
    clock = Clock()
    db_url = f"sqlite:///{root / 'server.sqlite'}"
    seed_demo(db_url, clock)
    server = LiveServer(db_url, clock).start()
    stations = []
    try:
        with memory_keyring():
            for i in range(n):
                ws = Workstation(root / "template", root / f"ws{i:02d}", clock)
                try:
                    ws.enrol(server, enrolment_code(server), USERNAME)
                    with ws.ctx.read() as s:
                        known = keys.enrolment(s)
                    assert known is not None
                    secret = ws.store.device_secret(known.device_id)
                    assert secret
                    stations.append(Station(f"ws{i:02d}", known.device_id, known.device_code, secret))
                finally:
                    ws.close()
    finally:
        server.stop()
    return tuple(stations)


def make_cases(root: str, m: int) -> tuple[str, int, float]:
    """Child process: M real intakes (receive_case) at the workstation in `root`."""
    from ow_testkit import clerk, complete, item_named

    from app.intake.outcomes import receive_case
    from app.station.bootstrap import open_data_dir

    ctx = open_data_dir(Path(root), demo=True)
    try:
        actor, data = clerk(ctx, USERNAME), complete(item_named(ctx, ITEM))
        started = time.perf_counter()
        for _ in range(m):
            receive_case(ctx, actor, data)
        return root, m, time.perf_counter() - started
    finally:
        ctx.dispose()


def _make_cases(prepared: Prepared, workers: int) -> None:
    started = time.perf_counter()
    made = 0
    # spawn: a clean interpreter per worker (no engines or threads inherited from this process)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs = [pool.submit(make_cases, str(prepared.data_dir(s)), prepared.cases_each) for s in prepared.stations]
        for job in as_completed(jobs):
            root, count, seconds = job.result()
            made += count
            print(f"  {Path(root).name}: {count} cases in {seconds:.1f} s ({seconds / count * 1000:.1f} ms each); "
                  f"{made} made, {time.perf_counter() - started:.0f} s so far", flush=True)
    wall = time.perf_counter() - started
    print(f"{made} cases made in {wall:.1f} s by {workers} processes = {made / wall:.1f} cases/s", flush=True)


# --- one run's private copies -------------------------------------------------------------------------

def copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy even while a server has the database open (WAL included): SQLite's backup API."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        b.close()
        a.close()


def copy_stations(prepared: Prepared, dest: Path) -> dict[str, Path]:
    """Each workstation's data directory copied for this run (a push changes its outbox)."""
    out = {}
    for s in prepared.stations:
        out[s.name] = dest / s.name
        shutil.copytree(prepared.data_dir(s), out[s.name])
    return out


def sign_in(url: str, stations: tuple[Station, ...], dirs: dict[str, Path] | None = None) -> dict[str, str]:
    """A staff token per device on the server at `url` (what 登录中心服务器 does, minus the keyring).

    With the workstations' data directories, the clerk's op-signing key there is registered too (its ops
    are signed; the server refuses them without it)."""
    from app.station.bootstrap import DEMO_PASSWORD
    from app.sync.client import DeviceCredential, SyncClient

    tokens = {}
    for s in stations:
        client = SyncClient(url, DeviceCredential(s.device_id, s.secret))
        try:
            tokens[s.name] = client.login(USERNAME, DEMO_PASSWORD, _public_key(dirs[s.name]) if dirs else "").token
        finally:
            client.close()
    return tokens


def _public_key(data_dir: Path) -> str:
    from app.core.paths import DataDir

    db = sqlite3.connect(DataDir(data_dir).database)
    try:
        row = db.execute("SELECT public_key FROM signing_key WHERE username = ?", (USERNAME,)).fetchone()
    finally:
        db.close()
    return row[0] if row else ""
