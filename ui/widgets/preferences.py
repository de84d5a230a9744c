"""Settings declared in app.reference.settings, stored with QSettings (registry on Windows, ini elsewhere)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

from app.reference import settings


class Preferences:
    """Typed access to the declared settings; the demo keeps its own."""

    def __init__(self, demo: bool) -> None:
        self._qs = QSettings("OneWindow", "OneWindow-demo" if demo else "OneWindow")

    def get(self, name: str) -> Any:
        return settings.coerce(name, self._qs.value(name, settings.default(name)))

    def set(self, name: str, value: Any) -> None:
        self._qs.setValue(name, settings.coerce(name, value))
        self._qs.sync()
