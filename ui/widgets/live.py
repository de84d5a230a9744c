"""Pages that keep themselves current: the core's change notice as a Qt signal, and refreshing off the UI thread.

One `ChangeNotice` per open data directory turns `app.core.changes` (called in whatever thread committed)
into a queued Qt signal. A page's `LiveRefresh` loads its data in the task runner when the page is on
screen, and otherwise only notes that it is stale and loads when it is next shown; changes that arrive
while a load runs coalesce into one more load after it.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from app.core.changes import CASE_TABLES, Change, unwatch, watch
from app.core.context import AppContext
from app.core.errors import AppError
from ui.widgets.tasks import TaskRunner

log = logging.getLogger(__name__)
COALESCE_MS = 120  # a burst of commits (a batch sign-off, a sync page) becomes one refresh


class ChangeNotice(QObject):
    """`changed(Change)` on the UI thread after every commit of the context."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(QApplication.instance())
        emit = self.changed.emit
        alive = [True]

        def forward(change: Change) -> None:
            if alive[0]:
                emit(change)  # queued across threads: the slots run on the UI thread

        self._hook = watch(ctx, forward)
        hook, hooks = self._hook, ctx
        self.destroyed.connect(lambda *_: (alive.__setitem__(0, False), unwatch(hooks, hook)))


_notices: list[tuple[weakref.ref[AppContext], ChangeNotice]] = []


def change_notice(ctx: AppContext) -> ChangeNotice:
    """The one notice of this context (made on first use; dropped when the context is gone)."""
    for ref, notice in list(_notices):
        if ref() is None:
            _notices.remove((ref, notice))
            notice.deleteLater()
        elif ref() is ctx:
            return notice
    notice = ChangeNotice(ctx)
    _notices.append((weakref.ref(ctx), notice))
    return notice


class LiveRefresh(QObject):
    """Loads `load()` off the UI thread and hands the result to `show` on it, whenever the page needs it."""

    def __init__(self, page: QWidget, ctx: AppContext, load: Callable[..., Any], show: Callable[[Any], None],
                 tables: frozenset[str] = CASE_TABLES, args: Callable[[], tuple[Any, ...]] = tuple) -> None:
        """`load(*args())` runs off the UI thread; `args` reads the page's widgets (filters) on it first."""
        super().__init__(page)
        self.page, self.load, self.show, self.tables, self.args = page, load, show, tables, args
        self.runner = TaskRunner(page)
        self.stale = True  # nothing loaded yet
        self.running = self.again = False
        self.loads = 0  # finished loads (tests wait on it)
        self._soon = QTimer(self, singleShot=True, interval=COALESCE_MS)
        self._soon.timeout.connect(self.reload)
        change_notice(ctx).changed.connect(self._changed)
        page.installEventFilter(self)

    def _changed(self, change: Change) -> None:
        if change.touches(self.tables):
            self.request()

    def request(self) -> None:
        """Something changed: load soon if the page is on screen, else when it is next shown."""
        self.stale = True
        if self.page.isVisible():
            self._soon.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.page and event.type() == QEvent.Type.Show and self.stale:
            self._soon.start(0)
        return False

    def reload(self) -> None:
        """Load now, off the UI thread (a load already running is followed by one more)."""
        if self.running:
            self.again = True
            return
        self.running, self.stale = True, False
        args = self.args()
        self.runner.run(lambda *, report, cancel: self.load(*args), quiet=True, on_done=self._done,
                        on_error=self._failed)

    def _finished(self) -> None:
        self.running = False
        self.loads += 1
        if self.again:
            self.again = False
            self.reload()

    def _done(self, result: Any) -> None:
        if not isValid(self.page):
            return  # the page was closed while it loaded
        try:
            self.show(result)
        finally:
            self._finished()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        if not isinstance(exc, AppError):
            raise exc
        log.warning("page refresh failed: %s", exc.message)
        self.stale = True  # try again on the next change or showing
