"""办到哪一步了: the comprehensive window's bundles that still need work and, for the one selected, where
each part stands — state, department, window, deadline — with the bundle's longest-path deadline and light.

The list is read a page at a time (keyset, see app/bundles/bundle_desk.py); 更多 reads the next page.
统一出件 hands every part's decision and certificate over at once when all are done (app/bundles/bundle_handover.py).
终止办理告知书 prints the notice of each part a refused 前置 stopped as soon as it stopped, without waiting for the
统一出件 (app/bundles/bundle_termination.py); the handover issues any still missing and prints them with its proof.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.bundles.bundle_desk import PAGE_SIZE, BundleRow, open_bundles
from app.bundles.bundle_handover import (
    PENDING,
    BundleHandoverResult,
    HandoverReadiness,
    hand_over_bundle,
    handover_readiness,
)
from app.bundles.bundle_intake import BUNDLE_STATES, PaperInput
from app.bundles.bundle_progress import BundleProgress, bundle_progress
from app.bundles.bundle_receipt import received_theme
from app.bundles.bundle_scans import attach_bundle_scan, scannable_papers
from app.bundles.bundle_supplement import bundle_outstanding, supplement_bundle
from app.bundles.bundle_termination import issue_termination_notice
from app.cases.lights import LIGHT_COLORS, LIGHT_LABELS
from app.certificates.delivery import HandoverInput
from app.core.auth import Action, may
from app.core.changes import CASE_TABLES
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from ui.bundles.examine_dialog import ExamineDialog
from ui.cases.dialogs import SupplementDialog
from ui.certificates.delivery_dialog import DeliveryDialog
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.live import LiveRefresh
from ui.widgets.table_helpers import fill_table, simple_table
from ui.widgets.tasks import TaskRunner

SCAN_FILTER = "扫描件 (*.pdf *.jpg *.jpeg *.png)"  # as the case detail's 添加扫描件
PART_HEADERS = ("受理编号", "事项", "部门 / 办理窗口", "状态", "承诺办结 / 法定期限", "灯")


def _day(d: date | None) -> str:
    return d.isoformat() if d else "—"


class BundleFollowView(QWidget):
    """The list on the left, the selected bundle's parts on the right."""

    progress_shown = Signal(object)  # BundleProgress, when the right side has been filled
    readiness_shown = Signal(object)  # HandoverReadiness of the selected bundle
    handed_over = Signal(object)  # BundleHandoverResult
    supplemented = Signal(object)  # BundleResult of a 补正
    terminated = Signal(object)  # the ids of the 终止办理告知书 just issued (and sent to the printer)

    def __init__(self, ctx: AppContext, actor: Actor, deferred: bool = False,
                 printer: DocumentPrinter | None = None) -> None:
        super().__init__()
        self.ctx, self.actor, self.printer = ctx, actor, printer
        self.rows: list[BundleRow] = []
        self.progress: BundleProgress | None = None
        self.readiness: HandoverReadiness | None = None
        self.note: tuple[str, str] = ("", "")  # (bundle id, what was just done to it): kept over its reloads
        self.delivery_dialog: DeliveryDialog | None = None
        self.supplement_dialog: SupplementDialog | None = None
        self.examine_dialog: ExamineDialog | None = None
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
        self.actions = QHBoxLayout()
        self.ready_line = QLabel(objectName="bundleReadiness")
        self.ready_line.setWordWrap(True)
        self.actions.addWidget(self.ready_line, 1)
        self.examine_button = self._action("审查收件…", "bundleExamine", Action.INTAKE, self.open_examine,
                                           "收件后五个工作日内审查：全部受理，或出具一份合并的一次性告知书")
        self.scan_button = self._action("扫描材料…", "bundleScan", Action.INTAKE, lambda: self.do_scan(),
                                        "一份材料只扫描一次，附到需要它的每个事项，各部门窗口同步后可见")
        self.supplement_button = self._action("补正…", "bundleSupplement", Action.INTAKE, self.open_supplement,
                                              "申请人补回一次性告知书所列材料；补齐后全部事项一并受理")
        self.termination_button = self._action(
            "终止办理告知书", "bundleTermination", Action.ISSUE_NOTICE, self.print_termination,
            "前置事项未准予而终止办理的事项：每个事项出具一份终止办理告知书并打印，交申请人签收")
        self.handover_button = self._action("统一出件…", "bundleHandover", Action.DELIVER, self.open_handover,
                                            "各事项全部办结、制证后，在本综合窗口一次送达全部决定书和证照，出具一张送达回证")
        rlay.addLayout(self.actions)
        split.addWidget(right)
        split.setSizes([260, 420])
        QVBoxLayout(self).addWidget(split)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_bundle(row))
        self.live = LiveRefresh(self, ctx, self._first_page, self._shown, tables=CASE_TABLES | {"bundle"})
        if not deferred:
            self.live.reload()

    def _action(self, text: str, name: str, needs: Action, handler: Callable[[], object], tip: str) -> QPushButton:
        """A button of the selected bundle's row: shown to whom the role allows, enabled by the bundle's state."""
        button = QPushButton(text, objectName=name)
        button.setToolTip(tip)
        button.setEnabled(False)
        button.setVisible(may(self.actor, needs))
        button.clicked.connect(handler)
        self.actions.addWidget(button)
        return button

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
        self.readiness = None
        self.handover_button.setEnabled(False)
        self.termination_button.setEnabled(False)
        self.ready_line.setText("")
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
        self.supplement_button.setEnabled(p.state == "notified" and may(self.actor, Action.INTAKE))
        self.examine_button.setEnabled(p.state == "received" and may(self.actor, Action.INTAKE))
        self.scan_button.setEnabled(p.state != "handed_over" and may(self.actor, Action.INTAKE))
        self.progress_shown.emit(p)
        self.runner.run(lambda **_: handover_readiness(self.ctx, self.actor, p.bundle_id), quiet=True,
                        on_done=self._ready, on_error=self._failed)

    # -- 统一出件 -------------------------------------------------------------------------------

    def _ready(self, r: HandoverReadiness) -> None:
        if self.progress is None or r.bundle_id != self.progress.bundle_id:
            return  # another bundle was selected meanwhile
        self.readiness = r
        papers = sum(len(p.documents) for p in r.parts)
        waiting = sum(1 for p in r.parts if p.outcome in ("open", "awaiting_certificate"))
        short = f"尚有 {waiting} 个事项未办结或未制证（见上表），全部办结、制证后才能统一出件"
        line = (f"可以统一出件：{sum(1 for p in r.parts if p.documents)} 个事项、{papers} 件文书"
                if r.ready else r.missing if len(r.missing) <= 90 or not waiting else short)
        self.ready_line.setText(f"{self.note[1]}。{line}" if self.note[0] == r.bundle_id else line)
        self.ready_line.setToolTip(r.missing)  # the whole list, when the line gives only the count
        self.handover_button.setEnabled(r.ready and may(self.actor, Action.DELIVER))
        # A stopped part whose notice is not issued yet: the applicant is told now, not at the handover.
        self.termination_button.setEnabled(not r.handed_over and may(self.actor, Action.ISSUE_NOTICE) and any(
            d.number == PENDING for p in r.parts if p.outcome == "stopped" for d in p.documents))
        self.readiness_shown.emit(r)

    def print_termination(self) -> None:
        r = self.readiness
        if r is None or not self.termination_button.isEnabled():
            return
        self.termination_button.setEnabled(False)  # one press, one notice per part
        bundle_id = r.bundle_id
        self.runner.run(lambda **_: issue_termination_notice(self.ctx, self.actor, bundle_id),
                        title="正在出具终止办理告知书…", on_done=self._terminated, on_error=self._said)

    def _terminated(self, ids: list[str]) -> None:
        if self.readiness is not None:  # the page reloads on the commit: the line says it until then and after
            self.note = (self.readiness.bundle_id, f"已出具终止办理告知书 {len(ids)} 份，请交申请人签收" if ids
                         else "终止办理告知书均已出具，需要时在“办件 → 文书”中补打")
        self.ready_line.setText(self.note[1])
        if self.printer is not None and ids:
            self.printer.print_all(ids)
        self.terminated.emit(ids)
        self.live.reload()

    def _said(self, exc: BaseException) -> None:
        """A refusal of the core (another window, no seal authorisation …) said on the action line."""
        self._failed(exc, self.ready_line)
        self.live.reload()

    def open_handover(self) -> None:
        r = self.readiness
        if r is None or not r.ready:
            return
        papers = "<br>".join(f"{n}. {p.item_name}：{'、'.join(d.name for d in p.documents)}"
                             for n, p in enumerate((p for p in r.parts if p.documents), 1))
        self.delivery_dialog = DeliveryDialog(
            self.ctx, self.actor, None, self.printer, self, title=f"统一出件 {r.bundle_no}",
            heading=f"<b>“{r.theme_name}”一件事 {r.bundle_no}</b>　申请人：{r.applicant_name}<br>{papers}", holder="申请人",
            deliver=lambda data: self._hand_over(r.bundle_id, data))
        self.delivery_dialog.delivered.connect(self._handed)
        self.delivery_dialog.open()

    def do_scan(self, paper_key: str | None = None, paths: list[str] | None = None) -> None:
        """扫描材料: which paper of the merged list, then its files (the tests pass both)."""
        p = self.progress
        if p is None:
            return
        if paper_key is None:
            papers = scannable_papers(self.ctx, self.actor, p.bundle_id)
            name, ok = QInputDialog.getItem(self, "扫描材料", "材料", [n for _k, n in papers], 0, False)
            paper_key = next((k for k, n in papers if n == name), None) if ok else None
        if paper_key is None:
            return
        if paths is None:
            paths, _f = QFileDialog.getOpenFileNames(self, "选择扫描件", "", SCAN_FILTER)
        done = 0
        for path in paths:
            try:
                done += attach_bundle_scan(self.ctx, self.actor, p.bundle_id, paper_key, Path(path).name,
                                           Path(path).read_bytes())
            except (AppError, OSError) as exc:
                self.ready_line.setText(getattr(exc, "message", None) or str(exc))
                return
        if paths:
            self.ready_line.setText(f"已附扫描件：{len(paths)} 份，附到 {done // len(paths)} 个事项")

    def open_examine(self) -> None:
        p = self.progress
        if p is None or p.state != "received":
            return
        theme = received_theme(self.ctx, self.actor, p.bundle_id)
        self.examine_dialog = ExamineDialog(self.ctx, self.actor, p.bundle_id, p.bundle_no, theme, self)
        self.examine_dialog.finished.connect(lambda _r: self._examined(self.examine_dialog))
        self.examine_dialog.open()

    def _examined(self, dialog: ExamineDialog | None) -> None:
        result = dialog.result_value if dialog is not None else None
        if isinstance(result, AppError):  # too late: the law accepted every part, its notice is on file
            self.ready_line.setText(result.message)
        elif result is not None:
            self.ready_line.setText("审查后全部事项已受理" if result.state == "open" else "已出具合并的一次性告知书")
            if self.printer is not None and result.document_ids:
                self.printer.print_all(list(result.document_ids))
            self.supplemented.emit(result)
        self.live.reload()

    def open_supplement(self) -> None:
        p = self.progress
        if p is None or p.state != "notified":
            return
        bundle_id = p.bundle_id
        lines = bundle_outstanding(self.ctx, self.actor, bundle_id)  # one short read: the notice's few papers
        self.supplement_dialog = SupplementDialog(lines, lambda brought: supplement_bundle(
            self.ctx, self.actor, bundle_id, tuple(PaperInput(line.key, "received", original, line.copies_required)
                                                   for line, original in brought)), self)
        self.supplement_dialog.accepted.connect(lambda: self._supplemented(self.supplement_dialog))
        self.supplement_dialog.open()

    def _supplemented(self, dialog: SupplementDialog | None) -> None:
        result = dialog.result_value if dialog is not None else None
        if result is None:
            return
        self.ready_line.setText("补正材料齐全，全部事项已受理" if result.state == "open" else "已记录补正，仍有材料待补")
        if self.printer is not None and result.document_ids:
            self.printer.print_all(list(result.document_ids))
        self.supplemented.emit(result)
        self.live.reload()

    def _hand_over(self, bundle_id: str, d: HandoverInput) -> BundleHandoverResult:
        return hand_over_bundle(self.ctx, self.actor, bundle_id, method=d.method, recipient_name=d.recipient_name,
                                recipient_id_type=d.recipient_id_type, recipient_id_number=d.recipient_id_number,
                                relation=d.relation, tracking_no=d.tracking_no, place=d.place, at=d.at)

    def _handed(self, result: BundleHandoverResult) -> None:
        self.handover_button.setEnabled(False)
        self.note = ("", "")
        if self.printer is not None and result.termination_ids:  # the dialog printed the proof
            self.printer.print_all(list(result.termination_ids))
        self.ready_line.setText(f"已统一出件：{result.bundle_no}，{result.at:%Y-%m-%d %H:%M}")
        self.handed_over.emit(result)
        self.live.reload()

    def _failed(self, exc: BaseException, line: QLabel | None = None) -> None:
        if not isinstance(exc, AppError):
            raise exc
        (line or self.head).setText(exc.message)
