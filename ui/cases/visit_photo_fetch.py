"""The case detail's 获取现场照片: photos of a site visit taken at another workstation of the window, fetched
from the central server when someone wants to look (the chief before signing off, a colleague continuing).

A mixin of CaseDetailView, kept apart so the page stays one readable module: the button shows only while the
case has visits whose photos are on the server and not here, says how many, and runs the fetch off the UI
thread (each photo streams from the server and is stored sealed); the attachments tab then lists them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.cases.detail import CaseDetail
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.sync.credentials import CredentialStore
from app.sync.visit_photos import fetch_visit_photos
from ui.widgets.tasks import TaskRunner

BUTTON = ("photos", "获取现场照片", "do_fetch_photos")  # (key, text, slot) as CaseDetailView's BUTTONS


class VisitPhotoFetch:
    """Needs the detail view's ctx, actor, detail, buttons and reload."""

    ctx: AppContext
    actor: Actor
    detail: CaseDetail | None
    buttons: dict[str, QPushButton]
    reload: Any
    photo_store: CredentialStore | None = None  # tests hand in theirs; the OS secret store otherwise

    def _enable_photos(self, d: CaseDetail) -> None:
        waiting = sum(len(v.photos_on_server) for v in d.site_visits)
        button = self.buttons[BUTTON[0]]
        button.setVisible(waiting > 0)
        button.setEnabled(waiting > 0)
        button.setText(f"获取现场照片（{waiting} 张）")

    def do_fetch_photos(self) -> None:
        d, button = self.detail, self.buttons[BUTTON[0]]
        if d is None or not button.isEnabled():
            return  # a second click while fetching
        button.setEnabled(False)
        ctx, actor, ids = self.ctx, self.actor, [v.id for v in d.site_visits if v.photos_on_server]
        store = self.photo_store or CredentialStore(ctx.demo)

        def work(*, report: Any, cancel: Any) -> int:
            return sum(fetch_visit_photos(ctx, actor, store, visit_id) for visit_id in ids)

        parent: QWidget = self  # type: ignore[assignment]  # the mixin is always a CaseDetailView
        self.photo_runner = TaskRunner(parent)
        self.photo_runner.run(work, title="正在从中心服务器获取现场照片…", on_done=lambda _n: self.reload(),
                              on_error=self._photos_failed)

    def _photos_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            raise exc
        QMessageBox.warning(self, "无法获取现场照片", exc.message)  # type: ignore[arg-type]
        self.reload()
