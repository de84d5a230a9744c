"""办到哪一步了: the comprehensive window's bundles that still need work and, for the one selected, where
each part stands — state, department, window, deadline — with the bundle's longest-path deadline and light.

The list is read a page at a time (keyset, see app/bundles/bundle_desk.py); 更多 reads the next page.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.bundles.bundle_desk import PAGE_SIZE, BundleRow, open_bundles
from app.bundles.bundle_intake import BUNDLE_STATES
from app.bundles.bundle_progress import BundleProgress, bundle_progress
from app.cases.lights import LIGHT_COLORS, LIGHT_LABELS
from app.core.changes import CASE_TABLES
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from ui.widgets.live import LiveRefresh
from ui.widgets.table_helpers import fill_table, simple_table
from ui.widgets.tasks import TaskRunner

PART_HEADERS = ("受理编号", "事项", "部门 / 办理窗口", "状态", "承诺办结 / 法定期限", "灯")


def _day(d: date | None) -> str:
    return d.isoformat() if d else "—"


class BundleFollowView(QWidget):
    """The list on the left, the selected bundle's parts on the right."""

    progress_shown = Signal(object)  # BundleProgress, when the right side has been filled

    def __init__(self, ctx: AppContext, actor: Actor, deferred: bool = False) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        self.rows: list[BundleRow] = []
        self.progress: BundleProgress | None = None
        self.runner = TaskRunner(self)
        split = QSplitter(Qt.Orientation.Vertical)  # full width for the parts: 1280 px holds every column
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        self.table = simple_table("bundleList", ("一件事编号", "主题", "申请人", "状态", "受理时间"), 1)
        lay.addWidget(self.table)
        more_row = QHBoxLayout()
        self.count = QLabel(objectName="bundleCount")
        self.more = QPushButton("更多…", objectName="bundleMore")
        self.more.clicked.connect(self.load_more)
        more_row.addWidget(self.count, 1)
        more_row.addWidget(self.more)
        lay.addLayout(more_row)
        split.addWidget(left)
        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        self.head = QLabel("选择左侧的“一件事”查看各事项办理进度", objectName="bundleHead")
        self.head.setWordWrap(True)
        self.head.setTextFormat(Qt.TextFormat.RichText)
        rlay.addWidget(self.head)
        self.parts = simple_table("bundlePartsProgress", PART_HEADERS, 1)
        self.parts.setWordWrap(True)  # long item and department names take two lines, never a cut
        rlay.addWidget(self.parts, 1)
        self.actions = QHBoxLayout()  # 统一出件 goes here once the handover core exists
        self.actions.addStretch(1)
        rlay.addLayout(self.actions)
        split.addWidget(right)
        split.setSizes([260, 420])
        QVBoxLayout(self).addWidget(split)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_bundle(row))
        self.live = LiveRefresh(self, ctx, self._first_page, self._shown, tables=CASE_TABLES | {"bundle"})
        if not deferred:
            self.live.reload()

    # -- the list -----------------------------------------------------------------------------

    def _first_page(self) -> list[BundleRow]:
        return open_bundles(self.ctx, self.actor)

    def _shown(self, rows: list[BundleRow]) -> None:
        selected = self.progress.bundle_id if self.progress else None
        self.rows = rows
        self._fill(selected)

    def load_more(self) -> None:
        if not self.rows:
            return
        after = self.rows[-1].key
        self.runner.run(lambda **_: open_bundles(self.ctx, self.actor, after), quiet=True,
                        on_done=lambda more: (self.rows.extend(more), self._fill(None)))

    def _fill(self, selected: str | None) -> None:
        fill_table(self.table, [(r.bundle_no, r.theme_name, r.applicant_name, BUNDLE_STATES.get(r.state, r.state),
                                 f"{to_local(r.received_at):%Y-%m-%d %H:%M}") for r in self.rows],
                   [r.bundle_id for r in self.rows])
        self.count.setText(f"待跟进 {len(self.rows)} 件")
        self.more.setEnabled(len(self.rows) % PAGE_SIZE == 0 and bool(self.rows))
        ids = [r.bundle_id for r in self.rows]
        if selected in ids:
            self.table.selectRow(ids.index(selected))
            self.show_bundle(ids.index(selected))

    def select_bundle(self, bundle_no: str) -> bool:
        """Select the bundle with this number in the list (False when it is not on the loaded pages)."""
        for i, r in enumerate(self.rows):
            if r.bundle_no == bundle_no:
                self.table.setCurrentCell(i, 0)
                return True
        return False

    # -- the selected bundle --------------------------------------------------------------------

    def show_bundle(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        bundle_id = self.rows[row].bundle_id
        self.runner.run(lambda **_: bundle_progress(self.ctx, self.actor, bundle_id), quiet=True,
                        on_done=self._progress, on_error=self._failed)

    def _progress(self, p: BundleProgress) -> None:
        self.progress = p
        color = LIGHT_COLORS[p.light]
        self.head.setText(f"<b>{p.bundle_no}</b>　{p.theme_name}　申请人：{p.applicant_name}<br>"
                          f"状态：<b>{p.state_label}</b>　承诺办结（最长路径）：{_day(p.promised_deadline)}　"
                          f"法定期限：{_day(p.legal_deadline)}　"
                          f"<span style='color:{color}'>●</span> {LIGHT_LABELS[p.light]}")
        fill_table(self.parts, [(x.case_no, x.item_name, f"{x.department}\n{x.window}", x.state_label,
                                 f"{_day(x.promised_deadline)} / {_day(x.legal_deadline)}", LIGHT_LABELS[x.light])
                                for x in p.parts], [x.case_id for x in p.parts])
        self.parts.resizeRowsToContents()
        for r, x in enumerate(p.parts):
            light = self.parts.item(r, len(PART_HEADERS) - 1)
            light.setForeground(QColor(LIGHT_COLORS[x.light]).darker(120))
        self.progress_shown.emit(p)

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            raise exc
        self.head.setText(exc.message)
