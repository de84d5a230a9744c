"""OK / 取消 for the program's dialogs: the OK says what it does (确认补正, 组成一件事 …), 取消 is in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QPushButton


def ok_cancel(ok_text: str, on_ok: Callable[[], object], on_cancel: Callable[[], object]
              ) -> tuple[QDialogButtonBox, QPushButton]:
    """The button box and its OK button (tests and callers enable it or name it)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons, ok
