"""Workstation settings: printers (per document kind, with paper) for anyone; the rest for the administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.auth import Action, may
from app.core.context import Actor
from app.documents.data import KIND_TITLES
from app.reference.settings import SETTINGS
from ui.printing.printers import available_printers
from ui.widgets.preferences import Preferences

PAPERS = (("A4", "A4"), ("roll80", "80 毫米热敏卷纸"))


class SettingsDialog(QDialog):
    def __init__(self, prefs: Preferences, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("设置")
        self.resize(640, 620)
        self.prefs = prefs
        self.combos: dict[str, QComboBox] = {}
        self.spins: dict[str, QSpinBox] = {}
        printers = ["", *available_printers()]
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        main = QGroupBox("打印机")
        form = QFormLayout(main)
        self.no_printer = QCheckBox("不接打印机（文书只保存，需要时在“办件 → 文书”中打开、打印或另存为 PDF）",
                                    objectName="printing/no_printer")
        self.no_printer.setChecked(bool(prefs.get("printing/no_printer")))
        form.addRow(self.no_printer)
        for key, label in (("printing/receipt_printer", "回执打印机（80 毫米）"), ("printing/a4_printer", "A4 打印机")):
            form.addRow(label, self._printer_box(key, printers, "系统默认打印机"))
        lay.addWidget(main)

        kinds = QGroupBox("各类文书（未单独指定的，回执用回执打印机，其余用 A4 打印机）")
        grid = QGridLayout(kinds)
        for row, (kind, title) in enumerate(KIND_TITLES.items()):
            grid.addWidget(QLabel(title), row, 0)
            grid.addWidget(self._printer_box(f"printing/kind/{kind}", printers, "同上"), row, 1)
            paper = QComboBox(objectName=f"printing/paper/{kind}")
            for value, text in PAPERS:
                paper.addItem(text, value)
            paper.setCurrentIndex(max(paper.findData(prefs.get(f"printing/paper/{kind}")), 0))
            self.combos[f"printing/paper/{kind}"] = paper
            grid.addWidget(paper, row, 2)
        lay.addWidget(kinds)

        admin = may(actor, Action.MANAGE_SETTINGS)
        other = QGroupBox("其他" + ("" if admin else "（由大厅管理员修改）"))
        form2 = QFormLayout(other)
        for spec in SETTINGS:
            if spec.type is int:
                spin = QSpinBox(objectName=spec.name)
                spin.setRange(0, 999)
                spin.setValue(int(prefs.get(spec.name)))
                spin.setEnabled(admin)
                self.spins[spec.name] = spin
                form2.addRow(spec.label, spin)
        lay.addWidget(other)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _printer_box(self, key: str, printers: list[str], empty_label: str) -> QComboBox:
        box = QComboBox(objectName=key)
        for name in printers:
            box.addItem(name or empty_label, name)
        current = self.prefs.get(key)
        if current and box.findData(current) < 0:
            # A printer that is off or unplugged right now stays chosen: saving must not forget it.
            box.addItem(f"{current}（当前不可用）", current)
        box.setCurrentIndex(max(box.findData(current), 0))
        self.combos[key] = box
        return box

    def _save(self) -> None:
        self.prefs.set("printing/no_printer", self.no_printer.isChecked())
        for key, box in self.combos.items():
            self.prefs.set(key, box.currentData())
        for key, spin in self.spins.items():
            if spin.isEnabled():
                self.prefs.set(key, spin.value())
        self.accept()
