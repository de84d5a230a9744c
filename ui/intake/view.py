"""The intake form (受理): applicant, item, materials checklist → accept, one-time notice or refuse.

Keyboard first: Tab walks the form in reading order; Enter in the item search takes the first
match; Alt+S accepts, Alt+G issues the one-time notice, Alt+B refuses, Alt+R takes materials in
for examination, F5 reads the ID card. The form is saved as a draft while the clerk types.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Actor, AppContext
from app.intake import commitments, drafts
from app.intake.consultations import IntakeStart
from app.intake.input_checks import ApplicantInput, IntakeInput
from app.intake.outcomes import IntakeResult, accept_case, notify_case, receive_case, refuse_case
from app.intake.repeats import same_day_cases
from app.reference.catalog import ItemGuide, get_item, search_items
from app.reference.hall import hall_info
from app.reference.id_reader import IdCardReader, ReaderError
from app.reference.identity import ID_TYPE_LABELS, PERSON_ID_TYPES
from ui.intake.consultation_dialog import ConsultationDialog
from ui.intake.materials import MaterialsPanel
from ui.intake.refusal_dialog import RefusalDialog
from ui.intake.repeat_bar import RepeatBar
from ui.widgets.action_buttons import add_action_buttons
from ui.widgets.field_errors import FieldErrors, error_label, show_failure
from ui.widgets.tasks import TaskRunner


class IntakeView(QWidget):
    """One intake at a time; `completed` carries the result of each outcome."""

    completed = Signal(object)
    failed = Signal(str)
    open_case = Signal(str)  # the existing case the clerk chose to open instead of a second one
    documents = Signal(object)  # document ids to print that are not an intake's (the consultation's 告知单)

    def __init__(self, ctx: AppContext, actor: Actor, reader: IdCardReader) -> None:
        super().__init__()
        self.ctx, self.actor, self.reader = ctx, actor, reader
        self.errors = FieldErrors()
        self.guide: ItemGuide | None = None
        self.runner = TaskRunner(self)
        self._restoring, self._busy = False, False  # _busy: an outcome is being written, a second Alt+S waits
        self.consultation_id: str | None = None  # set when the intake started from a consultation
        outer = QVBoxLayout(self)
        self.repeat_bar = RepeatBar(self)
        self.repeat_bar.open_case.connect(self.open_case)
        outer.addWidget(self.repeat_bar)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        top = QHBoxLayout()
        self.body.addLayout(top)
        top.addWidget(self._build_applicant(), 1)  # even halves: at 3:2 the item's hint was cut
        top.addWidget(self._build_item(), 1)
        self.materials = MaterialsPanel(self.errors)
        box = QGroupBox("材料核验（按事项清单，不得要求清单以外的材料）")
        QVBoxLayout(box).addWidget(self.materials)
        self.body.addWidget(box)
        self.body.addStretch(1)
        self._build_buttons(outer)
        self._draft_timer = QTimer(self, singleShot=True, interval=800)
        self._draft_timer.timeout.connect(self.save_draft)
        self.materials.changed.connect(self._touched)
        QShortcut(QKeySequence("F5"), self, activated=self.read_card)
        QShortcut(QKeySequence("F6"), self, activated=self.open_consultation)
        self.restore_draft()

    # -- building -------------------------------------------------------------------------------

    def _field(self, form: QFormLayout, label: str, widget: QWidget, name: str) -> QWidget:
        err = error_label()
        form.addRow(label, widget)
        form.addRow("", err)
        self.errors.add(name, widget, err)
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(self._touched)
        return widget

    def _build_applicant(self) -> QGroupBox:
        box = QGroupBox("申请人")
        form = QFormLayout(box)
        kinds = QHBoxLayout()
        self.kind_person = QRadioButton("个人", objectName="kindPerson")
        self.kind_org = QRadioButton("单位", objectName="kindOrg")
        self.kind_person.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.kind_person)
        group.addButton(self.kind_org)
        kinds.addWidget(self.kind_person)
        kinds.addWidget(self.kind_org)
        self.read_button = QPushButton("读身份证 (F5)", objectName="readCard")
        self.read_button.clicked.connect(self.read_card)
        self.read_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        kinds.addStretch(1)
        kinds.addWidget(self.read_button)
        form.addRow("类型", kinds)
        self.name = self._field(form, "姓名/名称", QLineEdit(objectName="applicantName"), "applicant.name")
        self.id_type = QComboBox(objectName="idType")
        self._fill_id_types(person=True)
        self._field(form, "证件类型", self.id_type, "applicant.id_type")
        self.id_number = self._field(form, "证件号码", QLineEdit(objectName="idNumber"), "applicant.id_number")
        self.legal_rep = self._field(form, "法定代表人", QLineEdit(objectName="legalRep"), "applicant.legal_rep")
        self.phone = self._field(form, "联系电话", QLineEdit(objectName="phone"), "applicant.phone")
        self.address = self._field(form, "地址", QLineEdit(objectName="address"), "applicant.address")
        self.card_note = QLabel()
        self.card_note.setStyleSheet("color: #b36b00;")
        form.addRow("", self.card_note)
        self.agent_name = self._field(form, "代理人", QLineEdit(objectName="agentName"), "agent.name")
        self.agent_id = self._field(form, "代理人身份证", QLineEdit(objectName="agentId"), "agent.id_number")
        self.agent_phone = self._field(form, "代理人电话", QLineEdit(objectName="agentPhone"), "agent.phone")
        self.agent_name.textChanged.connect(lambda text: self.materials.set_agent(bool(text.strip())))
        self.kind_org.toggled.connect(lambda org: self._fill_id_types(person=not org))
        self.legal_rep.setEnabled(False)
        return box

    def _fill_id_types(self, person: bool) -> None:
        self.id_type.clear()
        if person:
            for t in PERSON_ID_TYPES:
                self.id_type.addItem(ID_TYPE_LABELS[t], str(t))
        else:
            self.id_type.addItem("统一社会信用代码", "uscc")
        if hasattr(self, "legal_rep"):
            self.legal_rep.setEnabled(not person)

    def _build_item(self) -> QGroupBox:
        box = QGroupBox("办理事项")
        lay = QVBoxLayout(box)
        self.item_search = QLineEdit(objectName="itemSearch")
        self.item_search.setPlaceholderText("输入事项名称、编码或拼音首字母，回车选定第一项（↓ 选择其他）")
        self.item_list = QListWidget(objectName="itemList")
        self.item_list.setMaximumHeight(220)
        self.item_list.hide()  # shown while there are matches
        self.item_list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.item_chosen = QLabel("未选择事项", objectName="itemChosen")
        self.item_chosen.setWordWrap(True)
        err = error_label()
        self.errors.add("item", self.item_search, err)
        lay.addWidget(self.item_search)
        lay.addWidget(self.item_list)
        lay.addWidget(self.item_chosen)
        lay.addWidget(err)
        lay.addStretch(1)
        self.item_search.textEdited.connect(self._search_items)
        self.item_search.returnPressed.connect(self._choose_current)
        self.item_list.itemActivated.connect(lambda it: self._choose(it.data(Qt.ItemDataRole.UserRole)))
        self.item_search.installEventFilter(self)
        return box

    def _build_buttons(self, outer: QVBoxLayout) -> None:
        row = QHBoxLayout()
        self.status = QLabel(objectName="intakeStatus")
        row.addWidget(self.status, 1)
        specs = (("受理 (Alt+S)", "Alt+S", self.do_accept, "acceptButton"),
                 ("告知承诺 (Alt+C)", "Alt+C", lambda: self._run("告知承诺受理", commitments.accept_on_commitment),
                  "commitButton"),
                 ("一次性告知 (Alt+G)", "Alt+G", self.do_notify, "notifyButton"),
                 ("不予受理 (Alt+B)", "Alt+B", self.do_refuse, "refuseButton"),
                 ("收件待审 (Alt+R)", "Alt+R", self.do_receive, "receiveButton"),
                 ("咨询登记 (F6)", "", self.open_consultation, "consultButton"),
                 ("清空", "", self.clear_form, "clearButton"))
        add_action_buttons(self, row, specs)
        outer.addLayout(row)

    # -- item search ----------------------------------------------------------------------------

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt's name)
        from PySide6.QtCore import QEvent

        if obj is self.item_search and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Down, Qt.Key.Key_Up) and self.item_list.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            self.item_list.setCurrentRow(max(0, min(self.item_list.count() - 1, self.item_list.currentRow() + step)))
            return True
        return super().eventFilter(obj, event)

    def _search_items(self, text: str) -> None:
        self.item_list.clear()
        for it in search_items(self.ctx, self.actor, text, limit=30) if text.strip() else []:
            entry = QListWidgetItem(f"{it.name}　{it.code}　{it.department}")
            entry.setData(Qt.ItemDataRole.UserRole, it.id)
            self.item_list.addItem(entry)
        if self.item_list.count():
            self.item_list.setCurrentRow(0)
        self.item_list.setVisible(self.item_list.count() > 0)

    def _choose_current(self) -> None:
        current = self.item_list.currentItem()
        if current is not None:
            self._choose(current.data(Qt.ItemDataRole.UserRole))
            focus = self.materials.first_focus()
            if focus is not None:
                # The rows were just created and are not shown yet; focus them once they are.
                QTimer.singleShot(0, focus.setFocus)

    def _choose(self, item_id: int | None, restoring: bool = False) -> None:
        self.guide = get_item(self.ctx, self.actor, item_id) if item_id else None
        self.materials.set_item(self.guide, bool(self.agent_name.text().strip()))
        g = self.guide
        self.item_chosen.setText(f"已选：{g.name}（{g.code}）\n{g.department} · {g.processing_label} · "
                                 f"{g.review_label} · 承诺 {g.promised_days} / 法定 {g.legal_days} 个工作日"
                                 if g else "未选择事项")
        self.item_list.clear()
        self.item_list.hide()
        if not restoring:
            self._touched()

    def open_consultation(self) -> None:
        """首问负责: the visitor only asks; a consultation can become this intake without retyping."""
        dialog = ConsultationDialog(self.ctx, self.actor, self)
        self.consultation_dialog = dialog
        dialog.recorded.connect(lambda r: self.documents.emit((r.document_id,)))
        dialog.to_intake.connect(self.start_from_consultation)
        dialog.open()

    def start_from_consultation(self, begun: IntakeStart) -> None:
        """The visitor who asked now applies: item, name and phone as the consultation recorded them."""
        self.clear_form()
        self.consultation_id = begun.consultation_id
        self.name.setText(begun.person_name)  # type: ignore[attr-defined]
        self.phone.setText(begun.person_phone)  # type: ignore[attr-defined]
        self._choose(begun.item_id)
        self.status.setText("已从咨询记录转入受理：请核对身份证件并核验材料")
        self.id_number.setFocus()

    def read_card(self) -> None:
        try:
            card = self.reader.read()
        except ReaderError as exc:
            self.card_note.setText(str(exc))
            return
        self.kind_person.setChecked(True)
        self.name.setText(card.name)  # type: ignore[attr-defined]
        self.id_type.setCurrentIndex(self.id_type.findData("resident_id"))
        self.id_number.setText(card.id_number)  # type: ignore[attr-defined]
        self.address.setText(card.address)  # type: ignore[attr-defined]
        valid = "长期" if card.valid_to is None else card.valid_to.isoformat()
        expired = card.expired(self.ctx.today())
        self.card_note.setText(f"已读卡：{card.sex} · {card.ethnicity}族 · 出生 {card.birth_date} · 有效期至 {valid}"
                               + ("　⚠ 证件已过有效期，请核实身份并请申请人及时换领" if expired else ""))
        self.card_note.setStyleSheet("color: #c00;" if expired else "color: #2a6;")
        self._touched()
        self.phone.setFocus()

    # -- the form as data -----------------------------------------------------------------------

    def intake_input(self) -> IntakeInput:
        person = self.kind_person.isChecked()
        applicant = ApplicantInput(
            kind="person" if person else "org", name=self.name.text(),  # type: ignore[attr-defined]
            id_type=self.id_type.currentData() or "", id_number=self.id_number.text(),  # type: ignore[attr-defined]
            phone=self.phone.text(), address=self.address.text(),  # type: ignore[attr-defined]
            legal_rep="" if person else self.legal_rep.text(),  # type: ignore[attr-defined]
            agent_name=self.agent_name.text(), agent_id_type="resident_id",  # type: ignore[attr-defined]
            agent_id_number=self.agent_id.text(), agent_phone=self.agent_phone.text())  # type: ignore[attr-defined]
        return IntakeInput(self.guide.id if self.guide else 0, applicant, self.materials.values(),
                           consultation_id=self.consultation_id)

    def _state(self) -> dict[str, Any]:
        texts = {n: w.text() for n, w in self._line_edits().items()}
        return {"kind": "person" if self.kind_person.isChecked() else "org", "id_type": self.id_type.currentData(),
                "texts": texts, "item_id": self.guide.id if self.guide else None,
                "materials": [r.state() for r in self.materials.rows], "consultation_id": self.consultation_id}

    def _line_edits(self) -> dict[str, QLineEdit]:
        return {"name": self.name, "id_number": self.id_number, "legal_rep": self.legal_rep,  # type: ignore[dict-item]
                "phone": self.phone, "address": self.address, "agent_name": self.agent_name,
                "agent_id": self.agent_id, "agent_phone": self.agent_phone}

    # -- drafts ---------------------------------------------------------------------------------

    def _touched(self) -> None:
        if not self._restoring:
            self._draft_timer.start()

    def save_draft(self) -> None:
        drafts.save_draft(self.ctx, self.actor, self._state())

    def restore_draft(self) -> None:
        state = drafts.load_draft(self.ctx, self.actor)
        if not state:
            return
        self._restoring = True
        try:
            (self.kind_person if state.get("kind") == "person" else self.kind_org).setChecked(True)
            idx = self.id_type.findData(state.get("id_type"))
            if idx >= 0:
                self.id_type.setCurrentIndex(idx)
            for name, w in self._line_edits().items():
                w.setText(state.get("texts", {}).get(name, ""))
            if state.get("item_id"):
                self._choose(state["item_id"], restoring=True)
                for row, st in zip(self.materials.rows, state.get("materials", []), strict=False):
                    row.restore(st)
            self.consultation_id = state.get("consultation_id")  # the link survives a crash too
            self.status.setText("已恢复上次未完成的受理草稿")
        finally:
            self._restoring = False

    def clear_form(self) -> None:
        for w in self._line_edits().values():
            w.clear()
        self.kind_person.setChecked(True)
        self.card_note.clear()
        self.item_search.clear()
        self._choose(None, restoring=True)
        self.errors.clear()
        self.repeat_bar.dismiss()
        self._draft_timer.stop()
        drafts.clear_draft(self.ctx, self.actor)
        self.consultation_id = None
        self.name.setFocus()

    # -- outcomes -------------------------------------------------------------------------------

    def _run(self, title: str, fn: Any, *args: Any, repeat_checked: bool = False) -> None:
        if self._busy:
            return  # the outcome already under way is the one; the key was pressed twice
        self.errors.clear()
        data = self.intake_input()
        if not repeat_checked:
            earlier = same_day_cases(self.ctx, self.actor, data.applicant.id_number, data.item_id)
            if earlier:
                self.repeat_bar.offer(earlier, lambda: self._run(title, fn, *args, repeat_checked=True))
                return
        self.repeat_bar.dismiss()
        self._busy = True
        self.status.setText(f"{title}…")

        def work(*, report: Any, cancel: Any) -> IntakeResult:
            return fn(self.ctx, self.actor, data, *args)

        self.runner.run(work, title=f"正在{title}…", on_done=self._done, on_error=self._error)

    def do_accept(self) -> None:
        self._run("受理", accept_case)

    def do_notify(self) -> None:
        self._run("出具一次性告知书", notify_case)

    def do_receive(self) -> None:
        self._run("收件", receive_case)

    def do_refuse(self) -> None:
        dialog = RefusalDialog(hall_info(self.ctx), self)
        self._refusal_dialog = dialog
        if dialog.exec() == RefusalDialog.DialogCode.Accepted:
            self._run("出具不予受理通知书", refuse_case, dialog.refusal())

    def _done(self, result: IntakeResult) -> None:
        labels = {"accepted": "已受理", "notified": "已出具一次性告知书", "refused": "已出具不予受理通知书", "received": "已收件待审查"}
        due = f"，承诺办结 {result.promised_deadline:%Y-%m-%d}" if result.promised_deadline else ""
        if result.provisional:
            due += "（暂定：次年官方日历未发布）"
        self._busy = False
        self.clear_form()  # ready for the next applicant: nothing of this one can become a second case
        self.status.setText(f"{labels.get(result.state, result.state)}：受理编号 {result.case_no}{due}")
        self.completed.emit(result)

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.status.setText("")
        show_failure(self, self.errors, exc, self.failed.emit)
