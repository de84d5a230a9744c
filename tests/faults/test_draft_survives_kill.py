"""The intake draft the clerk was typing survives the app being killed (SIGKILL, no clean-up)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from PySide6.QtCore import QTimer
    from app.station.bootstrap import open_data_dir
    from app.reference.id_reader import SimulatedReader
    from ow_testkit import clerk
    from ui.intake.view import IntakeView
    app = QApplication([])
    ctx = open_data_dir(Path({root!r}), demo=True)
    view = IntakeView(ctx, clerk(ctx), SimulatedReader())
    view.show()
    view.read_card()                 # name, ID, address from the card
    view.phone.setText("13912345678")
    view.phone.textEdited.emit("13912345678")   # as typing does: starts the draft timer
    def after_save():
        print("DRAFT-SAVED", flush=True)
        os.kill(os.getpid(), 9)      # the app dies with the form unfinished
    QTimer.singleShot(2000, after_save)   # the draft timer (800 ms) has fired by then
    app.exec()
""")


def test_draft_survives_sigkill(demo_dir: Path) -> None:
    tests = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(tests=tests, root=str(demo_dir))], env=env,
                          capture_output=True, text=True, timeout=120, cwd=Path(tests).parent)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert "DRAFT-SAVED" in done.stdout
    from ow_testkit import clerk

    from app.intake.drafts import load_draft
    from app.station.bootstrap import open_data_dir

    ctx = open_data_dir(demo_dir, demo=True)
    try:
        draft = load_draft(ctx, clerk(ctx))
    finally:
        ctx.dispose()
    assert draft is not None
    assert draft["texts"]["name"] == "王䶮" and draft["texts"]["phone"] == "13912345678"
    assert draft["texts"]["id_number"] == "11010519491231002X"
