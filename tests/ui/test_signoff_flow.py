"""pytest-qt drives the whole 一审一核: the clerk's review, the chief's sign-off with the custodian's password,
and the sealed decision printed for real on the CUPS PDF queue."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from signoff_kit import CHIEF, accepted, case_row, documents, pdf_text, start, who
from sqlalchemy import select

from app.core.context import AppContext
from app.reference.hall import hall_info
from app.station.bootstrap import DEMO_PASSWORD
from db.models import PrintJob
from tests import cups_printer
from tests.cups_printer import CupsPdfPrinter
from ui.printing.document_actions import DocumentPrinter
from ui.signoff.view import SignoffView
from ui.widgets.preferences import Preferences


@pytest.fixture(scope="module")
def queue(qapp: QApplication) -> Iterator[CupsPdfPrinter]:
    with cups_printer.cups_pdf_queue() as printer:
        yield printer


def ime_type(widget: object, text: str) -> None:
    """Chinese arrives through the input method as a committed string (QTest types only Latin-1 keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def _view(qtbot: QtBot, ctx: AppContext, username: str) -> SignoffView:
    view = SignoffView(ctx, who(ctx, username), hall_info(ctx))
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view


def _new_pdfs(printer: CupsPdfPrinter, before: set[str], count: int) -> list[Path]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        new = sorted({p.name for p in printer.out_dir.glob("*.pdf")} - before)
        if len(new) >= count and not subprocess.run(["lpstat", "-o", printer.queue], capture_output=True,
                                                     text=True).stdout.strip():
            return [printer.out_dir / n for n in new]
        time.sleep(0.25)
    raise AssertionError("printed files did not appear")


def _red_pixels(pdf: Path, tmp: Path) -> int:
    """Seal-red pixels on the printed page (the seal is drawn into the page, so it prints)."""
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(pdf), str(tmp / "page")], check=True)
    image = QImage(str(tmp / "page.png"))
    red = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            red += c.red() > 170 and c.green() < 110 and c.blue() < 110
    return red


def test_review_sign_off_and_print_the_sealed_decision(qtbot: QtBot, queue: CupsPdfPrinter, ctx: AppContext,
                                                       tmp_path: Path) -> None:
    start(ctx)
    case_id = accepted(ctx)  # 食品经营许可, 一审一核, accepted by 王䶮

    # 一审: 王䶮 records the review opinion at the desk.
    desk = _view(qtbot, ctx, "wangyan")
    assert [r.case_id for r in desk.desk_model.rows] == [case_id]
    desk.desk.selectRow(0)
    qtbot.mouseClick(desk.review_button, Qt.MouseButton.LeftButton)
    review = desk.dialog
    assert review is not None
    qtbot.waitExposed(review)
    qtbot.mouseClick(review.ok, Qt.MouseButton.LeftButton)  # nothing written yet: the opinion is required
    qtbot.waitUntil(lambda: review.errors.message("opinion") == "请填写意见")
    ime_type(review.opinion, "经审查，申请材料齐全，符合法定条件、标准，建议准予许可")
    ime_type(review.content, "经营项目：预包装食品销售（含冷藏冷冻食品）、热食类食品制售")
    ime_type(review.validity, "2026年11月20日至2031年11月19日")
    qtbot.mouseClick(review.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: case_row(ctx, case_id).state == "awaiting_signoff")
    qtbot.waitUntil(lambda: not review.isVisible())
    assert "已报首席代表签批" in desk.status.text()

    # 一核: 周建华 signs it off; the custodian (also 周建华) types the password into the password dialog.
    chief = _view(qtbot, ctx, CHIEF)
    prefs = Preferences(demo=True)
    prefs.set("printing/a4_printer", queue.queue)
    printer = DocumentPrinter(ctx, chief.actor, prefs, chief)
    printed: list[object] = []
    chief.completed.connect(lambda ids: printed.extend(printer.print_all(ids)))
    chief.tabs.setCurrentIndex(chief.tabs.count() - 1)
    row = chief.queue_model.rows[0]
    assert row.case_id == case_id and row.can_sign and row.reviewer_name == "王䶮"
    chief.queue.selectRow(0)
    qtbot.mouseClick(chief.sign_button, Qt.MouseButton.LeftButton)
    sign = chief.dialog
    assert sign is not None
    qtbot.waitExposed(sign)
    assert sign.opinion.toPlainText() == "同意" and "热食类食品制售" in sign.content.toPlainText()
    qtbot.mouseClick(sign.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chief.password is not None and chief.password.isVisible())
    password = chief.password
    assert password is not None and "周建华" in password.findChild(type(password.error), "custodianInfo").text()
    qtbot.keyClicks(password.password, "wrong-password")
    qtbot.keyClick(password.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: password.error.text() == "印章保管人密码不正确", timeout=10_000)
    assert case_row(ctx, case_id).state == "awaiting_signoff" and password.isVisible()
    password.password.clear()
    before = {p.name for p in queue.out_dir.glob("*.pdf")}
    qtbot.keyClicks(password.password, DEMO_PASSWORD)
    qtbot.keyClick(password.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(printed), timeout=60_000)

    assert all(r is not None and r.ok for r in printed), printed  # type: ignore[attr-defined]
    assert not sign.isVisible() and not password.isVisible()
    case = case_row(ctx, case_id)
    assert case.state == "approved" and case.approver_id == chief.actor.staff_id
    assert "准予许可" in chief.status.text()
    qtbot.waitUntil(lambda: chief.queue_model.rows == [], timeout=20_000)  # reloaded off the UI thread
    decision = documents(ctx, case_id, "approval_decision")[0]
    assert decision.sealed and "准予行政许可决定书" in pdf_text(ctx.data.root / decision.path)
    with ctx.read() as s:
        jobs = s.execute(select(PrintJob).where(PrintJob.document_id == decision.id)).scalars().all()
    assert [(j.result, j.copy) for j in jobs] == [("ok", False)]
    [out] = _new_pdfs(queue, before, 1)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info) and "A4" in info
    # The seal came out on paper: about as much seal red as the stored, signed file has (blank paper has none).
    stored = _red_pixels(ctx.data.root / decision.path, tmp_path)
    assert stored > 50 and _red_pixels(out, tmp_path) > stored // 2


def test_records_window_shows_register_custody_and_chain_status(qtbot: QtBot, ctx: AppContext,
                                                                 tmp_path: Path, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from ui.records.records_dialog import RecordsDialog

    start(ctx)
    accepted(ctx)
    chief = who(ctx, CHIEF)
    dialog = RecordsDialog(ctx, chief, Preferences(demo=True))
    qtbot.addWidget(dialog)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["用印登记", "印章与用印授权", "审计日志"]
    register = dialog.register
    assert [r.requested_by for r in register.model.rows] == ["王䶮"]
    qtmodeltester.check(register.model)
    ime_type(register.person, "周建华")
    qtbot.mouseClick(register.search, Qt.MouseButton.LeftButton)
    assert len(register.model.rows) == 1  # 周建华 authorised it under the standing authorisation
    assert register.export_to(tmp_path / "register.xlsx") == 1 and (tmp_path / "register.xlsx").exists()
    audit = dialog.audit
    qtmodeltester.check(audit.model)
    assert audit.chain.text().startswith("✔") and any(r.action == "seal_use" for r in audit.model.rows)
    ime_type(audit.person, "王䶮")
    audit.refresh()
    assert {r.staff_name for r in audit.model.rows} == {"王䶮"}
    with ctx.write() as s:
        s.execute(text("UPDATE audit_log SET target = 'forged' WHERE action = 'seal_use'"))
    qtbot.mouseClick(dialog.findChild(type(register.search), "verifyChain"), Qt.MouseButton.LeftButton)
    assert audit.chain.text().startswith("✘") and "被改动" in audit.chain.text()
    custody = dialog.custody
    assert custody.seal_table.rowCount() == 2 and custody.auth_table.rowCount() == 3


def test_admin_changes_seal_status_from_the_records_window(qtbot: QtBot, ctx: AppContext) -> None:
    from ui.records.records_dialog import RecordsDialog

    start(ctx)
    dialog = RecordsDialog(ctx, who(ctx, "chensiyuan"), Preferences(demo=True))
    qtbot.addWidget(dialog)
    custody = dialog.custody
    assert custody.seal_table.rowCount() == 8
    custody.seal_table.selectRow(0)
    qtbot.mouseClick(dialog.findChild(type(dialog.register.search), "revokeSeal"), Qt.MouseButton.LeftButton)
    assert custody.status.text() == "请填写原因（如：机构调整、印章更换、遗失情况）"
    ime_type(custody.reason, "机构调整，印章更换")
    qtbot.mouseClick(dialog.findChild(type(dialog.register.search), "revokeSeal"), Qt.MouseButton.LeftButton)
    assert custody.seal_table.item(0, 4).text() == "已撤销"


def test_main_window_offers_the_signoff_page_and_the_records(qtbot: QtBot, ctx: AppContext) -> None:
    from ui.system.main_window import MainWindow

    start(ctx)
    for username, records in (("wangyan", False), (CHIEF, True), ("chensiyuan", True)):
        win = MainWindow(ctx, who(ctx, username), hall_info(ctx))
        qtbot.addWidget(win)
        win.show_section("signoff")
        assert win.pages.currentWidget() is win.signoff
        actions = [a.text() for m in win.menuBar().actions() for a in m.menu().actions()]
        assert ("用印登记与审计日志…" in actions) is records
