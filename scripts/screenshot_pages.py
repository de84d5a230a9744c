"""Screenshots of the main pages at the halls' screens (issue #17, finding 9), to look at, not to decorate.

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python scripts/screenshot_pages.py docs/screens 1366x768
    QT_SCALE_FACTOR=1.25 xvfb-run -a -s "-screen 0 1920x1080x24" \
        uv run python scripts/screenshot_pages.py docs/screens 1920x1080@125
The window is maximised on the screen; a few cases are accepted first so the 办件 table has rows.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.core.auth import login
from app.intake.input_checks import ApplicantInput, IntakeInput, MaterialInput
from app.intake.outcomes import accept_case
from app.reference.catalog import get_item, search_items
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from ui.system.fonts import install_fonts
from ui.system.main_window import MainWindow

PAGES = ("intake", "cases", "signoff", "certificates", "stats")
ITEMS = ("食品经营许可变更", "第二类医疗器械经营备案", "小餐饮店登记")


def main(out: str, tag: str) -> None:
    app = QApplication(sys.argv)
    install_fonts(app)
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    actor = login(ctx, "zhangmin", DEMO_PASSWORD)
    for name in ITEMS:  # set-up only: the screenshot is of the pages, not of the intake
        found = [i for i in search_items(ctx, actor, name) if i.name == name]
        if not found:
            continue
        guide = get_item(ctx, actor, found[0].id)
        mats = tuple(MaterialInput(m.id, "received", m.form != "copy", m.copies) for m in guide.materials
                     if not m.for_agent)
        accept_case(ctx, actor, IntakeInput(guide.id, ApplicantInput(
            kind="person", name="王䶮", id_type="resident_id", id_number="11010519491231002X",
            phone="13800001234", address="云岫市桂花巷 12 号"), mats))
    win = MainWindow(ctx, actor, hall_info(ctx))
    win.setGeometry(app.primaryScreen().availableGeometry())  # no window manager under Xvfb: maximise by hand
    win.show()
    intake = win.intake
    intake.read_card()
    intake.phone.setText("13800001234")
    intake._search_items("spjy")  # noqa: SLF001 (what typing does)
    intake._choose_current()  # noqa: SLF001
    pages = list(PAGES)

    def next_page() -> None:
        if not pages:
            app.quit()
            return
        key = pages.pop(0)
        win.show_section(key)
        QTimer.singleShot(1500, lambda: (win.grab().save(f"{out}/{key}-{tag}.png"), next_page()))

    QTimer.singleShot(1000, next_page)
    app.exec()
    ctx.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
