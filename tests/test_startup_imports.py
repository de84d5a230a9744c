"""The sign-in dialog is on screen before the heavy layers load (they load behind it, ui/system/gui.py): the
modules the program imports up to the dialog must not bring SQLAlchemy, Alembic, the pages or pypinyin. A
structural check, not a timing (bench/bench_startup.py has the figures: 1.6× a bare PySide6 window)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "pypinyin", "reportlab", "ui.system.main_window", "app.core.auth")


def test_nothing_heavy_before_the_sign_in_dialog() -> None:
    code = ("import sys\nimport ui.main, ui.system.gui, ui.system.login_dialog\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "", f"imported before the dialog: {out.stdout.strip()}"
