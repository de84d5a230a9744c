"""Registered documents print for real to a CUPS PDF queue; the second print is a logged, audited 副本."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.core.context import AppContext
from app.intake.outcomes import accept_case
from db.models import AuditEntry, Document, PrintJob
from tests import cups_printer
from tests.cups_printer import CupsPdfPrinter
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.preferences import Preferences


@pytest.fixture(scope="module")
def queue(qapp: QApplication) -> Iterator[CupsPdfPrinter]:
    with cups_printer.cups_pdf_queue() as printer:
        yield printer


def _wait_new_pdfs(printer: CupsPdfPrinter, before: set[str], count: int) -> list[str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        new = sorted({p.name for p in printer.out_dir.glob("*.pdf")} - before)
        if len(new) >= count and not subprocess.run(["lpstat", "-o", printer.queue], capture_output=True,
                                                     text=True).stdout.strip():
            return new
        time.sleep(0.25)
    raise AssertionError("printed files did not appear")


def test_print_then_reprint_copy(queue: CupsPdfPrinter, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20))
    actor = clerk(ctx)
    result = accept_case(ctx, actor, complete(item_named(ctx, "食品经营许可")))
    prefs = Preferences(demo=True)
    prefs.set("printing/a4_printer", queue.queue)
    prefs.set("printing/receipt_printer", queue.queue)
    printer = DocumentPrinter(ctx, actor, prefs)
    before = {p.name for p in queue.out_dir.glob("*.pdf")}
    outcomes = printer.print_all(result.document_ids)
    assert all(o is not None and o.ok for o in outcomes), outcomes
    files = _wait_new_pdfs(queue, before, 2)
    for name in files:
        info = subprocess.run(["pdfinfo", str(queue.out_dir / name)], capture_output=True, text=True).stdout
        assert "Pages:" in info
    notice_id = next(d for d in result.document_ids)
    again = printer.print_document(notice_id)
    assert again is not None and again.ok
    with ctx.read() as s:
        jobs = s.execute(select(PrintJob).order_by(PrintJob.id)).scalars().all()
        doc = s.get(Document, notice_id)
        reprints = s.execute(select(AuditEntry).where(AuditEntry.action == "reprint")).scalars().all()
    assert [j.copy for j in jobs] == [False, False, True] and all(j.result == "ok" for j in jobs)
    assert doc.print_count == 2 and len(reprints) == 1 and doc.number in reprints[0].target
