"""Event-loop lag while the window works: a 10 ms probe timer on the UI thread, late by how much.

    uv run python bench/bench_lag.py [HALL_CASES]      # default 1,000,000 (bench/hall.py, built once)

Phases, each as the window runs it (through the task runner or off_ui_thread), the probe ticking:
5 acceptances with a sealed, signed notice; printing 3 A4 pages (the acceptance notices, rendered and
painted at 300 dpi into a PDF printer); 60 searches at the hall's size (ID fragments, names, case
numbers); and the main window built at that size, its pages built in the quiet (as between applicants),
then opened one after another. Per
phase: p99 and max of the probe's lateness (goal p99 ≤ 50 ms, max ≤ 100 ms). And a 1,000-case sync: one
enrolled workstation of the prepared sync hall (bench/sync_hall.py, 1 × 1000 cases taken offline, made once
and kept beside the benchmark halls) runs a whole sync (clock, documents, push, reference data, pull …)
through the task runner against the real server in a child process. Prints figures; never fails.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ow_testkit import clerk, complete, item_named, person  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtPrintSupport import QPrinter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.cases.queries import CaseQuery, search_cases  # noqa: E402
from app.intake.outcomes import accept_case  # noqa: E402
from app.records.doc_register import read_document  # noqa: E402
from app.station.bootstrap import open_data_dir  # noqa: E402
from bench.hall import hall  # noqa: E402
from ui.printing.printers import print_pdf  # noqa: E402
from ui.widgets.tasks import TaskRunner, off_ui_thread  # noqa: E402
from ui.widgets.ui_gc import collect_on_ui_thread, keep_for_session  # noqa: E402

PROBE_MS = 10


class Probe:
    """A 10 ms timer; each tick records how late it came."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer(interval=PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.late: list[float] = []
        self.last = 0

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed()
        self.late.append(max(0.0, (now - self.last) / 1e6 - PROBE_MS))
        self.last = now

    def start(self) -> None:
        self.late = []
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.late


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples) or [0.0]
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def phase(probe: Probe, label: str, work: Callable[[], None]) -> None:
    probe.start()
    t0 = time.perf_counter()
    work()
    took = time.perf_counter() - t0
    late = probe.stop()
    print(f"{label:44s} {took:6.1f} s | probe lateness p99 {_pct(late, .99):6.1f} ms, max {max(late or [0]):6.1f} ms "
          f"(goal ≤ 50 / ≤ 100) over {len(late)} ticks", flush=True)


def run_in_runner(owner: QWidget, calls: list[Callable[[], Any]]) -> list[Any]:
    """One after another through the task runner, the event loop running meanwhile."""
    runner = TaskRunner(owner)
    out: list[Any] = []
    loop = QEventLoop()

    def next_call(result: Any = None) -> None:
        if result is not None:
            out.append(result)
        if len(out) == len(calls):
            loop.quit()
            return
        call = calls[len(out)]
        runner.run(lambda *, report, cancel: call(), quiet=True, on_done=next_call,
                   on_error=lambda exc: (print("failed:", exc), loop.quit()))

    next_call()
    loop.exec()
    return out


def sync_phase(probe: Probe, owner: QWidget) -> None:
    """A whole sync of 1,000 cases taken offline, as the sync page runs it (the task runner)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from sync_hall import USERNAME, copy_sqlite, copy_stations, prepare, sign_in
    from sync_server import ServerProcess
    from sync_testkit import free_port

    from app.sync.client import DeviceCredential, SyncClient
    from app.sync.credentials import CredentialStore
    from app.sync.engine import sync_once
    from bench.hall import halls_root

    prepared = prepare(halls_root() / "sync", 1, 1000)
    with tempfile.TemporaryDirectory(prefix="ow-lag-sync-") as tmp:
        work = Path(tmp)
        copy_sqlite(prepared.server_db, work / "server.sqlite")
        dirs = copy_stations(prepared, work)
        server = ServerProcess(f"sqlite:///{work / 'server.sqlite'}", free_port())
        try:
            station = prepared.stations[0]
            token = sign_in(server.url, prepared.stations, dirs)[station.name]
            ctx = open_data_dir(dirs[station.name], demo=True)
            client = SyncClient(server.url, DeviceCredential(station.device_id, station.secret), token)
            outcome: list[Any] = []
            keep_for_session()  # the data opened before the window, as at the program's start
            phase(probe, f"a sync of {prepared.cases_each:,} cases (task runner)", lambda: outcome.extend(
                run_in_runner(owner, [lambda: sync_once(ctx, CredentialStore(True), USERNAME, client=client)])))
            print(f"  {outcome[0].message}: {outcome[0].pushed} ops pushed, {outcome[0].rejected} rejected, "
                  f"{outcome[0].pulled} pulled", flush=True)
            client.close()
            ctx.dispose()
        finally:
            server.stop()


def main(n: int) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("OneWindow bench")
    collect_on_ui_thread(app)  # the program's garbage collection (ui/system/gui.py): on the UI thread only
    owner = QWidget()
    probe = Probe()
    with tempfile.TemporaryDirectory(prefix="ow-lag-") as tmp:
        ctx = open_data_dir(Path(tmp) / "demo", demo=True)
        actor = clerk(ctx)
        data = complete(item_named(ctx, "食品经营许可"), person("王䶮"))
        accept_case(ctx, actor, data)  # the signer and the fonts loaded once, as after the first intake of a day
        keep_for_session()  # as the program does once its main window is up (ui/widgets/ui_gc.py)
        results: list[Any] = []
        phase(probe, "5 acceptances with sealing (task runner)",
              lambda: results.extend(run_in_runner(owner, [lambda: accept_case(ctx, actor, data)] * 5)))
        notices = [r.document_ids[-1] for r in results[:3]]

        def print_three() -> None:
            for i, doc in enumerate(notices):
                pdf = read_document(ctx, doc)[1]
                printer = QPrinter(QPrinter.PrinterMode.HighResolution)
                printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
                printer.setOutputFileName(str(Path(tmp) / f"print-{i}.pdf"))
                printer.setResolution(300)
                printer.setFullPage(True)
                result = off_ui_thread(lambda pdf=pdf, printer=printer: print_pdf(pdf, printer))
                assert result.ok, result.message

        phase(probe, "printing 3 A4 pages at 300 dpi (off_ui_thread)", print_three)
        ctx.dispose()
    sync_phase(probe, owner)

    root = hall(n)
    big = open_data_dir(root, demo=True)
    actor = clerk(big)
    con = sqlite3.connect(root / "onewindow.sqlite")
    rows = con.execute('SELECT applicant_name, case_no, applicant_id_number FROM "case" '
                       "WHERE applicant_kind = 'person' AND rowid % 4999 = 0 LIMIT 20").fetchall()
    con.close()
    rng = random.Random(3)
    queries = ([CaseQuery(text=r[2][rng.randrange(6, 12):][:6]) for r in rows]
               + [CaseQuery(text=r[0][:2]) for r in rows] + [CaseQuery(text=r[1]) for r in rows])
    phase(probe, f"60 searches at {n:,} cases (task runner)",
          lambda: run_in_runner(owner, [lambda q=q: search_cases(big, actor, q) for q in queries]))

    from app.reference.hall import hall_info
    from ui.system.main_window import SECTIONS, MainWindow
    from ui.widgets.preferences import Preferences

    def open_pages() -> None:
        win = MainWindow(big, actor, hall_info(big), prefs=Preferences(True))
        win.resize(1280, 800)
        win.show()
        for key, _title in SECTIONS:
            win.show_section(key)
            settle = QEventLoop()  # a second on each page, its load coming in off the UI thread
            QTimer.singleShot(1000, settle.quit)
            settle.exec()
        win.close()

    def build_in_quiet() -> None:
        # As the window does between applicants: nobody at the keyboard, one page a tick.
        win = MainWindow(big, actor, hall_info(big), prefs=Preferences(True))
        win.resize(1280, 800)
        win.show()
        done = QEventLoop()
        win.every_page_built.connect(done.quit)
        win.prebuild_pages(lambda: 60_000)
        QTimer.singleShot(60_000, done.quit)
        done.exec()
        win.close()

    phase(probe, f"main window, pages built in the quiet, {n:,} cases", build_in_quiet)
    phase(probe, f"main window, every page opened, {n:,} cases", open_pages)
    big.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
