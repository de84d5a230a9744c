"""Background work: core functions run on a QThreadPool; results and progress come back as signals.

The core's long functions take `report(done, total, text)` and a cancel event; this module
turns them into Qt signals. A busy cursor appears after 300 ms and a progress dialog after 600 ms,
so quick work never flickers.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

BUSY_CURSOR_MS = 300
PROGRESS_DIALOG_MS = 600


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], signals: _Signals,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.fn, self.args, self.signals, self.cancel = fn, args, signals, cancel

    def run(self) -> None:
        def report(done: int, total: int, text: str = "") -> None:
            self.signals.progress.emit(done, total, text)

        try:
            result = self.fn(*self.args, report=report, cancel=self.cancel)
        except BaseException as exc:  # handed to the UI thread, which decides known vs bug
            outcome, value = self.signals.failed, exc
        else:
            outcome, value = self.signals.finished, result
        with contextlib.suppress(RuntimeError):  # the window that asked was closed meanwhile: nobody to tell
            outcome.emit(value)


class TaskRunner(QObject):
    """Runs one core call at a time per runner (database writes are serialised anyway)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self._pool = QThreadPool.globalInstance()
        self._keep: set[_Signals] = set()

    def run(self, fn: Callable[..., Any], *args: Any, title: str = "请稍候…",
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None, quiet: bool = False) -> threading.Event:
        """Start `fn(*args, report=, cancel=)` in the pool; returns the cancel event.

        `quiet`: no busy cursor and no progress dialog (a page refreshing itself behind the person's work).
        """
        cancel = threading.Event()
        signals = _Signals()
        self._keep.add(signals)
        dialog: list[QProgressDialog] = []
        cursor = QTimer(self, singleShot=True, interval=BUSY_CURSOR_MS)
        busy: list[bool] = []

        def busy_cursor() -> None:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            busy.append(True)

        cursor.timeout.connect(busy_cursor)
        show = QTimer(self, singleShot=True, interval=PROGRESS_DIALOG_MS)

        def show_dialog() -> None:
            d = QProgressDialog(title, "取消", 0, 0, self._parent)
            d.setWindowModality(Qt.WindowModality.WindowModal)
            d.canceled.connect(cancel.set)
            d.show()
            dialog.append(d)

        show.timeout.connect(show_dialog)

        def on_progress(done: int, total: int, text: str) -> None:
            if dialog:
                dialog[0].setMaximum(total)
                dialog[0].setValue(done)
                if text:
                    dialog[0].setLabelText(text)

        def cleanup() -> None:
            if quiet:
                self._keep.discard(signals)
                return
            if cursor.isActive():
                cursor.stop()
            else:
                QApplication.restoreOverrideCursor()
            show.stop()
            for d in dialog:
                d.close()
            self._keep.discard(signals)

        def gone() -> bool:
            """The page that asked was closed meanwhile (its C++ side deleted): nobody to tell."""
            if shiboken6.isValid(self._parent):
                return False
            self._keep.discard(signals)
            if busy:  # its timers went with it; the cursor is the application's
                QApplication.restoreOverrideCursor()
            return True

        def done(result: Any) -> None:
            if gone():
                return
            cleanup()
            if on_done:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if gone():
                return
            cleanup()
            if on_error:
                on_error(exc)
            else:
                raise exc

        signals.progress.connect(on_progress)
        signals.finished.connect(done)
        signals.failed.connect(failed)
        if not quiet:
            cursor.start()
            show.start()
        self._pool.start(_Job(fn, args, signals, cancel))
        return cancel


def off_ui_thread(fn: Callable[[], Any]) -> Any:
    """Run `fn()` in the pool and return its result, the event loop running meanwhile (nothing freezes).

    For the few places that hand back a result to a caller that waits for it (printing a document
    right after the decision that made it); everything else uses TaskRunner.run with callbacks.
    """
    from PySide6.QtCore import QEventLoop

    if QApplication.instance() is None:
        return fn()
    loop = QEventLoop()
    signals = _Signals()
    box: dict[str, Any] = {}

    def done(result: Any) -> None:
        box["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        box["error"] = exc
        loop.quit()

    signals.finished.connect(done)
    signals.failed.connect(failed)
    QThreadPool.globalInstance().start(_Job(lambda *, report, cancel: fn(), (), signals, threading.Event()))
    if "result" not in box and "error" not in box:
        loop.exec()
    if "error" in box:
        raise box["error"]
    return box["result"]
