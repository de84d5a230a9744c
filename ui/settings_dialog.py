"""Workstation settings: printers per document kind (anyone), the rest for the hall administrator."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from app.auth import Action, may
from app.context import Actor
from app.settings import SETTINGS
from ui.preferences import Preferences
from ui.printing import available_printers

PRINTER_KEYS = ("printing/receipt_printer", "printing/a4_printer")


class SettingsDialog(QDialog):
    def __init__(self, prefs: Preferences, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("设置")
        self.prefs = prefs
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout(self)
        printers = ["", *available_printers()]
        admin = may(actor, Action.MANAGE_SETTINGS)
        for spec in SETTINGS:
            if spec.name in PRINTER_KEYS:
                box = QComboBox(objectName=spec.name)
                for name in printers:
                    box.addItem(name or "系统默认打印机", name)
                idx = box.findData(prefs.get(spec.name))
                box.setCurrentIndex(max(idx, 0))
                editor: QWidget = box
            elif spec.type is int:
                spin = QSpinBox(objectName=spec.name)
                spin.setRange(0, 999)
                spin.setValue(int(prefs.get(spec.name)))
                spin.setEnabled(admin)
                editor = spin
            else:
                continue  # the server address is set at enrolment, not typed here
            self.editors[spec.name] = editor
            form.addRow(spec.label, editor)
        if not admin:
            form.addRow("", QLabel("其他设置由大厅管理员修改"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _save(self) -> None:
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                self.prefs.set(name, editor.currentData())
            elif isinstance(editor, QSpinBox) and editor.isEnabled():
                self.prefs.set(name, editor.value())
        self.accept()
