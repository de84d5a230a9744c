"""The 签批 page: the review desk (审查, 一审制决定, 上报, 出具决定书) and the chief representative's queue.

Every action goes to the core, which decides who may do what; the page only offers the buttons.
Dialogs open window-modal without blocking (open(), not exec()), so an error from the core lands
under the field that caused it and the person corrects it in place. Sealing runs off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.reference.hall import HallInfo
from app.signoff.decisions import DecisionInput, decide_single, issue_decision
from app.signoff.delegations import list_delegations, list_deputies
from app.signoff.queue import DeskRow, QueueRow, review_desk, signoff_queue
from app.signoff.review import (
    batch_sign_off,
    decide_on_spot,
    forward_case,
    record_review,
    return_for_review,
    sign_off,
)
from ui.records.seal_views import CustodianPasswordDialog
from ui.signoff.models import DeskModel, QueueModel, sorted_proxy
from ui.signoff.review_dialog import OpinionDialog, ReviewDialog
from ui.widgets.live import LiveRefresh
from ui.widgets.table_helpers import fit_columns_once
from ui.widgets.tasks import TaskRunner


def _md(d: date) -> str:
    return f"{d.month}月{d.day}日"


def _table(name: str, model: Any, multi: bool = False) -> QTableView:
    table = QTableView(objectName=name)
    proxy = sorted_proxy(model)
    table.setModel(proxy)
    # No sort column at first: the rows keep the core's order (即办件 first, nearest deadline next).
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.ExtendedSelection if multi
                           else QTableView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    fit_columns_once(table)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    return table


class SignoffView(QWidget):
    """`completed` carries the ids of the documents a decision produced, for printing."""

    completed = Signal(object)

    def __init__(self, ctx: AppContext, actor: Actor, hall: HallInfo, deferred: bool = False) -> None:
        """`deferred`: load nothing now; the page loads off the UI thread when first shown."""
        super().__init__()
        self.ctx, self.actor, self.hall = ctx, actor, hall
        self.runner = TaskRunner(self)
        self.dialog: ReviewDialog | OpinionDialog | None = None
        self.password: CustodianPasswordDialog | None = None
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(objectName="signoffTabs")
        layout.addWidget(self.tabs, 1)
        self.desk_model, self.queue_model = DeskModel(), QueueModel()
        self.desk = _table("deskTable", self.desk_model)
        self.queue = _table("queueTable", self.queue_model, multi=True)
        if may(actor, Action.REVIEW):
            self.review_button = QPushButton("审查 / 决定", objectName="reviewButton", clicked=self.do_review)
            self.tabs.addTab(self._page(self.desk, [
                self.review_button, QPushButton("上报部门", objectName="forwardButton", clicked=self.do_forward),
                QPushButton("出具决定书", objectName="issueButton", clicked=self.do_issue)]), "审查与上报")
        self.authority = QLabel(objectName="authorityNote")
        self.authority.setWordWrap(True)
        self.sign_button = QPushButton("签批", objectName="signButton", clicked=self.do_sign)
        self.batch_button = QPushButton("批量签批（拟准予）", objectName="batchButton", clicked=self.do_batch)
        queue_page = self._page(self.queue, [
            self.sign_button, self.batch_button,
            QPushButton("退回重审", objectName="returnButton", clicked=self.do_return),
            QPushButton("上报部门", objectName="queueForwardButton", clicked=lambda: self.do_forward(queued=True))])
        queue_page.layout().insertWidget(0, self.authority)  # type: ignore[union-attr]
        self.tabs.addTab(queue_page, "待签批")
        self.status = QLabel(objectName="signoffStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.desk.doubleClicked.connect(lambda _i: self.do_review())
        self.queue.doubleClicked.connect(lambda _i: self.do_sign())
        self.live = LiveRefresh(self, ctx, self._load, self._show)
        if not deferred:
            self.refresh()

    def _page(self, table: QTableView, buttons: list[QPushButton]) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(QPushButton("刷新", clicked=lambda: self.live.reload()))
        box.addLayout(row)
        box.addWidget(table, 1)
        return page

    # -- data -----------------------------------------------------------------------------------

    def _load(self) -> tuple[list[DeskRow] | None, list[QueueRow], str, date]:
        """The page's data (run off the UI thread): one page of each desk, and the signing authority."""
        desk = review_desk(self.ctx, self.actor) if may(self.actor, Action.REVIEW) else None
        return desk, signoff_queue(self.ctx, self.actor), self._authority_text(), self.ctx.today()

    def _show(self, data: tuple[list[DeskRow] | None, list[QueueRow], str, date]) -> None:
        desk, queue, authority, today = data
        if desk is not None:
            self.desk_model.set_rows(desk, today)
        self.queue_model.set_rows(queue, today)
        self.authority.setText(authority)

    def refresh(self) -> None:
        """Load and show now, on this thread (the change notice reloads off it)."""
        self._show(self._load())
        self.live.stale = False

    def _authority_text(self) -> str:
        own = [d for d in list_delegations(self.ctx, self.actor, self.actor.staff_id) if d.valid_today]
        parts = [f"您受托签批 {len(own)} 项事项" if own else ""]
        for d in list_deputies(self.ctx, self.actor):
            if d.deputy_id == self.actor.staff_id and d.active_today:
                parts.append(f"{_md(d.valid_from)}至{_md(d.valid_to)}代{d.chief_name}签批（{d.reason}）"
                             if not d.problem else f"被指定代{d.chief_name}签批，但{d.problem}")
            elif d.chief_id == self.actor.staff_id and d.valid_to >= self.ctx.today():
                # the chief still signs himself: the deputy is named for when he is away, not instead of him
                parts.append(f"已指定{d.deputy_name}于{_md(d.valid_from)}至{_md(d.valid_to)}在您不在时代为签批"
                             f"（{d.reason}），您本人签批不受影响"
                             if not d.problem else f"指定的代签人{d.deputy_name}不能代签：{d.problem}")
        text = "；".join(p for p in parts if p)
        return text or "您没有受托签批的事项，只能查看待签批办件"

    def _selected(self, table: QTableView, rows: list[Any]) -> list[Any]:
        proxy = table.model()
        picked = sorted({proxy.mapToSource(i).row() for i in table.selectionModel().selectedRows()})  # type: ignore[attr-defined]
        return [rows[k] for k in picked]

    def _one(self, table: QTableView, rows: list[Any]) -> Any:
        chosen = self._selected(table, rows)
        if len(chosen) != 1:
            self.say("请先选择一件办件")
            return None
        return chosen[0]

    def say(self, text: str, ok: bool = False) -> None:
        self.status.setStyleSheet("color: #060;" if ok else "color: #c00;")
        self.status.setText(text)

    # -- running core calls ---------------------------------------------------------------------

    def _run(self, title: str, call: Callable[[], Any], done: Callable[[Any], None],
             dialog: Any = None) -> None:
        def failed(exc: BaseException) -> None:
            if not isinstance(exc, AppError):
                raise exc
            if self.password is not None and exc.field == "custodian_password":
                self.password.ok.setEnabled(True)
                self.password.show_error(exc.message)
                return
            if self.password is not None:
                self.password.reject()
                self.password = None
            if dialog is not None and dialog.isVisible():
                dialog.show_error(exc.field, exc.message)
            else:
                self.say(exc.message)

        def finished(result: Any) -> None:
            for d in (self.password, dialog):
                if d is not None:
                    d.accept()
            self.password = None
            self.live.reload()
            done(result)

        self.runner.run(lambda *, report, cancel: call(), title=title, on_done=finished, on_error=failed)

    def _with_password(self, what: str, title: str, call: Callable[[str], Any], done: Callable[[Any], None],
                       dialog: Any = None) -> None:
        self.password = CustodianPasswordDialog(self.ctx, self.actor, what, self)
        self.password.rejected.connect(lambda: setattr(self, "password", None))

        def entered(password: str) -> None:
            if self.password is None or not self.password.ok.isEnabled():
                return  # already sealing: a second Enter must not seal twice
            self.password.ok.setEnabled(False)
            self._run(title, lambda: call(password), done, dialog)

        self.password.entered.connect(entered)
        self.password.open()

    def _then_seal(self, dialog: ReviewDialog, what: str, title: str, call: Callable[[DecisionInput, str], Any],
                   d: DecisionInput) -> None:
        """Check the form before anyone is asked for the seal's password; then seal."""
        try:
            d = d.cleaned()
        except AppError as exc:
            dialog.show_error(exc.field, exc.message)
            return
        self._with_password(what, title, lambda pw: call(d, pw), self._decided, dialog)

    def _decided(self, result: Any) -> None:
        label = {"approved": "准予许可", "denied": "不予许可"}.get(result.decision or "", result.state)
        deputy = f"（代{result.on_behalf_of}签批）" if result.on_behalf_of else ""
        self.say(f"{result.case_no}：{label}{deputy}，决定书已用印，正在打印", ok=True)
        self.completed.emit(result.document_ids)

    # -- the review desk ------------------------------------------------------------------------

    def do_review(self) -> None:
        row: DeskRow | None = self._one(self.desk, self.desk_model.rows)
        if row is None:
            return
        if row.next_step == "issue":
            self.do_issue()
            return
        if row.next_step not in ("review", "decide"):
            self.say(f"{row.case_no}：{row.next_label}")
            return
        mode = row.next_step
        self.dialog = dialog = ReviewDialog(mode, f"{row.case_no} {row.item_name}（{row.applicant_name}）", self.hall,
                                            parent=self)
        if mode == "review":
            dialog.submitted.connect(lambda d: self._run(
                "正在提交审查意见…", lambda: record_review(self.ctx, self.actor, row.case_id, d),
                lambda r: self.say(f"{r.case_no}：{'已报首席代表签批' if r.state == 'awaiting_signoff' else '已上报部门'}",
                                   ok=True), dialog))
        else:
            on_spot = row.processing_type == "immediate" and row.state == "accepted"
            decide = decide_on_spot if on_spot else decide_single
            dialog.submitted.connect(lambda d: self._then_seal(
                dialog, "准予行政许可决定书" if d.outcome == "approve" else "不予行政许可决定书", "正在作出决定并用印…",
                lambda d, pw: decide(self.ctx, self.actor, row.case_id, d, custodian_password=pw), d))
        dialog.open()

    def do_forward(self, queued: bool = False) -> None:
        row = self._one(self.queue, self.queue_model.rows) if queued else self._one(self.desk, self.desk_model.rows)
        if row is None:
            return
        self.dialog = dialog = OpinionDialog("上报", f"{row.case_no} {row.item_name}", "上报部门", self)
        dialog.submitted.connect(lambda text: self._run(
            "正在上报…", lambda: forward_case(self.ctx, self.actor, row.case_id, text),
            lambda r: self.say(f"{r.case_no}：已上报部门，等待部门决定", ok=True), dialog))
        dialog.open()

    def do_issue(self) -> None:
        row: DeskRow | None = self._one(self.desk, self.desk_model.rows)
        if row is None:
            return
        if row.next_step != "issue":
            self.say(f"{row.case_no}：{row.next_label}")
            return
        self._with_password("部门决定的行政许可决定书", "正在出具决定书…",
                            lambda pw: issue_decision(self.ctx, self.actor, row.case_id, custodian_password=pw),
                            self._decided)

    # -- the chief's queue ----------------------------------------------------------------------

    def do_sign(self) -> None:
        row: QueueRow | None = self._one(self.queue, self.queue_model.rows)
        if row is None:
            return
        if not row.can_sign:
            self.say(f"{row.case_no}：{row.blocker}")
            return
        # The chief reads the site visit's result before signing (DOMAIN: on file before sign-off).
        title = f"{row.case_no} {row.item_name}（{row.applicant_name}）" + (f"\n{row.site_visit}" if row.site_visit else "")
        self.dialog = dialog = ReviewDialog("signoff", title, self.hall, row.proposal, row.reviewer_name, self)
        dialog.submitted.connect(lambda d: self._then_seal(
            dialog, "准予行政许可决定书" if d.outcome == "approve" else "不予行政许可决定书", "正在签发并用印…",
            lambda d, pw: sign_off(self.ctx, self.actor, row.case_id, d, custodian_password=pw), d))
        dialog.open()

    def do_batch(self) -> None:
        chosen = [r for r in self._selected(self.queue, self.queue_model.rows) if r.routine and r.can_sign]
        if not chosen:
            self.say("请选择可签批、拟准予许可的办件（拟不予许可的须逐件签批）")
            return

        def done(result: Any) -> None:
            failed = "；".join(f"{no}：{msg}" for no, msg in result.failed)
            self.say(f"已签发 {len(result.signed)} 件准予行政许可决定书" + (f"；未签发：{failed}" if failed else ""),
                     ok=not failed)
            self.completed.emit(result.document_ids)

        ids = [r.case_id for r in chosen]
        self._with_password(f"批量签批 {len(ids)} 件准予行政许可决定书", "正在批量签发…",
                            lambda pw: batch_sign_off(self.ctx, self.actor, ids, custodian_password=pw), done)

    def do_return(self) -> None:
        row: QueueRow | None = self._one(self.queue, self.queue_model.rows)
        if row is None:
            return
        self.dialog = dialog = OpinionDialog("退回重审", f"{row.case_no} {row.item_name}", "退回", self)
        dialog.submitted.connect(lambda text: self._run(
            "正在退回…", lambda: return_for_review(self.ctx, self.actor, row.case_id, text),
            lambda r: self.say(f"{r.case_no}：已退回审查", ok=True), dialog))
        dialog.open()

    def open_dialogs(self) -> list[QDialog]:
        return [d for d in (self.dialog, self.password) if d is not None and d.isVisible()]
