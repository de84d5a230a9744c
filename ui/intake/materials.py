"""The materials checklist of the intake form: one row of keyboard-reachable widgets per material."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from app.intake.input_checks import MaterialInput
from app.reference.catalog import FORM_LABELS, ItemGuide
from ui.widgets.field_errors import FieldErrors, error_label

NAME_CHARS = 10  # the narrowest a material's name may get, in characters
STATUS_CHOICES = (("received", "已收"), ("missing", "缺少"), ("defective", "不合格"), ("deferred", "容缺后补"),
                  ("committed", "告知承诺替代"))
COMMON_DEFECTS = ("未提交", "复印件不清晰，须提交清晰复印件", "未加盖公章，须加盖公章", "未签字，须由申请人签字",
                  "已过有效期，须提交有效期内的文件", "内容与申请事项不一致，须按要求重新填写")


class MaterialRow:
    """Status, original checked, copies, what is wrong, and the 容缺 due date of one material."""

    def __init__(self, spec: Any, grid: QGridLayout, row: int, errors: FieldErrors, changed: Signal,
                 committable: bool = False) -> None:
        self.spec = spec
        name = QLabel(f"{spec.seq}. {spec.name}", objectName=f"name_{spec.seq}")
        name.setWordWrap(True)
        # at 1280×800 the other columns squeezed a name to 2–3 characters a line: keep room for ten
        name.setMinimumWidth(name.fontMetrics().horizontalAdvance("材" * NAME_CHARS))
        form = QLabel(f"{FORM_LABELS.get(spec.form, spec.form)} {spec.copies} 份" + ("（可容缺）" if spec.may_defer else ""))
        self.status = QComboBox(objectName=f"status_{spec.seq}")
        for key, label in STATUS_CHOICES:
            # 容缺 only where the catalog allows it; 告知承诺 only for what the item's commitment replaces
            if (key != "deferred" or spec.may_defer) and (key != "committed" or committable):
                self.status.addItem(label, key)
        # Nothing is taken as handed over until the clerk says so: a row starts 缺少, the original unchecked.
        self.status.setCurrentIndex(self.status.findData("missing"))
        self.original = QCheckBox("原件已核", objectName=f"original_{spec.seq}")
        self.original.setChecked(False)
        self.original.setEnabled(spec.form != "copy")
        self.copies = QSpinBox(objectName=f"copies_{spec.seq}")
        self.copies.setRange(0, 99)
        self.copies.setValue(spec.copies)
        self.copies.setSuffix(" 份")
        self.defect = QComboBox(objectName=f"defect_{spec.seq}")
        self.defect.setEditable(True)
        self.defect.addItems(("",) + COMMON_DEFECTS)
        # an editable combo expands to its longest reason by default and took the width the material's name
        # needs; the full reason shows when it drops down
        self.defect.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.defect.setMinimumContentsLength(8)
        self.defect.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.due = QDateEdit(objectName=f"due_{spec.seq}")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setDate(QDate.currentDate().addDays(10))
        self.error = error_label()
        self.widgets = (name, form, self.status, self.original, self.copies, self.defect, self.due)
        for col, w in enumerate(self.widgets):
            grid.addWidget(w, row * 2, col)
        grid.addWidget(self.error, row * 2 + 1, 0, 1, 7)
        errors.add(f"materials.{spec.id}", self.status, self.error)
        self.status.currentIndexChanged.connect(self._sync)
        for sig in (self.status.currentIndexChanged, self.original.toggled, self.copies.valueChanged,
                    self.defect.currentTextChanged, self.due.dateChanged):
            sig.connect(lambda *_: changed.emit())
        self._sync()

    def _sync(self) -> None:
        key = self.status.currentData()
        self.defect.setEnabled(key in ("missing", "defective"))
        self.due.setEnabled(key == "deferred")
        if key == "missing" and not self.defect.currentText():
            self.defect.setCurrentText("未提交")
        if key == "received" and self.defect.currentText() == "未提交":
            self.defect.setCurrentText("")

    def set_shown(self, shown: bool) -> None:
        for w in (*self.widgets, self.error):
            w.setVisible(shown)

    def value(self) -> MaterialInput:
        key = self.status.currentData()
        due = self.due.date().toPython() if key == "deferred" else None
        return MaterialInput(self.spec.id, key, self.original.isChecked() if key == "received" else False,
                             self.copies.value() if key == "received" else 0,
                             self.defect.currentText().strip() if key in ("missing", "defective") else "",
                             due if isinstance(due, date) else None)

    def state(self) -> dict[str, Any]:
        return {"status": self.status.currentData(), "original": self.original.isChecked(),
                "copies": self.copies.value(), "defect": self.defect.currentText(),
                "due": self.due.date().toString("yyyy-MM-dd")}

    def restore(self, st: dict[str, Any]) -> None:
        idx = self.status.findData(st.get("status"))
        if idx >= 0:
            self.status.setCurrentIndex(idx)
        self.original.setChecked(bool(st.get("original")))
        self.copies.setValue(int(st.get("copies", 0)))
        self.defect.setCurrentText(st.get("defect", ""))
        if st.get("due"):
            self.due.setDate(QDate.fromString(st["due"], "yyyy-MM-dd"))


class MaterialsPanel(QWidget):
    """All rows for the chosen item; `changed` fires on any edit (the draft is saved from it)."""

    changed = Signal()

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__()
        self.errors = errors
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(0, 3)
        self.rows: list[MaterialRow] = []
        self.has_agent = False
        self.placeholder = QLabel("请先选择办理事项，材料清单将按事项自动列出")
        self.grid.addWidget(self.placeholder, 0, 0, 1, 7)

    def set_agent(self, has_agent: bool) -> None:
        """The agent's papers (授权委托书 …) are listed only when someone applies through an agent."""
        self.has_agent = has_agent
        for r in self.rows:
            if r.spec.for_agent:
                r.set_shown(has_agent)

    def shown_rows(self) -> list[MaterialRow]:
        return [r for r in self.rows if self.has_agent or not r.spec.for_agent]

    def set_item(self, guide: ItemGuide | None, has_agent: bool = False) -> None:
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None and w is not self.placeholder:
                w.deleteLater()
        self.rows = []
        self.errors.forget("materials.")
        if guide is None:
            self.grid.addWidget(self.placeholder, 0, 0, 1, 7)
            self.placeholder.show()
            return
        self.placeholder.hide()
        replaces = set(guide.commitment.replaces) if guide.commitment else set()
        for i, spec in enumerate(guide.materials):
            self.rows.append(MaterialRow(spec, self.grid, i, self.errors, self.changed, spec.name in replaces))
        self.set_agent(has_agent)

    def values(self) -> tuple[MaterialInput, ...]:
        return tuple(r.value() for r in self.shown_rows())

    def first_focus(self) -> QWidget | None:
        rows = self.shown_rows()
        return rows[0].status if rows else None
