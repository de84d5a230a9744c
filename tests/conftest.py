"""Shared fixtures: a demo data directory made once per run and copied for each test."""

from __future__ import annotations

import os
import shutil
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
