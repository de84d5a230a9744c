"""终止办理告知书 from the 一件事 follow-up tab: as soon as the refused 前置 stops the parts waiting on it, one press
issues a notice per stopped part off the UI thread and prints each for real to a CUPS PDF queue; then the button
rests (a reprint is the case desk's), and the 统一出件 hands them over with the rest."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from bundle_kit import DENY, REGISTRATION, application, parts_of, window_clerk
from ow_testkit import at_local, clerk, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.bundles.bundle_intake import accept_bundle
from app.core.context import AppContext
from app.signoff.decisions import decide_single
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Document, PrintJob
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


def test_the_notices_print_as_soon_as_the_parts_stop(qtbot: QtBot, ctx: AppContext, queue: CupsPdfPrinter) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    bundle_id = accept_bundle(ctx, clerk(ctx), application(ctx)).bundle_id
    set_clock(ctx, at_local(2026, 11, 23, 10, 0))
    reg = parts_of(ctx, bundle_id)[REGISTRATION]
    decide_single(ctx, window_clerk(ctx, reg), reg.id, DENY, custodian_password=DEMO_PASSWORD)
    stopped = [c for c in parts_of(ctx, bundle_id).values() if c.state == "stopped"]
    prefs = Preferences(demo=True)
    prefs.set("printing/a4_printer", queue.queue)
    prefs.set("printing/receipt_printer", queue.queue)
    view = BundleFollowView(ctx, clerk(ctx), printer=DocumentPrinter(ctx, clerk(ctx), prefs))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitUntil(lambda: view.table.rowCount() == 1)
    view.table.setCurrentCell(0, 0)
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
