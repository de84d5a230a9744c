"""One case at the desk: header with lights, timeline, materials and scans, documents, deadlines, ratings."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases.attachments import add_attachment, read_attachment
from app.cases.commitments import CheckInfo, check_info
from app.cases.detail import CaseDetail, case_detail
from app.cases.personal_data import PersonalNumbers, reveal
from app.cases.ratings import record_rating
from app.cases.special_procedures import acknowledge_moved_deadline, end_suspension, extend, start_suspension
from app.core.auth import Action, may
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError
from app.intake.commitments import attach_signed_commitment
from app.records.doc_register import void_document
from ui.cases import dialogs as dlg
from ui.cases.commitment_dialog import commitment_dialog_for
from ui.cases.detail_lines import chip as _chip
from ui.cases.detail_lines import day_text as _d
from ui.cases.detail_lines import forwarding_line as _forwarding
from ui.cases.site_visit_dialog import SiteVisitDialog
from ui.cases.visit_photo_fetch import BUTTON as PHOTO_BUTTON
from ui.cases.visit_photo_fetch import VisitPhotoFetch
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.preferences import Preferences
from ui.widgets.table_helpers import fill_table, simple_table

SCAN_FILTER = "扫描件 (*.pdf *.jpg *.jpeg *.png)"
BUTTONS = (("supplement", "补正…", "do_supplement"), ("suspend", "特别程序…", "do_suspend"),
           ("extend", "批准延期…", "do_extend"), ("visit", "现场核查… (Alt+V)", "do_site_visit"),
           ("commitment", "承诺核查… (F7)", "do_commitment"), ("scan", "添加扫描件…", "do_attach"),
           ("rate", "登记评价…", "do_rate"), ("reload", "刷新", "reload"), PHOTO_BUTTON)
FILE_ACTIONS = ("scan", "rate", "reload")  # beside 返回; the case's procedures go on a row of their own


class CaseDetailView(VisitPhotoFetch, QWidget):
    """Shows one case; every action goes through app/ and reloads the case afterwards."""

    back = Signal()
    changed = Signal(str)  # case id: the list should refresh its row

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, printer: DocumentPrinter) -> None:
        super().__init__()
        self.ctx, self.actor, self.prefs, self.printer = ctx, actor, prefs, printer
        self.detail: CaseDetail | None = None
        self.commitment: CheckInfo | None = None  # the post-check of a 告知承诺 case
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.back_button = QPushButton("← 返回列表 (Esc)", objectName="caseBack")
        self.back_button.clicked.connect(self.back.emit)
        top.addWidget(self.back_button)
        top.addStretch(1)
        # Two rows: the case's procedures below, the file's own actions beside 返回; one row of all of them was
        # wider than the page at 1366×768 and widened the window past the screen.
        procedures = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in BUTTONS:
            b = QPushButton(text, objectName=f"case_{key}")
            b.clicked.connect(getattr(self, slot))
            (top if key in FILE_ACTIONS else procedures).addWidget(b)
            self.buttons[key] = b
        procedures.addStretch(1)
        outer.addLayout(top)
        outer.addLayout(procedures)
        self.header = QLabel(objectName="caseHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.linkActivated.connect(self.reveal_numbers)
        self.revealed: PersonalNumbers | None = None  # the full numbers, after the clerk asked (audited)
        outer.addWidget(self.header)
        moved = QHBoxLayout()
        self.moved_label = QLabel(objectName="caseMoved")
        self.moved_label.setStyleSheet("background:#fff4d6;border:1px solid #e0a800;padding:6px;")
        self.moved_label.setWordWrap(True)
        self.told_button = QPushButton("已告知申请人…", objectName="caseTold")
        self.told_button.clicked.connect(self.do_told)
        moved.addWidget(self.moved_label, 1)
        moved.addWidget(self.told_button)
        self.moved_row = QWidget()
        self.moved_row.setLayout(moved)
        outer.addWidget(self.moved_row)
        self.tabs = QTabWidget(objectName="caseTabs")
        outer.addWidget(self.tabs, 1)
        self._build_tabs()
        QShortcut(QKeySequence("Esc"), self, activated=self.back.emit)
        QShortcut(QKeySequence("Alt+V"), self, activated=self.do_site_visit)
        QShortcut(QKeySequence("F7"), self, activated=self.do_commitment)

    def _build_tabs(self) -> None:
        self.timeline = simple_table("caseTimeline", ("时间", "人员", "事项", "状态变化", "原因 / 说明"), 4)
        self.tabs.addTab(self.timeline, "时间线")
        mats = QWidget()
        lay = QVBoxLayout(mats)
        self.materials = simple_table("caseMaterials", ("序号", "材料", "形式", "应收", "实收", "核验", "问题 / 补正要求"), 1)
        self.attachments = simple_table("caseAttachments", ("文件", "对应材料", "大小", "添加时间", "添加人"), 0)
        self.attachments.doubleClicked.connect(lambda _i: self.open_attachment())
        lay.addWidget(self.materials, 3)
        lay.addWidget(QLabel("扫描件（双击打开）"))
        lay.addWidget(self.attachments, 2)
        self.tabs.addTab(mats, "材料与附件")
        docs = QWidget()
        lay = QVBoxLayout(docs)
        self.documents = simple_table("caseDocuments", ("文书", "文号", "出具时间", "盖章", "打印次数", "状态"), 0)
        self.documents.doubleClicked.connect(lambda _i: self.open_document())
        self.documents.itemSelectionChanged.connect(self._enable_document_buttons)
        self.documents_waiting = QLabel(objectName="documentsWaiting")
        self.documents_waiting.setWordWrap(True)
        lay.addWidget(self.documents_waiting)
        lay.addWidget(self.documents)
        row = QHBoxLayout()
        for key, text, slot in (("open", "打开", self.open_document), ("reprint", "补打（副本）", self.reprint),
                                ("void", "作废…", self.void)):
            b = QPushButton(text, objectName=f"doc_{key}")
            b.clicked.connect(slot)
            row.addWidget(b)
            self.buttons[f"doc_{key}"] = b
        row.addStretch(1)
        lay.addLayout(row)
        self.tabs.addTab(docs, "文书")
        limits = QWidget()
        lay = QVBoxLayout(limits)
        self.limits_label = QLabel(objectName="caseLimits")
        self.limits_label.setTextFormat(Qt.TextFormat.RichText)
        self.limits_label.setWordWrap(True)
        lay.addWidget(self.limits_label)
        self.suspensions = simple_table("caseSuspensions", ("程序", "理由", "开始", "预计", "预计结束", "实际结束", "实际用时"), 1)
        self.changes = simple_table("caseDeadlineChanges", ("时间", "期限", "原日期", "新日期", "原因", "日历版本"), 4)
        lay.addWidget(QLabel("特别程序与延期"))
        lay.addWidget(self.suspensions, 1)
        lay.addWidget(QLabel("期限变更记录"))
        lay.addWidget(self.changes, 2)
        self.tabs.addTab(limits, "期限")
        self.ratings = simple_table("caseRatings", ("环节", "评价", "意见", "渠道", "时间", "录入人", "整改期限"), 2)
        self.tabs.addTab(self.ratings, "好差评")

    # -- showing ------------------------------------------------------------------------------

    def load(self, case_id: str) -> None:
        try:
            self.detail = case_detail(self.ctx, self.actor, case_id, self.prefs.get("deadlines/yellow_workdays"))
            if self.revealed is not None and self.revealed.case_id != case_id:
                self.revealed = None
        except AppError as exc:
            QMessageBox.warning(self, "无法打开办件", exc.message)
            return
        self._show(self.detail)

    def reveal_numbers(self, _link: str = "") -> None:
        """The full ID number and phone of this applicant; the core audits who looked, at whose, when."""
        if self.detail is None:
            return
        try:
            self.revealed = reveal(self.ctx, self.actor, self.detail.id)
        except AppError as exc:
            QMessageBox.warning(self, "无法显示", exc.message)
            return
        self._show(self.detail)

    def reload(self) -> None:
        if self.detail is not None:
            self.load(self.detail.id)
            self.changed.emit(self.detail.id)

    def _show(self, d: CaseDetail) -> None:
        e = escape
        prov = "（暂定）" if d.provisional else ""
        shown = self.revealed
        if shown is None:  # masked until the clerk clicks (PIPL: sensitive personal information)
            who = (f"{e(d.applicant_name)}　{e(d.applicant_id_label)} {e(d.applicant_id_number)}　"
                   f"{e(d.applicant_phone)}　<a href='reveal'>显示完整号码</a>")
        else:
            who = f"{e(d.applicant_name)}　{e(d.applicant_id_label)} {e(shown.id_number)}　{e(shown.phone)}"
        if d.agent_name:
            who += f"　代理人 {e(d.agent_name)}"
        self.header.setText(
            f"<div style='font-size:18px'><b>{e(d.case_no)}</b>　{e(d.item_name)}　"
            f"<span style='color:#1a5fb4'>{e(d.state_label)}</span></div>"
            f"<div>{who}</div><div style='color:#555'>{e(d.processing_label)} · {e(d.review_label)} · "
            f"{e(d.window)} · 承办 {e(d.clerk)} · 收件 {_d(d.received_at)}</div>"
            f"<div style='margin-top:4px'>{_chip(d.promised_light, f'承诺 {_d(d.promised_deadline)}{prov}')} "
            f"{_chip(d.legal_light, f'法定 {_d(d.legal_deadline)}{prov}')}</div>")
        self.moved_row.setVisible(d.deadline_moved)
        self.moved_label.setText(f"⚠ 已告知申请人的承诺办结日期 <b>{_d(d.printed_promised)}</b> 已变为 "
                                 f"<b>{_d(d.promised_deadline)}</b>（原因见期限变更记录），请告知申请人。")
        # A deadline event leads with the dates that moved; its (long) reason follows.
        fill_table(self.timeline, [(_d(x.at), x.who, x.label, x.change,
                                    f"{x.summary}。{x.reason}" if x.summary else x.reason) for x in d.events])
        fill_table(self.materials, [(m.seq, m.name, m.form_label, m.copies_required, m.copies_received, m.status_label,
                                m.defect) for m in d.materials])
        fill_table(self.attachments, [(a.filename, a.material, f"{a.size / 1024:.0f} KB", _d(a.added_at), a.added_by)
                                 for a in d.attachments], [a.id for a in d.attachments])
        fill_table(self.documents, [(x.title, x.number, _d(to_local(x.created_at).replace(tzinfo=None)),
                                "已盖章" if x.sealed else "", x.print_count,
                                f"已作废：{x.void_reason}" if x.void else "有效") for x in d.documents],
              [x.id for x in d.documents])
        self.documents_waiting.setVisible(d.documents_waiting > 0)
        self.documents_waiting.setText(f"另有 {d.documents_waiting} 份文书由本窗口其他工作站出具，尚未下载到本机；"
                                       "下次同步时自动下载。")
        rows: list[tuple[object, ...]] = [(s.kind_label, s.reason, _d(s.started_on), f"{s.expected_days} 个工作日",
                                           _d(s.expected_end), _d(s.ended_on) if s.ended_on else "进行中",
                                           f"{s.working_days} 个工作日" if s.working_days is not None else "")
                                          for s in d.suspensions]
        rows += [("延期", f"{x.reason}（批准人 {x.approver}）", _d(x.at), f"{x.days} 个工作日", "", "", "")
                 for x in d.extensions]
        fill_table(self.suspensions, rows)
        fill_table(self.changes, [(_d(c.at), c.which_label, _d(c.old), _d(c.new), c.reason,
                              c.calendar_version + ("（暂定）" if c.provisional else "")) for c in d.deadline_changes])
        self.limits_label.setText(
            f"计时起点 {_d(d.clock_start)}（当日不计入）　承诺 {d.promised_days} 个工作日，法定 {d.legal_days} 个工作日"
            + (f"，已延期 {d.extension_days} 个工作日" if d.extension_days else "")
            + f"<br>承诺办结日期 <b>{_d(d.promised_deadline)}</b>　法定期限届满日 <b>{_d(d.legal_deadline)}</b>{prov}"
            + (f"<br>一次性告知期限 {_d(d.notice_due)}" if d.notice_due else "") + _forwarding(d)
            + "".join(f"<br>{escape(v.summary)}（计入办理期限）" for v in d.site_visits))
        fill_table(self.ratings, [(st.stage_label, st.text, st.rating.comment if st.rating else "",
                              st.rating.channel_label if st.rating else "", _d(st.rating.at) if st.rating else "",
                              st.rating.entered_by if st.rating else "",
                              _d(st.rating.follow_up_due) if st.rating and st.rating.bad else "")
                             for st in d.ratings])
        self._enable(d)

    def _enable(self, d: CaseDetail) -> None:
        suspended = d.state == "suspended"
        self.buttons["supplement"].setEnabled(may(self.actor, Action.INTAKE) and d.state == "notified")
        self.buttons["suspend"].setText("结束特别程序…" if suspended else "特别程序…")
        self.buttons["suspend"].setEnabled(may(self.actor, Action.SUSPEND) and (
            suspended or d.state in ("accepted", "under_review")))
        self.buttons["extend"].setEnabled(may(self.actor, Action.APPROVE_EXTENSION) and not d.extension_days and (
            d.state in ("accepted", "under_review", "awaiting_signoff", "forwarded", "suspended")))
        self.buttons["visit"].setEnabled(may(self.actor, Action.SITE_VISIT) and d.site_visit_needed and (
            d.state in ("accepted", "under_review") or any(v.result is None for v in d.site_visits)))
        self.buttons["scan"].setEnabled(may(self.actor, Action.INTAKE))
        self.commitment = check_info(self.ctx, self.actor, d.id)  # None: not a 告知承诺 case (one keyed read)
        self.buttons["commitment"].setVisible(self.commitment is not None)
        self.buttons["rate"].setEnabled(may(self.actor, Action.RECORD_RATING)
                                        and any(st.rating is None for st in d.ratings))
        self._enable_photos(d)  # 获取现场照片: shown while photos taken at another workstation are not here
        self._enable_document_buttons()

    def _enable_document_buttons(self) -> None:
        # A button that would do nothing (no document chosen) is greyed out rather than silent.
        chosen = self._selected(self.documents) is not None
        self.buttons["doc_open"].setEnabled(chosen)
        self.buttons["doc_void"].setEnabled(chosen and may(self.actor, Action.VOID_DOCUMENT))
        # The first print is the 正本; only a later one is a 补打 with the 副本 mark (and needs the right).
        doc_id = self._selected(self.documents)
        printed = next((x.print_count for x in self.detail.documents if x.id == doc_id), 0) if self.detail else 0
        self.buttons["doc_reprint"].setText("补打（副本）" if printed else "打印（正本）")
        self.buttons["doc_reprint"].setEnabled(chosen and (not printed or may(self.actor, Action.REPRINT)))

    # -- actions ------------------------------------------------------------------------------

    def _after(self, result: Any) -> None:
        """Print what an action issued, then show the case as it now is."""
        ids = getattr(result, "document_ids", ())
        if ids:
            self.printer.print_all(ids)
        self.reload()

    def _dialog(self, dialog: Any) -> None:
        if dialog.exec():
            self._after(dialog.result_value)

    def do_suspend(self) -> None:
        d = self.detail
        if d is None:
            return
        today = self.ctx.today()
        if d.state == "suspended":
            start = next((s.started_on for s in d.suspensions if s.ended_on is None), today)
            self._dialog(dlg.ResumeDialog(today, start, lambda end, note: end_suspension(
                self.ctx, self.actor, d.id, end, note), self))
        else:
            self._dialog(dlg.SuspendDialog(today, lambda kind, reason, days, basis, start: start_suspension(
                self.ctx, self.actor, d.id, kind, reason, days, basis, start), self))

    def do_supplement(self) -> None:
        d = self.detail
        if d is None:
            return
        self.supplement_dialog = dlg.supplement_dialog_for(self.ctx, self.actor, d, self)
        self._dialog(self.supplement_dialog)

    def do_extend(self) -> None:
        if self.detail is not None:
            case_id = self.detail.id
            self._dialog(dlg.ExtensionDialog(lambda reason, joint: extend(self.ctx, self.actor, case_id, reason, joint),
                                         self))

    def do_rate(self) -> None:
        d = self.detail
        if d is None:
            return
        stages = [st.stage for st in d.ratings if st.rating is None]
        days = self.prefs.get("ratings/follow_up_workdays")
        self._dialog(dlg.RatingDialog(stages, lambda stage, level, comment, channel: record_rating(
            self.ctx, self.actor, d.id, stage, level, comment, channel, days), self))

    def do_told(self) -> None:
        if self.detail is not None:
            case_id = self.detail.id
            self._dialog(dlg.TextDialog("已告知申请人新的承诺办结日期", "告知方式", "确认", lambda how: acknowledge_moved_deadline(
                self.ctx, self.actor, case_id, how), "how", "如：2026-11-20 电话告知申请人本人", self))

    def do_site_visit(self) -> None:
        """Schedule the visit (its notice is printed) or record its result; the dialog runs the core off the UI thread."""
        d = self.detail
        if d is None or not self.buttons["visit"].isEnabled():
            return
        self.visit_dialog = dialog = SiteVisitDialog(self.ctx, self.actor, d.id, d.site_visits, self)
        dialog.done.connect(lambda info: self._after(SimpleNamespace(
            document_ids=(info.notice_document_id,) if info.result is None else ())))
        dialog.open()

    def do_attach(self, paths: Sequence[str] | None = None) -> None:
        if self.detail is None:
            return
        if not paths:
            paths, _f = QFileDialog.getOpenFileNames(self, "添加扫描件", "", SCAN_FILTER)
        for p in paths or ():
            try:  # the first scan of a 告知承诺 case is the applicant's signed letter
                signed = self.commitment is not None and not self.commitment.scan_attached
                (attach_signed_commitment if signed else add_attachment)(
                    self.ctx, self.actor, self.detail.id, Path(p).name, Path(p).read_bytes())
                self.commitment = check_info(self.ctx, self.actor, self.detail.id)
            except (AppError, OSError) as exc:
                QMessageBox.warning(self, "无法添加附件", getattr(exc, "message", None) or str(exc))
        self.reload()

    def do_commitment(self) -> None:
        if self.detail is not None and self.commitment is not None and not self.commitment.revoked:
            self.commitment_dialog = commitment_dialog_for(self.ctx, self.actor, self.detail.id, self.commitment, self)
            if self.commitment_dialog is not None:
                self._dialog(self.commitment_dialog)

    def _selected(self, table: QTableWidget) -> str | None:
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _open_copy(self, name: str, data: bytes, opener: Callable[[QUrl], bool] | None = None) -> Path:
        """Open a copy: the stored (signed, hashed) file is never handed to another program."""
        folder = Path(tempfile.mkdtemp(prefix="onewindow-view-"))
        target = folder / name
        target.write_bytes(data)
        (opener or QDesktopServices.openUrl)(QUrl.fromLocalFile(str(target)))
        return target

    def open_document(self) -> None:
        """The pages in a window of ours (打印 / 另存为 PDF): no PDF viewer need be installed."""
        doc_id = self._selected(self.documents)
        if doc_id:
            self.viewer = self.printer.open_document(doc_id)
            if self.viewer is not None:
                self.viewer.finished.connect(lambda _r: self.reload())

    def open_attachment(self) -> None:
        att_id = self._selected(self.attachments)
        if att_id:
            try:
                info, data = read_attachment(self.ctx, self.actor, att_id)
            except AppError as exc:
                QMessageBox.warning(self, "无法打开附件", exc.message)
                return
            self._open_copy(info.filename, data)

    def reprint(self) -> None:
        doc_id = self._selected(self.documents)
        if doc_id:
            self.printer.print_all([doc_id])  # without a printer: the status line, not a dialog
            self.reload()

    def void(self) -> None:
        doc_id = self._selected(self.documents)
        if doc_id:
            self._dialog(dlg.TextDialog("作废文书", "作废原因", "作废", lambda reason: void_document(
                self.ctx, self.actor, doc_id, reason), "reason", "如：申请人名称打印错误，已重新出具", self))
