"""Screenshots of the 签批 page, the sign-off dialogs and the records window (run with xvfb-run).

    xvfb-run -a -s "-screen 0 1366x820x24" uv run python scripts/screenshot_signoff.py /tmp/shots [chief|clerk]
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from app.core.auth import login
from app.intake.input_checks import ApplicantInput, IntakeInput, MaterialInput
from app.intake.outcomes import accept_case
from app.reference.catalog import search_items
from app.reference.hall import hall_info
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from ui.records.records_dialog import RecordsDialog
from ui.system.fonts import install_fonts
from ui.system.main_window import MainWindow


def _friday() -> datetime:
    local = datetime(2026, 11, 20, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    return (local - local.utcoffset()).replace(tzinfo=None)  # type: ignore[operator]


def _demo_cases(ctx: object) -> None:
    clerk = login(ctx, "wangyan", DEMO_PASSWORD)  # type: ignore[arg-type]
    from app.reference.catalog import get_item

    def accept(name: str, applicant: str) -> str:
        summary = next(i for i in search_items(ctx, clerk, name) if i.name == name)  # type: ignore[arg-type]
        guide = get_item(ctx, clerk, summary.id)  # type: ignore[arg-type]
        mats = tuple(MaterialInput(m.id, "received", True, m.copies) for m in guide.materials)
        person = ApplicantInput("person", applicant, "resident_id", "11010519491231002X", "13800001234", "云岫市桂花巷 12 号")
        return accept_case(ctx, clerk, IntakeInput(summary.id, person, mats)).case_id  # type: ignore[arg-type]

    for name, who, outcome in (("食品经营许可", "王䶮", "approve"), ("药品零售许可", "李晓𠮷", "approve"),
                               ("食品生产许可", "赵大勇", "deny")):
        case_id = accept(name, who)
        d = (DecisionInput("approve", "经审查，材料齐全，符合法定条件、标准，建议准予许可", "经营项目：预包装食品销售")
             if outcome == "approve" else
             DecisionInput("deny", "经现场核查，生产场所不符合要求，建议不予许可", reasons="生产场所与污染源距离不足",
                           basis="《中华人民共和国食品安全法》第三十五条"))
        record_review(ctx, clerk, case_id, d)  # type: ignore[arg-type]
    accept("食品经营许可变更", "钱多多")


def clerk_desk(out: Path) -> None:
    """The clerk's desk and the review form with a denial being written."""
    app = QApplication.instance() or QApplication(sys.argv)
    install_fonts(app)  # type: ignore[arg-type]
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    ctx.clock = _friday
    _demo_cases(ctx)
    clerk = login(ctx, "wangyan", DEMO_PASSWORD)
    win = MainWindow(ctx, clerk, hall_info(ctx))
    win.resize(1366, 820)
    win.show()
    win.show_section("signoff")
    view = win.signoff

    def form() -> None:
        view.desk.selectRow(0)
        view.do_review()
        assert view.dialog is not None
        view.dialog.deny.setChecked(True)  # type: ignore[union-attr]
        view.dialog.ok.click()  # type: ignore[union-attr]

    def shoot(name: str, then: Callable[[], None] | None) -> None:
        app.primaryScreen().grabWindow(0).save(str(out / f"signoff-{name}.png"))  # type: ignore[union-attr]
        if then is None:
            app.quit()  # type: ignore[union-attr]
        else:
            then()

    QTimer.singleShot(1200, lambda: shoot("7-desk", form))
    QTimer.singleShot(2400, lambda: shoot("8-review-errors", None))
    app.exec()  # type: ignore[union-attr]


def main(out_dir: str, who: str = "chief") -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if who == "clerk":
        clerk_desk(out)
        return
    app = QApplication(sys.argv)
    install_fonts(app)
    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    ctx.clock = _friday
    _demo_cases(ctx)
    chief = login(ctx, "zhoujianhua", DEMO_PASSWORD)
    win = MainWindow(ctx, chief, hall_info(ctx))
    win.resize(1366, 820)
    win.move(0, 0)
    win.show()
    win.show_section("signoff")
    view = win.signoff
    view.tabs.setCurrentIndex(1)
    steps: list[tuple[str, Callable[[], QWidget | None]]] = []

    def queue() -> None:
        return None

    def sign_dialog() -> QWidget | None:
        view.queue.selectRow(0)
        view.do_sign()
        return None

    def password() -> QWidget | None:
        assert view.dialog is not None
        view.dialog.ok.click()  # type: ignore[union-attr]
        return None

    def records() -> QWidget | None:
        assert view.password is not None
        view.password.reject()
        view.dialog.reject()  # type: ignore[union-attr]
        dialog = RecordsDialog(ctx, chief, win.prefs, win)
        dialog.move(40, 40)
        dialog.show()
        return dialog

    def audit() -> QWidget | None:
        dialog = app.activeModalWidget() or next(w for w in app.topLevelWidgets() if isinstance(w, RecordsDialog))
        dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)  # type: ignore[attr-defined]
        return None

    def custody() -> QWidget | None:
        dialog = next(w for w in app.topLevelWidgets() if isinstance(w, RecordsDialog))
        dialog.tabs.setCurrentIndex(1)
        return None

    steps = [("1-queue", queue), ("2-sign-dialog", sign_dialog), ("3-password", password), ("4-register", records),
             ("5-audit", audit), ("6-custody", custody)]

    def run(k: int = 0) -> None:
        if k:
            app.primaryScreen().grabWindow(0).save(str(out / f"signoff-{steps[k - 1][0]}.png"))
        if k == len(steps):
            app.quit()
            return
        steps[k][1]()
        QTimer.singleShot(900, lambda: run(k + 1))

    QTimer.singleShot(1200, run)
    app.exec()


if __name__ == "__main__":
    main(*sys.argv[1:])
