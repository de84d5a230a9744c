"""发证 page driven with pytest-qt: approval (review → chief's sign-off) → certificate sealed under the custodian's
password → printed for real to a CUPS PDF queue → handed over with a printed 送达回证; then void → reissue."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from ow_testkit import PERSON_ID, at_local, clerk, complete, item_named, set_clock
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.certificates.issuance import draft_for_case, issue_certificate
from app.core.auth import login
from app.core.context import AppContext
from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case, Certificate, PrintJob
from tests import cups_printer
from tests.cups_printer import CupsPdfPrinter
from ui.certificates.view import CertificateView
from ui.printing.document_actions import DocumentPrinter
from ui.widgets.preferences import Preferences


@pytest.fixture(scope="module")
def queue(qapp: QApplication) -> Iterator[CupsPdfPrinter]:
    with cups_printer.cups_pdf_queue() as printer:
        yield printer


def _approved(ctx: AppContext) -> str:
    """The real path: accepted at the counter, reviewed by the clerk, signed off by the chief representative."""
    result = accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))
    record_review(ctx, clerk(ctx), result.case_id,
                  DecisionInput("approve", "材料齐全，符合法定条件",
                                content="主体业态：餐饮服务经营者；经营项目：热食类食品制售；冷食类食品制售"))
    chief = login(ctx, "zhoujianhua", DEMO_PASSWORD)
    sign_off(ctx, chief, result.case_id, DecisionInput("approve", "同意"), custodian_password=DEMO_PASSWORD)
    return result.case_id


def _prefs(queue: CupsPdfPrinter) -> Preferences:
    prefs = Preferences(demo=True)
    prefs.set("printing/a4_printer", queue.queue)
    prefs.set("printing/receipt_printer", queue.queue)
    return prefs


def _pdfs(queue: CupsPdfPrinter) -> set[str]:
    return {p.name for p in queue.out_dir.glob("*.pdf")}


def _wait_new(queue: CupsPdfPrinter, before: set[str], count: int) -> list[str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        new = sorted(_pdfs(queue) - before)
        if len(new) >= count and not subprocess.run(["lpstat", "-o", queue.queue], capture_output=True,
                                                     text=True).stdout.strip():
            return new
        QApplication.processEvents()
        time.sleep(0.25)
    raise AssertionError(f"expected {count} printed files, got {sorted(_pdfs(queue) - before)}")


def _page_sizes(queue: CupsPdfPrinter, names: list[str]) -> list[str]:
    out = []
    for name in names:
        info = subprocess.run(["pdfinfo", str(queue.out_dir / name)], capture_output=True, text=True).stdout
        out.append(next(line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page size")))
    return out


def test_approval_certificate_print_handover(queue: CupsPdfPrinter, ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    case_id = _approved(ctx)
    actor = clerk(ctx)
    view = CertificateView(ctx, actor, DocumentPrinter(ctx, actor, _prefs(queue)))
    qtbot.addWidget(view)
    view.show()
    assert [(p.case_id, p.light) for p in view.pending.rows] == [(case_id, "green")]
    view.pending_table.selectRow(0)
    qtbot.mouseClick(view.issue_open, Qt.MouseButton.LeftButton)
    form = view.form
    assert form is not None and "2026-12-04" in form.findChild(type(view.queue_status), "issueHead").text()
    # what the signed decision licensed is shown, locked (issue #17, finding 1)
    scope = form.inputs["scope"]
    assert not scope.isEnabled() and scope.toPlainText() == "热食类食品制售；冷食类食品制售"
    form.password.setText("wrong-password")
    qtbot.mouseClick(form.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "密码不正确" in form.errors.message("custodian_password"), timeout=20_000)
    assert view.last_issued is None
    before = _pdfs(queue)
    form.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(form.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_issued is not None, timeout=30_000)
    info = view.last_issued
    assert info is not None and info.number.startswith("JY2330999")
    printed = _wait_new(queue, before, 2)
    # 正本 (landscape, turned with the paper by the driver) and 副本 (portrait): both on A4 sheets
    sizes = _page_sizes(queue, printed)
    assert len(sizes) == 2 and all("A4" in size for size in sizes), sizes
    assert view.pending.rows == []
    with ctx.read() as s:
        jobs = s.execute(select(PrintJob).where(PrintJob.document_id.in_(info.document_ids))).scalars().all()
    assert len(jobs) == 2 and all(j.result == "ok" and not j.copy for j in jobs)

    view.tabs.setCurrentIndex(1)
    view.select_certificate(info.id)
    view.deliver_selected()
    dialog = view.delivery_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.name.setText("王䶮")
    dialog.id_number.setText(PERSON_ID[:-1] + "0")  # wrong check character: refused at the field
    before = _pdfs(queue)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "校验" in dialog.errors.message("recipient_id_number") and dialog.isVisible()
    dialog.id_number.setText(PERSON_ID)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result_ is not None and not dialog.isVisible()
    _wait_new(queue, before, 1)  # the 送达回证
    with ctx.read() as s:
        assert s.get(Case, case_id).state == "delivered"
        assert s.get(Certificate, info.id).status == "delivered"
    assert [c.status for c in view.register.rows] == ["delivered"]


def test_void_then_reissue(queue: CupsPdfPrinter, ctx: AppContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    case_id = _approved(ctx)
    vals = {f.key: f.value for f in draft_for_case(ctx, clerk(ctx), case_id).fields}
    old = issue_certificate(ctx, clerk(ctx), case_id, vals, DEMO_PASSWORD)
    clerk_view = CertificateView(ctx, clerk(ctx))
    qtbot.addWidget(clerk_view)
    assert not clerk_view.findChild(type(clerk_view.issue_open), "voidCertificate").isEnabled()  # chief only
    chief = login(ctx, "zhoujianhua", DEMO_PASSWORD)
    view = CertificateView(ctx, chief, DocumentPrinter(ctx, chief, _prefs(queue)))
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentIndex(1)
    view.select_certificate(old.id)
    view.void_selected()
    dialog = view.reason_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no reason: refused at the field
    assert "作废原因" in dialog.errors.message("reason")
    dialog.reason.setPlainText("经营项目填写错误")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: {c.id: c.status for c in view.register.rows}[old.id] == "voided", timeout=20_000)

    view.select_certificate(old.id)
    view.reissue_selected()
    dialog = view.reason_dialog
    dialog.reason.setPlainText("更正经营项目后补发")
    dialog.password.setText("wrong-password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "密码不正确" in dialog.errors.message("custodian_password") and dialog.isVisible()
    before = _pdfs(queue)
    dialog.password.setText(DEMO_PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    new = view.last_issued
    assert new is not None and new.replaces_id == old.id and new.number != old.number
    _wait_new(queue, before, 2)
    rows = {c.number: c for c in view.register.rows}
    assert rows[old.number].status == "voided" and rows[new.number].replaces_number == old.number
