"""Screenshots of the 一件事 pages (issue #20): the combined intake with a theme picked, and the follow-up.

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python scripts/screenshot_bundles.py docs/screens 1366x768
    xvfb-run -a -s "-screen 0 1280x800x24" uv run python scripts/screenshot_bundles.py docs/screens 1280x800
One bundle of 开办餐饮店 is accepted first so the follow-up has a row to show.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.bundles.bundle_intake import BundleInput, PaperInput, accept_bundle
from app.core.auth import login
from app.intake.input_checks import ApplicantInput
from app.reference.catalog import list_themes
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from ui.bundles.page import BundlePage
from ui.system.fonts import install_fonts
from ui.system.main_window import MainWindow

APPLICANT = ApplicantInput(kind="person", name="王䶮", id_type="resident_id", id_number="11010519491231002X",
                           phone="13800001234", address="云岫市桂花巷 12 号")
SHOP = {"trade_name": "云岫市䶮记小吃店", "premises": "云岫市桂花巷 12 号一楼", "area": "86", "scope": "餐饮服务（小型餐馆）"}


def main(out: str, tag: str) -> None:
    app = QApplication(sys.argv)
    install_fonts(app)
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    actor = login(ctx, "zhangmin", DEMO_PASSWORD)
    theme = next(t for t in list_themes(ctx, actor) if t.name == "开办餐饮店")
    papers = tuple(PaperInput(p.key, "received", True, p.copies) for p in theme.papers
                   if not p.from_part and not p.for_agent)
    accept_bundle(ctx, actor, BundleInput(theme.code, APPLICANT, papers,  # set-up: the follow-up needs a row
                                          tuple((k, SHOP.get(k, "—")) for k, _label in theme.fields)))
    win = MainWindow(ctx, actor, hall_info(ctx))
    win.setGeometry(app.primaryScreen().availableGeometry())  # no window manager under Xvfb: maximise by hand
    win.show()
    win.show_bundle_intake()
    page = win.bundles
    assert isinstance(page, BundlePage) and page.intake is not None
    intake = page.intake

    def fill() -> None:
        intake.pick_theme(theme.code)
        for name, value in (("name", "王䶮"), ("id_number", "11010519491231002X"), ("phone", "13800001234")):
            intake.applicant.lines[name].setText(value)
        for key, edit in intake.applicant.shared.items():
            edit.setText(SHOP.get(key, ""))
        intake.papers.all_received()
        QTimer.singleShot(800, shoot_intake)

    def shoot_intake() -> None:
        win.grab().save(f"{out}/bundle-intake-{tag}.png")
        page.show_follow()
        QTimer.singleShot(1200, select)

    def select() -> None:
        page.follow.table.setCurrentCell(0, 0)
        QTimer.singleShot(1200, lambda: (win.grab().save(f"{out}/bundle-follow-{tag}.png"), app.quit()))

    QTimer.singleShot(1500, fill)
    app.exec()
    ctx.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
