"""The applicant part of the 一件事 form: the same fields the single intake asks, and the theme's shared ones."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from app.intake.input_checks import ApplicantInput
from app.reference.identity import ID_TYPE_LABELS, PERSON_ID_TYPES
from ui.widgets.field_errors import FieldErrors, error_label

KINDS = (("person", "个人"), ("org", "单位"))


class ApplicantForm(QGroupBox):
    """申请人 and 代理人; the theme's shared fields (店名、经营场所 …), asked once for every item, are in
    `shared_box`, which the page places beside the parts (the merged papers list then starts higher up)."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__("申请人及共同信息（一表申请）")
        self.errors = errors
        self.form = QFormLayout(self)
        self.kind = QComboBox(objectName="bundleKind")
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.form.addRow("类型", self.kind)
        self.id_type = QComboBox(objectName="bundleIdType")
        self.lines: dict[str, QLineEdit] = {}
        for name, label, field in (("name", "姓名/名称", "applicant.name"), ("id_type", "证件类型", "applicant.id_type"),
                                   ("id_number", "证件号码", "applicant.id_number"),
                                   ("legal_rep", "法定代表人", "applicant.legal_rep"),
                                   ("phone", "联系电话", "applicant.phone"), ("address", "地址", "applicant.address"),
                                   ("agent_name", "代理人", "agent.name"), ("agent_id", "代理人身份证", "agent.id_number"),
                                   ("agent_phone", "代理人电话", "agent.phone")):
            widget: QWidget = self.id_type if name == "id_type" else QLineEdit(objectName=f"bundle_{name}")
            if isinstance(widget, QLineEdit):
                self.lines[name] = widget
            self._row(label, widget, field)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self._kind_changed()
        self.shared: dict[str, QLineEdit] = {}
        self._shared_rows: list[QWidget] = []
        self.shared_box = QGroupBox("共同信息（各事项共用，只填一次）")
        self.shared_form = QFormLayout(self.shared_box)
        self.shared_box.hide()

    def _row(self, label: str, widget: QWidget, field: str, form: QFormLayout | None = None) -> QWidget:
        err = error_label()
        form = form or self.form
        form.addRow(label, widget)
        form.addRow("", err)
        self.errors.add(field, widget, err)
        return err

    def _kind_changed(self) -> None:
        person = self.kind.currentData() == "person"
        self.id_type.clear()
        for t in PERSON_ID_TYPES if person else ():
            self.id_type.addItem(ID_TYPE_LABELS[t], str(t))
        if not person:
            self.id_type.addItem("统一社会信用代码", "uscc")
        self.lines["legal_rep"].setEnabled(not person)

    def set_fields(self, fields: tuple[tuple[str, str], ...]) -> None:
        """The theme's shared fields replace the previous theme's (asked once, used by every part)."""
        for w in self._shared_rows:
            self.shared_form.removeRow(w)  # each field and its error label are two rows of their own
        self.errors.forget("fields.")
        self.shared, self._shared_rows = {}, []
        for key, label in fields:
            edit = QLineEdit(objectName=f"field_{key}")
            self._shared_rows += [edit, self._row(label, edit, f"fields.{key}", self.shared_form)]
            self.shared[key] = edit
        self.shared_box.setVisible(bool(fields))

    def applicant(self) -> ApplicantInput:
        t = {k: w.text() for k, w in self.lines.items()}
        person = self.kind.currentData() == "person"
        return ApplicantInput(kind="person" if person else "org", name=t["name"], id_type=self.id_type.currentData() or "",
                              id_number=t["id_number"], phone=t["phone"], address=t["address"],
                              legal_rep="" if person else t["legal_rep"], agent_name=t["agent_name"],
                              agent_id_type="resident_id", agent_id_number=t["agent_id"], agent_phone=t["agent_phone"])

    def field_values(self) -> tuple[tuple[str, str], ...]:
        return tuple((k, w.text()) for k, w in self.shared.items())

    def clear(self) -> None:
        for w in (*self.lines.values(), *self.shared.values()):
            w.clear()
        self.kind.setCurrentIndex(0)
