"""The bar that says “this applicant already has this item today” before a second case is made."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.intake.repeats import EarlierCase


class RepeatBar(QFrame):
    """Inline, not a dialog: the clerk sees it beside the form, and nothing waits on a modal box."""

    open_case = Signal(str)  # case id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="repeatBar")
        self.setStyleSheet("#repeatBar { background: #fff4d6; border: 1px solid #e0b84c; }")
        row = QHBoxLayout(self)
        self.text = QLabel(objectName="repeatText")
        self.text.setWordWrap(True)
        row.addWidget(self.text, 1)
        self.open_button = QPushButton("打开已有办件", objectName="repeatOpen")
        self.new_button = QPushButton("仍然新办", objectName="repeatNew")
        self.cancel_button = QPushButton("取消", objectName="repeatCancel")
        for b in (self.open_button, self.new_button, self.cancel_button):
            row.addWidget(b)
        self.open_button.clicked.connect(self._open)
        self.new_button.clicked.connect(self._go_on)
        self.cancel_button.clicked.connect(self.dismiss)
        self._earlier: list[EarlierCase] = []
        self._go_on_with: Callable[[], None] | None = None
        self.hide()

    def offer(self, earlier: list[EarlierCase], go_on: Callable[[], None]) -> None:
        self._earlier, self._go_on_with = earlier, go_on
        cases = "、".join(f"{e.case_no}（{e.state_label}）" for e in earlier)
        self.text.setText(f"该申请人今天已办理过本事项：{cases}。是同一次来办的，请打开已有办件；确需另办一件的，选“仍然新办”。")
        self.show()
        self.open_button.setFocus()

    def dismiss(self) -> None:
        self._earlier, self._go_on_with = [], None
        self.hide()

    def _open(self) -> None:
        if self._earlier:
            self.open_case.emit(self._earlier[-1].case_id)
        self.dismiss()

    def _go_on(self) -> None:
        go_on = self._go_on_with
        self.dismiss()
        if go_on is not None:
            go_on()
