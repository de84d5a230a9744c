"""Where OneWindow keeps its files: per-user data directory, demo apart, resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "OneWindow"


def resources_dir() -> Path:
    """The resources/ folder, also inside a PyInstaller bundle (sys._MEIPASS)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def default_data_dir(demo: bool) -> Path:
    """The per-user data directory; the demo has its own so demo cases never mix with real ones.

    ONEWINDOW_DATA_DIR overrides it (tests, and IT staff placing data on another disk).
    """
    override = os.environ.get("ONEWINDOW_DATA_DIR")
    if override:
        base = Path(override)
        return base / "demo" if demo else base
    return user_data_path(APP_NAME + ("-demo" if demo else ""), appauthor=False)


class DataDir:
    """The layout of one data directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def database(self) -> Path:
        return self.root / "onewindow.sqlite"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def documents(self) -> Path:
        return self.root / "documents"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def lock_file(self) -> Path:
        return self.root / "onewindow.lock"

    @property
    def audit_head(self) -> Path:
        return self.root / "audit-head.json"

    def ensure(self) -> None:
        for p in (self.root, self.backups, self.documents, self.attachments, self.logs):
            p.mkdir(parents=True, exist_ok=True)
