"""Python's cycle collector runs on the UI thread only.

Left automatic, the collector runs in whichever thread happens to allocate: a worker of the task runner can
then free a widget (or any QObject caught in a cycle) outside the thread that owns it, and Qt crashes the
program. So automatic collection is turned off and a timer on the UI thread collects instead: young objects
every second (cheap), everything once a minute.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

YOUNG_MS = 1_000
FULL_EVERY = 60  # young collections per full one


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


def collect_on_ui_thread(app: QCoreApplication) -> None:
    """Install once per application (a second call changes nothing)."""
    if app.findChild(_Collector) is None:
        gc.disable()
        _Collector(app)
