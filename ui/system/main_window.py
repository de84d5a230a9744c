"""The main window: navigation for the window's work, the status bar with who is on duty."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from app.core.auth import ROLE_LABELS, Action, Role, may, sign_out
from app.core.context import Actor, AppContext
from app.reference.hall import HallInfo
from app.reference.id_reader import IdCardReader, NoReader, SimulatedReader
from app.sync.credentials import CredentialStore
from ui.bundles.page import BundlePage
from ui.cases.due_panel import DuePanel
from ui.cases.list_view import CaseListView
from ui.catalog.view import CatalogView
from ui.certificates.view import CertificateView
from ui.figures.stats_view import StatsView
from ui.intake.view import IntakeView
from ui.printing.document_actions import DocumentPrinter
from ui.records.records_dialog import RecordsDialog, may_open_records
from ui.signoff.view import SignoffView
from ui.sync.view import SyncController, SyncView
from ui.system.settings_dialog import SettingsDialog
from ui.widgets.preferences import Preferences
from ui.widgets.ui_gc import keep_for_session

SECTIONS = (
    ("intake", "受理"),
    ("bundles", "一件事"),
    ("cases", "办件"),
    ("signoff", "签批"),
    ("certificates", "发证"),
    ("stats", "统计"),
    ("sync", "同步"),
    ("catalog", "事项目录"),
)
# Pages not yet opened are built one at a time while nobody touches the keyboard or mouse: a page's
# first build holds the UI thread 40–80 ms (at 1M cases opening every page had one tick 110–160 ms
# late, #18), so it is done in the quiet moments between applicants rather than on the clerk's click.
PREBUILD_EVERY_MS = 700
PREBUILD_QUIET_MS = 1500


def _pending_page(title: str) -> QWidget:
    label = QLabel(f"<h2>{title}</h2><p style='color:#666'>此功能尚未开放。</p>")
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMargin(24)
    return label


class MainWindow(QMainWindow):
    """Left navigation, one page per section, the status bar with hall / window / staff / role.

    A page is built the first time it is opened (or asked for by name), or in a quiet moment before
    that (prebuild_pages), and loads its data off the UI thread when shown: signing in costs the first
    page only, however many cases the workstation holds.
    """

    every_page_built = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, hall: HallInfo, reader: IdCardReader | None = None,
                 prefs: Preferences | None = None) -> None:
        super().__init__()
        self.ctx, self.actor, self.hall, self.reader = ctx, actor, hall, reader
        self.prefs = prefs or Preferences(ctx.demo)
        self.printer = DocumentPrinter(ctx, actor, self.prefs, self,
                                       status=lambda message: self.statusBar().showMessage(message))
        self.setWindowTitle(f"OneWindow — {hall.name}{'（演示）' if ctx.demo else ''}")
        self.nav = QListWidget(objectName="nav")
        self.nav.setFixedWidth(120)
        self.pages = QStackedWidget()
        self.section_index: dict[str, int] = {}
        self._built: dict[str, QWidget] = {}
        for key, title in SECTIONS:
            self.section_index[key] = self.pages.addWidget(QWidget())  # a placeholder until first opened
            QListWidgetItem(title, self.nav)
        self.nav.currentRowChanged.connect(self._open_row)
        self.nav.setStyleSheet("QListWidget { font-size: 15px; } QListWidget::item { padding: 10px 14px; }")
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        for text in (hall.name, actor.department_name or "大厅", actor.window_name or "—",
                     f"值班：{actor.name}", ROLE_LABELS[Role(actor.role)]):
            label = QLabel(text)
            label.setStyleSheet("padding: 0 8px; border-left: 1px solid #bbb;")
            bar.addPermanentWidget(label)
        # Sync runs from sign-in on and feeds the status bar; its page is built when first opened. The
        # status text is read off the UI thread, and the first run starts after the window is on screen.
        self.sync_controller: SyncController | None = None
        self.sync_label = QLabel("", objectName="syncStatus")
        if may(actor, Action.SYNC):
            self.sync_controller = SyncController(ctx, actor, CredentialStore(ctx.demo), self)
            self.sync_controller.status_text.connect(self.sync_label.setText)
            QTimer.singleShot(0, self.sync_controller.start)
        bar.addPermanentWidget(self.sync_label)
        menu = self.menuBar().addMenu("系统")
        menu.addAction("设置…", lambda: SettingsDialog(self.prefs, actor, self).exec())
        self.shift_change = False  # set by 注销（换班）: the start-up asks the next person to sign in
        menu.addAction("注销（换班）", self.change_shift).setObjectName("changeShift")
        if may_open_records(actor):
            menu.addAction("用印登记与审计日志…", lambda: RecordsDialog(ctx, actor, self.prefs, self).exec())
        if may(actor, Action.VIEW_CASES) and actor.window_id is not None:
            self._add_due_dock(ctx, actor, menu)
        # 一件事 from anywhere, the intake form included: the comprehensive window switches with one key.
        QShortcut(QKeySequence("Ctrl+J"), self, activated=self.show_bundle_intake)
        self.show_section("intake" if may(actor, Action.INTAKE) else "catalog")

    def prebuild_pages(self, quiet_ms: Callable[[], int]) -> None:
        """Build the pages not yet opened, one per tick, only when `quiet_ms()` (milliseconds since the
        last key or mouse input) is long enough and no dialog or menu is open."""
        self._quiet_ms = quiet_ms
        self._prebuild = QTimer(self, interval=PREBUILD_EVERY_MS)
        self._prebuild.timeout.connect(self._build_next_page)
        self._prebuild.start()

    def _build_next_page(self) -> None:
        if (self._quiet_ms() < PREBUILD_QUIET_MS or QApplication.activeModalWidget() is not None
                or QApplication.activePopupWidget() is not None or not self.isEnabled()):
            return  # the clerk is working, or a dialog (the lock screen too) is up: not now
        for key, _ in SECTIONS:
            if key not in self._built:
                self.page(key)
                return
        self._prebuild.stop()
        self.every_page_built.emit()

    def show_bundle_intake(self) -> None:
        self.show_section("bundles")
        page = self.bundles
        if isinstance(page, BundlePage):
            page.show_intake()

    def _make(self, key: str) -> QWidget:
        ctx, actor = self.ctx, self.actor
        if key == "catalog":
            return CatalogView(ctx, actor)
        if key == "intake" and may(actor, Action.INTAKE):
            page = IntakeView(ctx, actor, self.reader or (SimulatedReader() if ctx.demo else NoReader()))
            page.completed.connect(lambda r: self.printer.print_all(r.document_ids))
            page.open_case.connect(self._open_case)
            page.documents.connect(self.printer.print_all)  # a consultation's 一次性告知单
            return page
        if key == "bundles" and may(actor, Action.VIEW_CASES):
            bundles = BundlePage(ctx, actor, self.printer)
            if bundles.intake is not None:
                bundles.intake.completed.connect(lambda r: self.printer.print_all(r.document_ids))
            return bundles
        if key == "signoff" and may(actor, Action.VIEW_CASES):
            signoff = SignoffView(ctx, actor, self.hall, deferred=True)
            signoff.completed.connect(self.printer.print_all)
            return signoff
        if key == "certificates" and may(actor, Action.VIEW_CASES):
            return CertificateView(ctx, actor, self.printer, deferred=True)
        if key == "cases" and may(actor, Action.VIEW_CASES):
            return CaseListView(ctx, actor, self.prefs, self.printer, deferred=True)
        if key == "stats" and may(actor, Action.VIEW_STATS):
            return StatsView(ctx, actor, self.prefs, deferred=True)
        if key == "sync" and self.sync_controller is not None:
            return SyncView(ctx, actor, self.prefs, controller=self.sync_controller, deferred=True)
        return _pending_page(dict(SECTIONS)[key])

    def page(self, key: str) -> QWidget:
        """The section's page, built now if it was never opened."""
        built = self._built.get(key)
        if built is None:
            built = self._built[key] = self._make(key)
            index = self.section_index[key]
            placeholder = self.pages.widget(index)
            current = self.pages.currentIndex()
            self.pages.insertWidget(index, built)
            self.pages.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages.setCurrentIndex(current)
            keep_for_session()  # a page lives until sign-out: out of the full collections' walk
        return built

    # The pages by name, as the rest of the window and the tests reach them.
    intake = property(lambda self: self.page("intake"))
    bundles = property(lambda self: self.page("bundles"))
    cases = property(lambda self: self.page("cases"))
    signoff = property(lambda self: self.page("signoff"))
    certificates = property(lambda self: self.page("certificates"))
    stats = property(lambda self: self.page("stats"))
    sync_view = property(lambda self: self.page("sync"))

    def _open_row(self, row: int) -> None:
        key = SECTIONS[row][0]
        self.page(key)
        self.pages.setCurrentIndex(self.section_index[key])

    def show_section(self, key: str) -> None:
        self.nav.setCurrentRow(self.section_index[key])

    def change_shift(self) -> None:
        """Sign out: this person's window closes, their signing key is forgotten, the sign-in comes back."""
        self.shift_change = True
        sign_out(self.ctx, self.actor)
        self.close()

    def _open_case(self, case_id: str) -> None:
        self.show_section("cases")
        self.cases.open_case(case_id)

    def _add_due_dock(self, ctx: AppContext, actor: Actor, menu: QMenu) -> None:
        """The due-soon / overdue panel beside every page, the intake form included (a dock, not in it)."""
        self.due_panel = DuePanel(ctx, actor, self.prefs, deferred=True)
        dock = QDockWidget("期限提醒", self, objectName="dueDock")
        dock.setWidget(self.due_panel)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable)
        dock.setMinimumWidth(250)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        menu.addAction(dock.toggleViewAction())

        def show_filter(light: str) -> None:
            self.show_section("cases")
            self.cases.show_filter(light)

        self.due_panel.open_case.connect(self._open_case)
        self.due_panel.show_filter.connect(show_filter)
