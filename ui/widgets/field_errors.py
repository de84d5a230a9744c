"""Error messages shown under the field that caused them (ValidationError.field → widget)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.core.errors import AppError


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #c00; font-size: 12px;")
    label.setWordWrap(True)
    label.hide()
    return label


class FieldErrors:
    """Maps field names to (input widget, error label); shows one error and focuses its field."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, name: str, widget: QWidget, label: QLabel) -> None:
        self._fields[name] = (widget, label)

    def forget(self, prefix: str) -> None:
        """Drop the fields under `prefix` (rows rebuilt for another item; their labels are being deleted)."""
        for name in [n for n in self._fields if n.startswith(prefix)]:
            del self._fields[name]

    def clear(self) -> None:
        for _w, label in self._fields.values():
            label.clear()
            label.hide()

    def show(self, name: str | None, message: str) -> bool:
        """Show the message at the field; False when no such field (the caller shows it elsewhere)."""
        self.clear()
        target = self._fields.get(name or "")
        if target is None and name:
            # "materials.12" falls back to "materials" when the row has no own label
            target = self._fields.get(name.split(".")[0])
        if target is None:
            return False
        widget, label = target
        label.setText(message)
        label.show()
        widget.setFocus()
        return True

    def message(self, name: str) -> str:
        return self._fields[name][1].text()


def show_failure(parent: QWidget, errors: FieldErrors, exc: BaseException,
                 before_box: Callable[[str], None] | None = None) -> None:
    """An outcome failed: a known failure at its field, else in a box; anything else is a bug and is raised."""
    if not isinstance(exc, AppError):
        raise exc
    if not errors.show(exc.field, exc.message):
        if before_box is not None:
            before_box(exc.message)
        QMessageBox.warning(parent, "无法办理", exc.message)
