"""自选事项: the clerk ticks the catalog items of a 一件事 no theme covers (name, code or pinyin initials filter
the list; the ticks stay while the filter changes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.bundles.adhoc import MAX_ITEMS
from app.reference.catalog import ItemSummary
from ui.widgets.dialog_buttons import ok_cancel


class ItemPickerDialog(QDialog):
    """Tick 2 to 8 items; `chosen()` gives their codes in the order ticked."""

    def __init__(self, items: list[ItemSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("自选“一件事”事项")
        self.setMinimumSize(680, 480)
        self.order: list[str] = []
        lay = QVBoxLayout(self)
        note = QLabel(f"勾选本次一并申请的事项（2–{MAX_ITEMS} 个）。各事项并联办理，分送各部门窗口，办结后在本窗口统一出件。")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.filter = QLineEdit(objectName="adhocFilter")
        self.filter.setPlaceholderText("按名称、编码或拼音首字母筛选")
        lay.addWidget(self.filter)
        self.list = QListWidget(objectName="adhocItems")
        for it in items:
            row = QListWidgetItem(f"{it.name}　{it.department}（{it.promised_days}/{it.legal_days} 工作日）")
            row.setData(Qt.ItemDataRole.UserRole, it.code)
            row.setData(Qt.ItemDataRole.UserRole + 1, f"{it.name}{it.code}{it.pinyin_initials}".lower())
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(row)
        lay.addWidget(self.list, 1)
        self.count = QLabel(objectName="adhocCount")
        lay.addWidget(self.count)
        buttons, self.ok_button = ok_cancel("组成一件事", self.accept, self.reject)
        lay.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)
        self.list.itemChanged.connect(self._ticked)
        self._ticked(None)
        self.filter.setFocus()

    def _filter(self, text: str) -> None:
        needle = text.strip().lower().replace(" ", "")
        for i in range(self.list.count()):
            row = self.list.item(i)
            row.setHidden(bool(needle) and needle not in str(row.data(Qt.ItemDataRole.UserRole + 1)))

    def _ticked(self, row: QListWidgetItem | None) -> None:
        if row is not None:
            code = str(row.data(Qt.ItemDataRole.UserRole))
            if row.checkState() == Qt.CheckState.Checked and code not in self.order:
                self.order.append(code)
            elif row.checkState() != Qt.CheckState.Checked and code in self.order:
                self.order.remove(code)
        n = len(self.order)
        self.count.setText(f"已选 {n} 个事项" + ("（至少 2 个）" if n < 2 else f"（最多 {MAX_ITEMS} 个）" if n > MAX_ITEMS else ""))
        self.ok_button.setEnabled(2 <= n <= MAX_ITEMS)

    def tick(self, code: str) -> None:
        """Tick the item with this code (as a click on its box does)."""
        for i in range(self.list.count()):
            row = self.list.item(i)
            if row.data(Qt.ItemDataRole.UserRole) == code:
                row.setCheckState(Qt.CheckState.Checked)

    def chosen(self) -> tuple[str, ...]:
        return tuple(self.order)
