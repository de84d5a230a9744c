"""补正 and 统一出件 from the 一件事 follow-up tab.

统一出件: the button waits until every part is decided and certified (the line
says what is missing), then one dialog takes the recipient, refuses a wrong ID at its field, hands every part
over and prints one 送达回证 for real to a CUPS PDF queue.

终止办理告知书: as soon as a refused 前置 stops the parts waiting on it, the clerk prints their notices from here,
without waiting for the 统一出件."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_kit import DENY, REGISTRATION, SIGN, application, decide_all, parts_of, window_clerk
from ow_testkit import PERSON_ID, at_local, clerk, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.bundles.bundle_intake import PaperInput, accept_bundle, notify_bundle
from app.bundles.bundle_receipt import receive_bundle
from app.core.context import AppContext
from app.signoff.decisions import decide_single
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Attachment, Bundle, Delivery, Document, PrintJob
from tests import cups_printer
from tests.cups_printer import CupsPdfPrinter
from ui.bundles.follow_view import BundleFollowView
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.preferences import Preferences


@pytest.fixture(scope="module")
def queue(qapp: QApplication) -> Iterator[CupsPdfPrinter]:
    with cups_printer.cups_pdf_queue() as printer:
        yield printer


def _pdfs(queue: CupsPdfPrinter) -> set[str]:
    return {p.name for p in queue.out_dir.glob("*.pdf")}


def _view(qtbot: QtBot, ctx: AppContext, printer: DocumentPrinter | None) -> BundleFollowView:
    view = BundleFollowView(ctx, clerk(ctx), printer=printer)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1)
    view.table.setCurrentCell(0, 0)
    qtbot.waitUntil(lambda: view.readiness is not None, timeout=20_000)
    return view


def test_the_button_waits_for_every_part(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    decide_all(ctx, bundle_id, certify=False)  # decided, but the 食品经营许可证 not yet made
    view = _view(qtbot, ctx, None)
    assert not view.handover_button.isEnabled() and view.handover_button.isVisible()
    assert "待制证" in view.ready_line.text() and "食品经营许可" in view.ready_line.text()
    view.open_handover()  # pressed anyway (e.g. by its shortcut): nothing opens
    assert view.delivery_dialog is None


def test_one_handover_one_printed_proof(qtbot: QtBot, ctx: AppContext, queue: CupsPdfPrinter) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    set_clock(ctx, at_local(2026, 11, 24, 10, 0))
    decide_all(ctx, bundle_id, deny=SIGN)
    prefs = Preferences(demo=True)
    prefs.set("printing/a4_printer", queue.queue)
    prefs.set("printing/receipt_printer", queue.queue)
    view = _view(qtbot, ctx, DocumentPrinter(ctx, clerk(ctx), prefs))
    parts = parts_of(ctx, bundle_id)
    assert view.handover_button.isEnabled(), view.ready_line.text()
    assert view.ready_line.text().startswith(f"可以统一出件：{len(parts)} 个事项")  # the denial is handed over too
    qtbot.mouseClick(view.handover_button, Qt.MouseButton.LeftButton)
    dialog = view.delivery_dialog
    assert dialog is not None and dialog.isVisible()
    heading = dialog.findChild(type(view.ready_line), "deliveryHeading").text()
    assert "户外招牌设置审批" in heading and "不予行政许可决定书" in heading and "与申请人关系" in [
        form_label.text() for form_label in dialog.findChildren(type(view.ready_line))]
    dialog.name.setText("王䶮")
    dialog.id_number.setText(PERSON_ID[:-1] + "0")  # a wrong check character: refused at the field
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "校验" in dialog.errors.message("recipient_id_number") and dialog.isVisible()
    with ctx.read() as s:
        assert s.get(Bundle, bundle_id).state != "handed_over"  # type: ignore[union-attr]
    before = _pdfs(queue)
    dialog.id_number.setText(PERSON_ID)
    with qtbot.waitSignal(view.handed_over, timeout=30_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and "已统一出件" in view.ready_line.text()
    assert not view.handover_button.isEnabled()
    deadline = time.monotonic() + 90
    while len(_pdfs(queue) - before) < 1 and time.monotonic() < deadline:
        qtbot.wait(200)
    assert len(_pdfs(queue) - before) == 1  # one 送达回证 for the whole bundle
    with ctx.read() as s:
        assert s.get(Bundle, bundle_id).state == "handed_over"  # type: ignore[union-attr]
        proofs = set(s.execute(select(Delivery.proof_document_id)).scalars())
    assert len(proofs) == 1
    qtbot.waitUntil(lambda: view.table.rowCount() == 0)  # handed over: no longer on the follow-up list


def test_the_termination_notices_print_as_soon_as_the_parts_stop(qtbot: QtBot, ctx: AppContext,
                                                                 queue: CupsPdfPrinter) -> None:
    """终止办理告知书: one press issues a notice per stopped part off the UI thread and prints each; then the button
    rests (a reprint is the case desk's)."""
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    reg = parts_of(ctx, bundle_id)[REGISTRATION]
    decide_single(ctx, window_clerk(ctx, reg), reg.id, DENY, custodian_password=DEMO_PASSWORD)
    stopped = [c for c in parts_of(ctx, bundle_id).values() if c.state == "stopped"]
    prefs = Preferences(demo=True)
    prefs.set("printing/a4_printer", queue.queue)
    view = _view(qtbot, ctx, DocumentPrinter(ctx, clerk(ctx), prefs))
    qtbot.waitUntil(view.termination_button.isEnabled, timeout=20_000)
    assert view.termination_button.isVisible() and view.handover_button.isEnabled()  # the denial is ready too
    before = _pdfs(queue)
    with qtbot.waitSignal(view.terminated, timeout=30_000) as done:
        qtbot.mouseClick(view.termination_button, Qt.MouseButton.LeftButton)
    ids = done.args[0]
    assert len(ids) == len(stopped) == 3
    assert view.ready_line.text().startswith("已出具终止办理告知书 3 份，请交申请人签收")
    deadline = time.monotonic() + 90
    while len(_pdfs(queue) - before) < len(ids) and time.monotonic() < deadline:
        qtbot.wait(200)
    assert len(_pdfs(queue) - before) == len(ids)  # one printed notice per stopped part
    with ctx.read() as s:
        docs = [s.get(Document, i) for i in ids]
        jobs = s.execute(select(PrintJob.document_id, PrintJob.printer, PrintJob.result)).all()
    assert {d.case_id for d in docs if d} == {c.id for c in stopped}
    assert all(d is not None and d.kind == "termination_notice" and d.print_count == 1 for d in docs)
    assert sorted(j.document_id for j in jobs if j.document_id in ids) == sorted(ids)
    assert {(j.printer, j.result) for j in jobs if j.document_id in ids} == {(queue.queue, "ok")}
    # Read again: every stopped part has its notice now, so the button rests; pressed anyway, nothing is issued.
    qtbot.waitUntil(lambda: view.readiness is not None and not view.termination_button.isEnabled(), timeout=20_000)
    qtbot.waitUntil(lambda: view.ready_line.text().endswith("可以统一出件：4 个事项、4 件文书"), timeout=20_000)
    assert view.ready_line.text().startswith("已出具终止办理告知书 3 份")  # said until another bundle is chosen
    view.print_termination()
    qtbot.wait(300)
    with ctx.read() as s:
        assert len(s.execute(select(Document.id).where(Document.kind == "termination_notice")).all()) == 3


def test_supplement_from_the_follow_up_accepts_every_part(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    missing = "经营场所使用相关文件"  # needed by two parts; one line on the notice and on the 补正 form
    notified = notify_bundle(ctx, clerk(ctx), application(ctx, change={missing: PaperInput(missing, "missing")}))
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    view = _view(qtbot, ctx, None)
    assert not view.handover_button.isEnabled()
    qtbot.waitUntil(view.supplement_button.isEnabled)
    qtbot.mouseClick(view.supplement_button, Qt.MouseButton.LeftButton)
    dialog = view.supplement_dialog
    assert dialog is not None and dialog.isVisible() and len(dialog.choices) == 1
    line, combo = dialog.choices[0]
    assert line.name == missing
    dialog.run()  # nothing marked as brought back: said in the dialog, nothing recorded
    assert dialog.isVisible() and "补回" in dialog.general.text()
    combo.setCurrentIndex(combo.findData("original"))
    with qtbot.waitSignal(view.supplemented, timeout=30_000) as done:
        dialog.run()
    assert done.args[0].state == "open" and not dialog.isVisible()
    assert "全部事项已受理" in view.ready_line.text()
    assert {c.state for c in parts_of(ctx, notified.bundle_id).values()} == {"accepted"}
    qtbot.waitUntil(lambda: view.progress is not None and view.progress.state == "open")
    assert not view.supplement_button.isEnabled()


def test_a_paper_scanned_once_is_beside_every_part_needing_it(qtbot: QtBot, ctx: AppContext,
                                                             tmp_path: Path) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    view = _view(qtbot, ctx, None)
    qtbot.waitUntil(view.scan_button.isEnabled)
    scan = tmp_path / "经营场所租赁合同.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    view.do_scan("经营场所使用相关文件", [str(scan)])
    assert view.ready_line.text() == "已附扫描件：1 份，附到 2 个事项"
    with ctx.read() as s:
        rows = s.execute(select(Attachment.case_id).where(Attachment.filename == scan.name)).scalars().all()
    parts = parts_of(ctx, result.bundle_id)
    assert sorted(rows) == sorted(parts[c].id for c in (REGISTRATION, SIGN))  # the two parts that ask for it
    view.do_scan("经营场所使用相关文件", [str(tmp_path / "missing.pdf")])  # a file gone meanwhile: said, no crash
    assert "missing.pdf" in view.ready_line.text() or "No such file" in view.ready_line.text()


def test_received_then_examined_from_the_follow_up(qtbot: QtBot, ctx: AppContext) -> None:
    """收件 at the counter, 审查收件… within five working days: one paper missing → one combined notice."""
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = receive_bundle(ctx, clerk(ctx), application(ctx))
    set_clock(ctx, at_local(2026, 11, 24, 10, 0))
    view = _view(qtbot, ctx, None)
    qtbot.waitUntil(view.examine_button.isEnabled)
    assert not view.supplement_button.isEnabled() and not view.handover_button.isEnabled()
    qtbot.mouseClick(view.examine_button, Qt.MouseButton.LeftButton)
    dialog = view.examine_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.papers.all_received()
    row = next(r for r in dialog.papers.rows if r.paper.key == "经营场所使用相关文件")
    row.status.setCurrentIndex(row.status.findData("missing"))
    dialog.decide("accept")  # not complete: said in the dialog, nothing recorded
    assert dialog.isVisible() and "一次性告知书" in dialog.general.text()
    with qtbot.waitSignal(view.supplemented, timeout=30_000) as done:
        dialog.decide("notify")
    assert done.args[0].state == "notified" and "一次性告知书" in view.ready_line.text()
    assert {c.state for c in parts_of(ctx, result.bundle_id).values()} == {"notified"}
    qtbot.waitUntil(view.supplement_button.isEnabled)  # next: 补正 when the applicant comes back
