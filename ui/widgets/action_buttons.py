"""A row of outcome buttons, each with its shortcut: the forms' Alt+S / Alt+G … keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget

ButtonSpec = tuple[str, str, Callable[[], object], str]  # text, shortcut ("" for none), slot, objectName


def add_action_buttons(owner: QWidget, row: QBoxLayout, specs: Sequence[ButtonSpec]) -> None:
    """The buttons take no focus: Tab walks the form's fields, the keys reach the buttons from anywhere."""
    for text, key, slot, name in specs:
        b = QPushButton(text, objectName=name)
        b.clicked.connect(slot)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(b)
        if key:
            QShortcut(QKeySequence(key), owner, activated=slot)
