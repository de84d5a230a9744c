"""Take the README screenshot: the demo window under a real X server (run with xvfb-run).

    xvfb-run -a -s "-screen 0 1366x820x24" uv run python scripts/screenshot.py docs/screenshot-catalog.png
    xvfb-run -a -s "-screen 0 1366x820x24" uv run python scripts/screenshot.py docs/screenshot-intake.png \
        wangyan spjy intake
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.auth import login
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from ui.system.fonts import install_fonts
from ui.system.main_window import MainWindow


def main(out: str, user: str = "wangyan", query: str = "spjy", section: str = "catalog") -> None:
    app = QApplication(sys.argv)
    install_fonts(app)
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    actor = login(ctx, user, DEMO_PASSWORD)
    win = MainWindow(ctx, actor, hall_info(ctx))
    win.resize(1366, 820)
    win.move(0, 0)
    win.show()
    win.show_section(section)
    page = win.pages.currentWidget()
    if section == "catalog":
        page.search.setText(query)  # type: ignore[attr-defined]
    elif section == "intake":
        page.read_card()  # type: ignore[attr-defined]
        page.phone.setText("13800001234")  # type: ignore[attr-defined]
        page.item_search.setText(query)  # type: ignore[attr-defined]
        page._search_items(query)  # type: ignore[attr-defined]
        page._choose_current()  # type: ignore[attr-defined]

    def shoot() -> None:
        app.primaryScreen().grabWindow(0).save(out)
        app.quit()

    QTimer.singleShot(1500, shoot)
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:])
