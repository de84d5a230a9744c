"""A real CUPS-PDF print queue for the printing tests: cupsd started when needed, output read back."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

QUEUE = "OneWindowTestPDF"
# cups-pdf reads /etc/cups/cups-pdf-<instance>.conf for a cups-pdf:/<instance> URI, so the test queue
# gets its own output folder without touching the machine's cups-pdf.conf.
INSTANCE = "onewindow-test"
CUPS_DIR = Path("/etc/cups")
CONF = CUPS_DIR / f"cups-pdf-{INSTANCE}.conf"
# Under /var/spool/cups-pdf because Debian's AppArmor profile for cups-pdf allows writing there.
OUT_DIR = Path("/var/spool/cups-pdf") / INSTANCE
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
LOGS = (Path("/var/log/cups/error_log"), Path(f"/var/log/cups/cups-pdf-{QUEUE}_log"),
        Path("/var/log/cups/cups-pdf_log"))
TOOLS = ("cupsd", "lpadmin", "lpstat", "lpinfo", "cupsenable", "cupsdisable", "cupsaccept", "cancel",
         "pdftoppm", "pdfinfo", "zbarimg")
SCHEDULER_TIMEOUT_S = 30.0
OUTPUT_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class CupsPdfPrinter:
    queue: str
    out_dir: Path

    def wait_for_output(self, title: str, timeout: float = OUTPUT_TIMEOUT_S) -> Path:
        """The PDF cups-pdf wrote for the job titled `title`, once complete (it names files after the title)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = sorted(self.out_dir.glob(f"{title}*.pdf"))
            # gs writes the file in place: it is only whole once the job has left the queue and
            # poppler can read it to the end.
            if found and not _pending_jobs(self.queue) and _readable_pdf(found[0]):
                return found[0]
            time.sleep(0.25)
        raise AssertionError(f"no output for job {title!r} in {self.out_dir} after {timeout:.0f} s;"
                             f" queue: {_run(['lpstat', '-o', self.queue]).stdout!r}\n{_log_tails()}")


def skip_reason() -> str | None:
    """Why real printing cannot be tested here, or None."""
    if os.name != "posix" or not hasattr(os, "geteuid"):
        return "real printing tests need Linux with CUPS"
    missing = [t for t in TOOLS if shutil.which(t, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None]
    if missing:
        return (f"CUPS/poppler tools missing ({', '.join(missing)}): "
                "run scripts/install-system-deps.sh (cups, printer-driver-cups-pdf, poppler-utils)")
    if not BACKEND.exists():
        return "printer-driver-cups-pdf is not installed (no cups-pdf backend): run scripts/install-system-deps.sh"
    if os.geteuid() != 0:
        return "adding a CUPS queue and reading cups-pdf output needs root (CI runs the tests as root)"
    return None


def scheduler_running() -> bool:
    out = _run(["lpstat", "-r"]).stdout.strip()
    return out == "scheduler is running"


def ensure_scheduler(timeout: float = SCHEDULER_TIMEOUT_S) -> None:
    """Start cupsd when it is not running (no systemd in CI containers) and wait until it answers."""
    if scheduler_running():
        return
    Path("/run/cups").mkdir(parents=True, exist_ok=True)
    # Plain `cupsd` forks into the background and, unlike `cupsd -l`, never exits when idle.
    started = _run([_tool("cupsd")])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scheduler_running():
            return
        time.sleep(0.25)
    pytest.fail(f"cupsd did not come up within {timeout:.0f} s (cupsd said {started.stderr.strip()!r})\n"
                f"{_log_tails()}")


def cups_pdf_ppd() -> str | None:
    """The cups-pdf driver as lpinfo names it (e.g. lsb/usr/cups-pdf/CUPS-PDF_opt.ppd)."""
    models = [line.split(" ", 1)[0] for line in _run(["lpinfo", "-m"]).stdout.splitlines()]
    pdf = [m for m in models if "cups-pdf" in m.lower()]
    return next((m for m in pdf if "_opt" in m), pdf[0] if pdf else None)


def add_queue() -> CupsPdfPrinter:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in OUT_DIR.iterdir():
        if old.is_file():
            old.unlink()
    CONF.write_text(f"Out {OUT_DIR}\nLabel 0\n", encoding="utf-8")
    ppd = cups_pdf_ppd()
    if ppd is None:
        pytest.skip("lpinfo -m lists no cups-pdf driver: install printer-driver-cups-pdf")
    added = _run([_tool("lpadmin"), "-p", QUEUE, "-E", "-v", f"cups-pdf:/{INSTANCE}", "-m", ppd])
    if added.returncode != 0:
        pytest.fail(f"lpadmin could not add {QUEUE}: {added.stderr.strip()}")
    # A queue left stopped by an earlier, interrupted run would hold every job.
    _run([_tool("cupsenable"), QUEUE])
    _run([_tool("cupsaccept"), QUEUE])
    _run([_tool("cancel"), "-a", QUEUE])
    return CupsPdfPrinter(QUEUE, OUT_DIR)


def remove_queue() -> None:
    _run([_tool("lpadmin"), "-x", QUEUE])
    CONF.unlink(missing_ok=True)
    shutil.rmtree(OUT_DIR, ignore_errors=True)


def wait_visible_to_qt(queue: str, timeout: float = 15.0) -> None:
    """Qt asks libcups on every call, but a new queue can take a moment to be listed."""
    from PySide6.QtPrintSupport import QPrinterInfo

    deadline = time.monotonic() + timeout
    while queue not in QPrinterInfo.availablePrinterNames():
        if time.monotonic() > deadline:
            pytest.fail(f"Qt does not list {queue!r} (CUPS_SERVER={os.environ.get('CUPS_SERVER')!r}): "
                        f"{QPrinterInfo.availablePrinterNames()}")
        time.sleep(0.25)


@contextmanager
def cups_pdf_queue() -> Iterator[CupsPdfPrinter]:
    """Skip, or yield the test queue (removed again afterwards; cupsd is left running)."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    ensure_scheduler()
    printer = add_queue()
    try:
        wait_visible_to_qt(printer.queue)
        yield printer
    finally:
        remove_queue()


@contextmanager
def disabled(queue: str) -> Iterator[None]:
    """The queue stopped (CUPS printer-state 'stopped'), enabled again afterwards whatever happens."""
    _run([_tool("cupsdisable"), queue])
    try:
        yield
    finally:
        _run([_tool("cupsenable"), queue])


def _pending_jobs(queue: str) -> bool:
    return bool(_run(["lpstat", "-o", queue]).stdout.strip())


def _readable_pdf(path: Path) -> bool:
    return path.stat().st_size > 0 and _run(["pdfinfo", str(path)]).returncode == 0


def _tool(name: str) -> str:
    return shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") or name


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    args = [_tool(args[0]), *args[1:]]
    # LC_ALL=C: lpstat's "scheduler is running" is parsed, and it is translated otherwise.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60, check=False)


def _log_tails(lines: int = 15) -> str:
    parts = []
    for log in LOGS:
        if log.exists():
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log}\n" + "\n".join(tail))
    return "\n".join(parts)
