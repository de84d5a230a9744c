"""Start-up and the main window at a million cases, each beside the bare library doing the same work.

    uv run python bench/bench_startup.py [RUNS] [--halls 1000,1000000]

1. Login dialog on screen, demo, cold process with bytecode present, against a bare PySide6 window
   (QApplication + one shown widget) in the same run: median of RUNS fresh processes, timed from
   outside (spawn → the line the program prints when the dialog is shown, ONEWINDOW_STARTUP_PROBE).
   Peak memory (VmHWM) of the process with the main window shown (`--as zhangmin`) on the demo.
2. Main window usable after sign-in on the benchmark halls (bench/hall.py, built once and kept):
   MainWindow built and shown and the first event loop pass done, in a fresh process per hall, the
   data already open and the person signed in (as after the dialog); goal ≤ 0.5 s at 1M, ≤ 1.2× 1k.
Prints figures; never fails. Bytecode is compiled first (app, ui, db and the environment's packages).
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE = ("import sys\nfrom PySide6.QtWidgets import QApplication, QWidget\napp = QApplication(sys.argv)\n"
        "w = QWidget()\nw.resize(360, 200)\nw.show()\napp.processEvents()\n"
        "print('onewindow-startup login', file=sys.stderr, flush=True)\n")

WINDOW = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.core.auth import login
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences
ctx = open_data_dir(Path({hall!r}), demo=True, defer_checks=True)  # as the window opens it
actor = login(ctx, "zhangmin", DEMO_PASSWORD)
hall = hall_info(ctx)
t0 = time.perf_counter()
win = MainWindow(ctx, actor, hall, prefs=Preferences(True))
win.resize(1280, 800)
win.show()
app.processEvents()
print(f"usable {{(time.perf_counter() - t0) * 1000:.1f}}", flush=True)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # use the compiled bytecode
    return env


def compile_all() -> None:
    for folder in ("app", "ui", "db"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1, workers=0)


def _until_marker(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds from spawn to the start-up marker line, and the process's peak memory in KiB then."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT)
    assert proc.stderr is not None
    took, peak = float("nan"), 0
    for line in proc.stderr:
        if line.startswith("onewindow-startup"):
            took = time.perf_counter() - t0
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
            except (OSError, StopIteration):
                pass
            break
    proc.wait()
    return took, peak


def startup(runs: int) -> None:
    env = _env()
    with tempfile.TemporaryDirectory(prefix="ow-start-") as tmp:
        demo = Path(tmp) / "demo"
        app_args = [sys.executable, "-m", "ui", "--demo", "--data-dir", str(demo)]
        _until_marker([*app_args], {**env, "ONEWINDOW_STARTUP_PROBE": "login"})  # first start: provisioning
        bare, ours, bare_mem, main_mem, mains = [], [], [], [], []
        for _ in range(runs):
            t, m = _until_marker([sys.executable, "-c", BARE], env)
            bare.append(t)
            bare_mem.append(m)
            t, _m = _until_marker(app_args, {**env, "ONEWINDOW_STARTUP_PROBE": "login"})
            ours.append(t)
            t, m = _until_marker([*app_args, "--as", "zhangmin"], {**env, "ONEWINDOW_STARTUP_PROBE": "main"})
            mains.append(t)
            main_mem.append(m)
        # Every page built in the quiet (MainWindow.prebuild_pages): what a workstation holds after its first
        # minute, so the memory goal is read there too. About seven seconds a run (it waits for quiet).
        all_pages = [_until_marker([*app_args, "--as", "zhangmin"], {**env, "ONEWINDOW_STARTUP_PROBE": "pages"})[1]
                     for _ in range(min(runs, 3))]
        b, o = statistics.median(bare), statistics.median(ours)
        print(f"login dialog shown, demo, cold (bytecode): ours {o * 1000:6.0f} ms | bare PySide6 window "
              f"{b * 1000:6.0f} ms | ratio {o / b:4.2f}× (goal ≤ 2.5×)")
        print(f"main window shown (--as zhangmin), demo: {statistics.median(mains) * 1000:6.0f} ms from spawn")
        print(f"peak memory at the main window, demo: {max(main_mem) / 1024:5.0f} MiB | bare PySide6 window "
              f"{max(bare_mem) / 1024:5.0f} MiB (goal ≤ 150 MiB)")
        print(f"peak memory once every page is built, demo: {max(all_pages) / 1024:5.0f} MiB")


def window_at(halls: list[int], runs: int) -> None:
    from bench.hall import hall

    env = _env()
    figures = {}
    for n in halls:
        root = hall(n)
        samples = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", WINDOW.format(root=str(ROOT), hall=str(root))], env=env,
                                 capture_output=True, text=True, cwd=ROOT)
            line = next((x for x in out.stdout.splitlines() if x.startswith("usable")), None)
            if line is None:
                print(out.stderr[-2000:])
                break
            samples.append(float(line.split()[1]))
        if samples:
            figures[n] = statistics.median(samples)
            print(f"main window usable after sign-in, {n:>9,} cases: {figures[n]:7.1f} ms (median of {len(samples)})")
    if len(figures) >= 2:
        small, large = min(figures), max(figures)
        print(f"ratio {large:,} / {small:,} cases: {figures[large] / figures[small]:4.2f}× (goal ≤ 1.2×, ≤ 500 ms)")


if __name__ == "__main__":
    argv = sys.argv[1:]
    sizes = [1000, 1_000_000]
    if "--halls" in argv:
        at = argv.index("--halls")
        sizes = [int(x) for x in argv[at + 1].split(",")]
        del argv[at:at + 2]
    n_runs = int(argv[0]) if argv else 5
    compile_all()
    startup(n_runs)
    window_at(sizes, n_runs)
