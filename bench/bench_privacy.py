"""#19 benchmark (run by hand; prints numbers, never fails): the same work on a plain and on an
encrypted workstation (SQLCipher 4 database, AES-GCM document files), in the same run.

    uv run python bench/bench_privacy.py [N cases] [runs] [--keep DIR]

--keep DIR keeps the two halls in DIR and reuses them on the next run with the same DIR (a million
cases take a quarter of an hour to build and encrypt).

Both halls are the same N cases (bulk-loaded plain, then one copy encrypted in place by the
application's own upgrade path). Measured, alternating plain/encrypted call by call so that the
shared machine's load falls on both alike: intake commit + receipt written (fsync'd), and searches
(name, scanned case number, ID fragment, first page of the list). Goal: encrypted within 1.3×.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_case_search import build, pct  # noqa: E402
from ow_testkit import clerk, complete, item_named  # noqa: E402
from sync_testkit import memory_keyring  # noqa: E402

from app.cases.queries import CaseQuery, search_cases  # noqa: E402
from app.core.context import AppContext  # noqa: E402
from app.intake.outcomes import receive_case  # noqa: E402
from app.station.bootstrap import open_data_dir  # noqa: E402

NOW = datetime(2026, 11, 20, 2, 0)


def _ms(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def pair(label: str, plain: Callable[[], object], enc: Callable[[], object], runs: int) -> None:
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(_ms(plain))
        b.append(_ms(enc))
    ratio = pct(b, 0.5) / max(pct(a, 0.5), 1e-6)
    print(f"{label:34s} plain p50 {pct(a, .5):7.2f} p95 {pct(a, .95):7.2f} ms | encrypted p50 {pct(b, .5):7.2f} "
          f"p95 {pct(b, .95):7.2f} ms | p50 ratio {ratio:4.2f}× (goal ≤ 1.3×)", flush=True)


def _make_halls(work: Path, n: int) -> tuple[Path, Path]:
    plain_root, enc_root = work / "plain", work / "encrypted"
    if (work / f"ready-{n}").exists():
        print(f"reusing the {n:,}-case halls in {work}", flush=True)
        return plain_root, enc_root
    shutil.rmtree(plain_root, ignore_errors=True)
    shutil.rmtree(enc_root, ignore_errors=True)
    open_data_dir(plain_root, demo=True).dispose()
    print(f"building {n:,} cases …", flush=True)
    print(f"built in {build(plain_root / 'onewindow.sqlite', n, NOW):.1f} s", flush=True)
    shutil.copytree(plain_root, enc_root)
    t0 = time.perf_counter()
    open_data_dir(enc_root, demo=False).dispose()  # this release's upgrade: encrypted in place
    size = (enc_root / "onewindow.sqlite").stat().st_size / 2**20
    print(f"encrypted in place in {time.perf_counter() - t0:.1f} s ({size:.0f} MiB)", flush=True)
    (work / f"ready-{n}").write_text("")
    return plain_root, enc_root


def bare_libraries(ctxs: list[AppContext], numbers: list[str], runs: int) -> None:
    """The case-number SQL bare on three connections, to tell the library from the encryption: stdlib
    sqlite3 and sqlcipher3 without a key on the plain file, and the encrypted hall's own connection."""
    import sqlite3

    import sqlcipher3

    sql = ('SELECT rowid, id, case_no, state FROM "case" WHERE case_no = ? OR applicant_id_number = ? '
           "ORDER BY rowid DESC LIMIT 101")
    plain_file = str(ctxs[0].data.database)
    stdlib = sqlite3.connect(plain_file, isolation_level=None)
    unkeyed = sqlcipher3.connect(plain_file, isolation_level=None)
    pooled = ctxs[1].read_engine.raw_connection()
    keyed = pooled.driver_connection
    assert keyed is not None
    timings: dict[str, list[float]] = {"stdlib": [], "unkeyed": [], "keyed": []}
    for i in range(runs * 4):
        no = numbers[i % len(numbers)]
        for name, con in (("stdlib", stdlib), ("unkeyed", unkeyed), ("keyed", keyed)):
            timings[name].append(_ms(lambda con=con, no=no: con.execute(sql, (no, no)).fetchall()))
    p50 = {k: pct(v, 0.5) * 1000 for k, v in timings.items()}
    print(f"{'case-number SQL, bare (µs p50)':34s} stdlib sqlite3 {p50['stdlib']:6.1f} | sqlcipher3 no key "
          f"{p50['unkeyed']:6.1f} | sqlcipher3 encrypted {p50['keyed']:6.1f} | library {p50['unkeyed'] / p50['stdlib']:4.2f}× "
          f"encryption {p50['keyed'] / p50['unkeyed']:4.2f}×", flush=True)
    pooled.close()
    stdlib.close()
    unkeyed.close()


def main(n: int = 200_000, runs: int = 150, keep: Path | None = None) -> None:
    work = keep or Path(tempfile.mkdtemp(prefix="ow-bench-privacy-"))
    with memory_keyring() as ring:
        # A kept encrypted hall's key is kept beside it (bench data only), so a later run can open it.
        ring_file = work / "keyring.json"
        if keep and ring_file.exists():
            ring.store.update({(a, b): c for a, b, c in json.loads(ring_file.read_text())})
        plain_root, enc_root = _make_halls(work, n)
        if keep:
            ring_file.write_text(json.dumps([[a, b, c] for (a, b), c in ring.store.items()]))
        ctxs: list[AppContext] = [open_data_dir(r, demo=True) for r in (plain_root, enc_root)]
        for ctx in ctxs:
            ctx.clock = lambda: NOW
        actors = [clerk(c) for c in ctxs]
        data = [complete(item_named(c, "食品经营许可")) for c in ctxs]
        sample = search_cases(ctxs[0], actors[0], CaseQuery(text="王")).rows[:20]
        numbers = [r.case_no for r in sample]
        names = [r.applicant_name[:2] for r in sample]
        print(f"{n:,} cases; {runs} runs each, alternating plain / encrypted")
        pair("intake commit + receipt (fsync'd)", lambda: receive_case(ctxs[0], actors[0], data[0]),
             lambda: receive_case(ctxs[1], actors[1], data[1]), max(20, runs // 3))
        for label, queries in (("name, two characters", names), ("case number (scanned, exact)", numbers),
                               ("ID fragment (8 characters)", ["1231002X", "19900307", "0101199"]),
                               ("list, first page", [""])):
            it = [0]

            def q(i: int, queries: list[str] = queries, it: list[int] = it) -> object:
                return search_cases(ctxs[i], actors[i], CaseQuery(text=queries[it[0] % len(queries)]))

            def step_plain(q: Callable[[int], object] = q) -> object:
                return q(0)

            def step_enc(q: Callable[[int], object] = q, it: list[int] = it) -> object:
                out = q(1)
                it[0] += 1
                return out

            pair(label, step_plain, step_enc, runs)
        bare_libraries(ctxs, numbers, runs)
        for ctx in ctxs:
            ctx.dispose()
    if keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    argv = sys.argv[1:]
    keep_dir = None
    if "--keep" in argv:
        at = argv.index("--keep")
        keep_dir = Path(argv[at + 1])
        del argv[at:at + 2]
    main(*(int(a) for a in argv[:2]), keep=keep_dir)
