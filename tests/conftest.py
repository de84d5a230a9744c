"""Shared fixtures: a demo data directory made once per run and copied for each test."""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QSettings (printer choices, idle lock) go to a throw-away place, never the developer's own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="onewindow-test-config-")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo data directory opened once (migrations, calendar seed, demo hall, password hashes)."""
    from app.station.bootstrap import open_data_dir

    root = tmp_path_factory.mktemp("demo-template")
    ctx = open_data_dir(root, demo=True)
    ctx.dispose()
    return root


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo data directory for one test."""
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def ctx(demo_dir: Path) -> Iterator[object]:
    from app.station.bootstrap import open_data_dir

    context = open_data_dir(demo_dir, demo=True)
    yield context
    context.dispose()


@pytest.fixture(autouse=True)
def _collect_on_the_ui_thread() -> Iterator[None]:
    """As the program does (ui/widgets/ui_gc.py): once the run has a QApplication, garbage is collected on the UI
    thread only — and after each test — so no worker thread frees the last test's widgets (a crash)."""

    def app() -> object | None:
        qt = sys.modules.get("PySide6.QtWidgets")
        return qt.QApplication.instance() if qt is not None else None

    def install() -> bool:
        running = app()
        if running is None:
            return False
        from ui.widgets.ui_gc import collect_on_ui_thread

        collect_on_ui_thread(running)  # type: ignore[arg-type]
        return True

    install()
    yield
    if install():
        gc.unfreeze()  # the last test's main window was kept for its session (ui_gc.keep_for_session)
        gc.collect()
