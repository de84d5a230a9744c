"""Python's cycle collector runs on the UI thread only.

Left automatic, the collector runs in whichever thread happens to allocate: a worker of the task runner can
then free a widget (or any QObject caught in a cycle) outside the thread that owns it, and Qt crashes the
program. So automatic collection is turned off and a timer on the UI thread collects instead: young objects
every quarter second, everything once a minute. A young collection walks what survived since the last one:
once a second, a sync's worker left enough to hold the UI thread 55–60 ms; four times a second, a quarter.

A full collection walks every object the program holds: at the main window that is some 140,000 (modules,
classes, widgets), 55–85 ms on the UI thread each minute (#18, bench/bench_lag.py). What stays for the
whole session — the imports and each page once built — is moved out of the collector's sight with
`gc.freeze()` (`keep_for_session`), so a full collection walks only what was made since. Reference counting
still frees frozen objects; only a cycle among them would stay, and pages are built once and kept.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

YOUNG_MS = 250
FULL_EVERY = 240  # young collections per full one: a full collection once a minute


class _Collector(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.ticks = 0
        self.timer = QTimer(self, interval=YOUNG_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()

    def collect(self) -> None:
        self.ticks += 1
        gc.collect(2 if self.ticks % FULL_EVERY == 0 else 1)


def keep_for_session() -> None:
    """After building what lives until sign-out (the main window, a page): everything alive handed to the
    permanent generation, without a collection first (with automatic collection off since start-up, the
    young generations hold every object made since: collecting them took 22 ms at the first page)."""
    gc.freeze()


def end_of_session() -> None:
    """At sign-out: what was kept for the session (its window and pages) goes back under the collector."""
    gc.unfreeze()
    gc.collect()


def collect_on_ui_thread(app: QCoreApplication) -> None:
    """Install once per application (a second call changes nothing)."""
    if app.findChild(_Collector) is None:
        gc.disable()
        _Collector(app)
