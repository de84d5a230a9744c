"""告知承诺 at the counter and on the case desk, keyboard only: the item's replaced material is marked 告知承诺替代
(End in its status), Alt+C accepts on the commitment and prints the 告知承诺书 first; on the case detail the first
scan is the signed letter, F7 opens the post-check, 不属实 is recorded, and the chief revokes there; no modal
dialog is left open."""

from __future__ import annotations

from pathlib import Path

from case_dialog_kit import FakePrinter, click_ok, desk, drive, ime_type
from ow_testkit import at_local, clerk, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from signoff_kit import who
from sqlalchemy import select
from tests_commitment_terms import REPLACED, SIGNED

from app.cases.commitments import check_info
from app.core.context import AppContext
from app.records.doc_register import read_document
from app.reference.id_reader import SimulatedReader
from app.signoff.review import decide_on_spot
from app.station.bootstrap import DEMO_PASSWORD
from db.models import CreditRecord, Document
from ui.cases.commitment_dialog import CommitmentDialog
from ui.intake.view import IntakeView


def _accept_on_commitment(qtbot: QtBot, ctx: AppContext) -> tuple[str, list[str]]:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    view = IntakeView(ctx, clerk(ctx, "wangyan"), SimulatedReader())
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    view.name.setFocus()
    QApplication.processEvents()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F5)  # the ID reader fills the applicant
    qtbot.keyClicks(view.phone, "13800001234")
    view.item_search.setFocus()
    qtbot.keyClicks(view.item_search, "spjyxkbg")  # 食品经营许可变更
    qtbot.keyClick(view.item_search, Qt.Key.Key_Return)
    assert view.guide is not None and view.guide.commitment is not None
    for row in view.materials.shown_rows():
        row.status.setFocus()
        keys = [row.status.itemData(i) for i in range(row.status.count())]
        assert ("committed" in keys) == (row.spec.name == REPLACED)  # only what the catalog lets it replace
        qtbot.keyClick(row.status, Qt.Key.Key_End if row.spec.name == REPLACED else Qt.Key.Key_Up)
        if row.original.isEnabled() and row.status.currentData() == "received":
            row.original.setChecked(True)
    with qtbot.waitSignal(view.completed, timeout=30000) as blocker:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    result = blocker.args[0]
    assert "受理编号" in view.status.text()
    return result.case_id, list(result.document_ids)


def test_commitment_intake_post_check_and_revocation_by_keyboard(qtbot: QtBot, ctx: AppContext,
                                                                 tmp_path: Path) -> None:
    case_id, doc_ids = _accept_on_commitment(qtbot, ctx)
    with ctx.read() as s:
        assert s.get(Document, doc_ids[0]).kind == "commitment_letter"  # printed first, for signing
    scan = tmp_path / "告知承诺书-签字.pdf"
    scan.write_bytes(read_document(ctx, doc_ids[0])[1])
    view, _printer = desk(qtbot, ctx, "wangyan", case_id)
    assert view.buttons["commitment"].isVisible()
    view.do_attach([str(scan)])  # the first scan of the case is the signed letter
    assert check_info(ctx, who(ctx, "wangyan"), case_id).scan_attached
    decide_on_spot(ctx, who(ctx, "wangyan"), case_id, SIGNED, custodian_password=DEMO_PASSWORD)
    set_clock(ctx, at_local(2026, 12, 10, 10))
    view.reload()

    def found_false(dialog: CommitmentDialog) -> None:
        assert isinstance(dialog, CommitmentDialog)
        dialog.result.setFocus()
        qtbot.keyClick(dialog.result, Qt.Key.Key_Down)  # 属实 → 不属实
        assert dialog.result.currentData() == "false"
        click_ok(qtbot, dialog)  # no finding written: refused at its field
        assert dialog.errors.message("note") == "请写明核查发现的情况" and dialog.isVisible()
        ime_type(dialog.note, "经现场核查，未设置冷藏冷冻设施，与承诺不符")
        click_ok(qtbot, dialog)
        assert not dialog.isVisible()

    view.activateWindow()
    drive(lambda: qtbot.keyClick(view, Qt.Key.Key_F7), found_false)
    assert check_info(ctx, who(ctx, "wangyan"), case_id).result == "false"
    assert QApplication.activeModalWidget() is None

    chief, printer = desk(qtbot, ctx, "zhoujianhua", case_id)

    def revoke(dialog: CommitmentDialog) -> None:
        assert isinstance(dialog, CommitmentDialog) and "不属实" in dialog.findChild(object, "commitmentSummary").text()
        qtbot.keyClicks(dialog.password, DEMO_PASSWORD)
        click_ok(qtbot, dialog)
        assert not dialog.isVisible(), dialog.general.text()

    chief.activateWindow()
    drive(lambda: qtbot.keyClick(chief, Qt.Key.Key_F7), revoke)
    assert check_info(ctx, who(ctx, "zhoujianhua"), case_id).revoked
    assert isinstance(printer, FakePrinter) and len(printer.printed) == 1  # the 撤销决定书 goes to the printer
    with ctx.read() as s:
        assert s.execute(select(CreditRecord.case_id)).scalar_one() == case_id
    assert QApplication.activeModalWidget() is None


def test_the_due_panel_lists_the_post_check_with_its_light(qtbot: QtBot, ctx: AppContext) -> None:
    from PySide6.QtGui import QColor

    from app.cases.lights import LIGHT_COLORS, Light
    from ui.cases.due_panel import DuePanel
    from ui.widgets.preferences import Preferences

    case_id, _docs = _accept_on_commitment(qtbot, ctx)
    set_clock(ctx, at_local(2026, 12, 21, 10))  # past the post-check's deadline (2026-12-18)
    panel = DuePanel(ctx, who(ctx, "wangyan"), Preferences(demo=True))
    qtbot.addWidget(panel)
    texts = [(panel.list.item(i).text(), panel.list.item(i).data(Qt.ItemDataRole.UserRole))
             for i in range(panel.list.count())]
    assert ("2026-12-18  王䶮\n    食品经营许可变更 · 待核查", case_id) in texts
    assert "承诺核查 <b>1</b> 件" in panel.summary.text()
    item = next(panel.list.item(i) for i in range(panel.list.count()) if "待核查" in panel.list.item(i).text())
    assert item.foreground().color() == QColor(LIGHT_COLORS[Light.RED]).darker(120)  # late: red
