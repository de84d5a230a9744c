"""Printing for real: PDF pages rendered, painted on a QPrinter, spooled by CUPS to cups-pdf, read back."""

from __future__ import annotations

import hashlib
import io
import math
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QRectF, QThreadPool, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from tests import cups_printer
from tests.cups_printer import CupsPdfPrinter
from ui.printing.dialogs import PrintFailureBox, PrintPreviewDialog, print_with_retry
from ui.printing.printers import (
    ChosenPrinter,
    Paper,
    PrinterChoice,
    PrintResult,
    available_printers,
    copy_mark_rect,
    is_roll,
    print_pdf,
    printer_for,
    render_all,
    render_pages,
)

MARKER = "ONEWINDOW-PRINT-TEST-12345"
BARCODE = "OW-PRINT-12345"
# Where page 1 puts things, in points from the page's top-left corner (x0, y0, x1, y1).
TEXT_BOX = (60, 122, 540, 152)
BARCODE_BOX = (60, 170, 300, 220)
BLANK_BOX = (60, 440, 540, 740)
A4_HEIGHT_PT = 841.8898
CHECK_DPI = 50


def _test_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica-Bold", 26)
    c.drawString(TEXT_BOX[0], A4_HEIGHT_PT - TEXT_BOX[3] + 4, MARKER)
    # 0.75 pt modules ≈ 6 dots at 600 dpi: scannable after the trip through CUPS and ghostscript.
    code128.Code128(BARCODE, barWidth=0.75, barHeight=50, quiet=False).drawOn(
        c, BARCODE_BOX[0], A4_HEIGHT_PT - BARCODE_BOX[3])
    c.showPage()
    c.setFont("Helvetica-Bold", 26)
    c.drawString(60, 700, "PAGE-2")
    c.showPage()
    c.save()
    return buf.getvalue()


def _receipt_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(80 * mm, 120 * mm))
    c.setFont("Helvetica-Bold", 14)
    c.drawString(6 * mm, 105 * mm, "RECEIPT-42")
    c.rect(3 * mm, 3 * mm, 74 * mm, 114 * mm)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="session")
def cups_pdf(qapp: QApplication) -> Iterator[CupsPdfPrinter]:
    with cups_printer.cups_pdf_queue() as printer:
        yield printer


def _title(kind: str) -> str:
    # cups-pdf names the output after the job title; a fresh one per job finds exactly our file.
    return f"ow-{kind}-{uuid.uuid4().hex[:8]}"


def _pages(pdf: Path, dpi: int, gray: bool = True) -> list[Image.Image]:
    prefix = pdf.with_name(f"{pdf.stem}-{dpi}-{'gray' if gray else 'rgb'}")
    args = ["pdftoppm", "-r", str(dpi), *(["-gray"] if gray else []), str(pdf), str(prefix)]
    subprocess.run(args, check=True, capture_output=True)
    return [Image.open(p).copy() for p in sorted(pdf.parent.glob(f"{prefix.name}-*.{'pgm' if gray else 'ppm'}"))]


def _dark_fraction(page: Image.Image, box_pt: tuple[float, float, float, float], dpi: int) -> float:
    crop = page.convert("L").crop(tuple(round(v * dpi / 72) for v in box_pt))
    dark = sum(1 for v in crop.tobytes() if v < 128)
    return dark / (crop.width * crop.height)


def _ink(page: Image.Image) -> int:
    return sum(1 for v in page.convert("L").tobytes() if v < 128)


def _ink_box(page: Image.Image) -> tuple[int, int, int, int]:
    box = page.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None, "blank page"
    return box


def _red_pixels(page: Image.Image, box_pt: tuple[float, float, float, float] | None, dpi: int) -> int:
    rgb = page.convert("RGB")
    if box_pt is not None:
        rgb = rgb.crop(tuple(round(v * dpi / 72) for v in box_pt))
    data = rgb.tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i] > 150 and data[i + 1] < 110 and data[i + 2] < 110)


def _print_and_fetch(cups_pdf: CupsPdfPrinter, pdf: bytes, paper: Paper, kind: str, *,
                     copy_mark: bool = False) -> tuple[PrintResult, Path, list[tuple[int, int]]]:
    printer = printer_for(cups_pdf.queue, paper)
    title = _title(kind)
    printer.setDocName(title)
    steps: list[tuple[int, int]] = []
    result = print_pdf(pdf, printer, copy_mark=copy_mark, progress=lambda d, t: steps.append((d, t)))
    assert result.ok, result.message
    return result, cups_pdf.wait_for_output(title), steps


def test_render_pages_white_rgb_at_dpi() -> None:
    images = list(render_pages(_test_pdf(), 100))
    assert len(images) == 2
    first = images[0]
    assert not first.hasAlphaChannel() and first.format() == QImage.Format.Format_BGR888
    assert (first.width(), first.height()) == (math.ceil(595.2756 * 100 / 72), math.ceil(A4_HEIGHT_PT * 100 / 72))
    assert round(first.dotsPerMeterX() * 0.0254) == 100
    assert first.pixelColor(0, 0).name() == "#ffffff"  # white, not transparent black
    middle_of_text = round((TEXT_BOX[1] + TEXT_BOX[3]) / 2 * 100 / 72) + 5
    text = [first.pixelColor(x, middle_of_text).lightness() for x in range(90, 700)]
    assert min(text) < 60, "the marker text should be dark in the rendered page"


def test_rendering_runs_off_the_ui_thread(qapp: QApplication) -> None:
    """render_all is plain code: it runs in the thread pool, only painting needs the GUI thread."""
    done = threading.Event()
    seen: list[tuple[bool, list[QImage]]] = []

    def job() -> None:
        seen.append((threading.current_thread() is not threading.main_thread(), render_all(_test_pdf(), 72)))
        done.set()

    QThreadPool.globalInstance().start(job)
    assert done.wait(30)
    off_thread, images = seen[0]
    assert off_thread and len(images) == 2 and all(not i.isNull() for i in images)


def test_print_two_pages_to_cups_pdf(cups_pdf: CupsPdfPrinter) -> None:
    pdf = _test_pdf()
    before = hashlib.sha256(pdf).hexdigest()
    result, out, steps = _print_and_fetch(cups_pdf, pdf, "A4", "plain")
    assert (result.pages, steps) == (2, [(1, 2), (2, 2)])
    assert "OneWindowTestPDF" in result.message
    printed = _pages(out, CHECK_DPI)
    assert len(printed) == 2
    source_file = out.parent / "source.pdf"
    source_file.write_bytes(pdf)
    source = _pages(source_file, CHECK_DPI)
    # What was printed is where the document has it: dark text band, dark bars, white elsewhere.
    assert _dark_fraction(printed[0], TEXT_BOX, CHECK_DPI) > 0.15
    assert _dark_fraction(printed[0], BARCODE_BOX, CHECK_DPI) > 0.15
    assert _dark_fraction(printed[0], BLANK_BOX, CHECK_DPI) == 0
    for got, want in zip(printed, source, strict=True):
        # ghostscript rounds the page to whole points, so sizes and positions agree within a pixel
        # or two at this resolution (an overlap ratio would punish a one-pixel shift of thin bars).
        assert max(abs(g - w) for g, w in zip(got.size, want.size, strict=True)) <= 2
        assert max(abs(g - w) for g, w in zip(_ink_box(got), _ink_box(want), strict=True)) <= 2
        assert 0.7 < _ink(got) / _ink(want) < 1.4
    assert _red_pixels(_pages(out, CHECK_DPI, gray=False)[0], None, CHECK_DPI) == 0
    png = out.with_name(f"{out.stem}-scan")
    subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-singlefile", "-png", str(out), str(png)],
                   check=True)
    scan = subprocess.run(["zbarimg", "-q", "--raw", f"{png}.png"], capture_output=True, text=True)
    assert scan.stdout.strip() == BARCODE
    assert hashlib.sha256(pdf).hexdigest() == before


def test_copy_mark_printed_but_document_unchanged(cups_pdf: CupsPdfPrinter) -> None:
    pdf = _test_pdf()
    before = hashlib.sha256(pdf).hexdigest()
    result, out, _steps = _print_and_fetch(cups_pdf, pdf, "A4", "copy", copy_mark=True)
    assert result.ok and result.pages == 2
    pages = _pages(out, CHECK_DPI, gray=False)
    stamp = copy_mark_rect(QRectF(0, 0, 595.2756, A4_HEIGHT_PT), 72)
    stamp_box = (stamp.left(), stamp.top(), stamp.right(), stamp.bottom())
    for page in pages:
        assert _red_pixels(page, stamp_box, CHECK_DPI) > 40
        assert _red_pixels(page, BLANK_BOX, CHECK_DPI) == 0
    assert hashlib.sha256(pdf).hexdigest() == before


def test_roll80_page_follows_the_receipt(cups_pdf: CupsPdfPrinter) -> None:
    _result, out, _steps = _print_and_fetch(cups_pdf, _receipt_pdf(), "roll80", "roll")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:")).split()
    width_mm, height_mm = float(size[2]) / 72 * 25.4, float(size[4]) / 72 * 25.4
    assert abs(width_mm - 80) < 1 and abs(height_mm - 120) < 1
    page = _pages(out, CHECK_DPI)[0]
    assert _dark_fraction(page, (6 * mm, 8 * mm, 60 * mm, 16 * mm), CHECK_DPI) > 0.05


def test_paper_sizes(cups_pdf: CupsPdfPrinter) -> None:
    a4 = printer_for(cups_pdf.queue, "A4")
    layout = a4.pageLayout()
    assert a4.printerName() == cups_pdf.queue
    assert layout.pageSize().id() == QPageSize.PageSizeId.A4 and not is_roll(a4)
    assert layout.fullRect(QPageLayout.Unit.Millimeter).size().toSize().toTuple() == (210, 297)
    assert layout.margins(QPageLayout.Unit.Millimeter).isNull() and a4.fullPage()
    roll = printer_for(cups_pdf.queue, "roll80")
    size = roll.pageLayout().pageSize()
    assert is_roll(roll) and size.id() == QPageSize.PageSizeId.Custom
    assert round(size.size(QPageSize.Unit.Millimeter).width(), 1) == 80.0
    assert roll.pageLayout().margins(QPageLayout.Unit.Millimeter).isNull() and roll.fullPage()
    assert cups_pdf.queue in available_printers()
    choice = PrinterChoice(cups_pdf.queue, "roll80")
    assert is_roll(choice.printer()) and choice.label == f"{cups_pdf.queue}（80 mm 热敏卷纸）"
    default = printer_for("", "A4")
    assert isinstance(default, ChosenPrinter) and default.requested == QPrinterInfo.defaultPrinterName()


def test_missing_printer_is_a_result_not_an_exception(qapp: QApplication) -> None:
    result = print_pdf(_test_pdf(), printer_for("并不存在的打印机", "A4"))
    assert not result.ok and result.pages == 0
    assert result.message.startswith("打印机“并不存在的打印机”不可用：") and result.message.endswith("请检查后重试")


def test_stopped_queue_is_refused(cups_pdf: CupsPdfPrinter) -> None:
    with cups_printer.disabled(cups_pdf.queue):
        result = print_pdf(_test_pdf(), printer_for(cups_pdf.queue, "A4"))
    assert not result.ok and "暂停" in result.message and cups_pdf.queue in result.message


def test_painter_that_cannot_begin_is_a_result(qapp: QApplication, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "missing-folder" / "out.pdf"))
    result = print_pdf(_test_pdf(), printer)
    assert not result.ok and "无法开始打印作业" in result.message


def _click_later(qtbot: QtBot, label: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        next(b for b in box.buttons() if b.text() == label).click()

    QTimer.singleShot(0, click)


def test_failure_box_retry_calls_print_again(qtbot: QtBot) -> None:
    box = PrintFailureBox(PrintResult(False, 0, "打印机“X”不可用：缺纸，请检查后重试"))
    qtbot.addWidget(box)
    assert [b.text() for b in box.buttons()] == ["重试", "取消"] and "缺纸" in box.text()
    outcomes = iter([PrintResult(False, 0, "打印机“X”不可用：缺纸，请检查后重试"), PrintResult(True, 1, "好")])
    calls: list[int] = []

    def attempt() -> PrintResult:
        calls.append(1)
        if len(calls) == 1:
            _click_later(qtbot, "重试")
        return next(outcomes)

    assert print_with_retry(attempt).ok and len(calls) == 2
    _click_later(qtbot, "取消")
    failed = print_with_retry(lambda: PrintResult(False, 0, "打印机“X”不可用：缺纸，请检查后重试"))
    assert not failed.ok


def test_preview_dialog_prints_through_the_pool(qtbot: QtBot, cups_pdf: CupsPdfPrinter) -> None:
    printer = printer_for(cups_pdf.queue, "A4")
    title = _title("preview")
    printer.setDocName(title)
    dialog = PrintPreviewDialog(_test_pdf(), printer, copy_mark=True)
    qtbot.addWidget(dialog)
    assert len(dialog.page_labels) == 2 and "副本" in dialog.summary.text()
    assert (dialog.print_button.text(), dialog.cancel_button.text()) == ("打印", "取消")
    with qtbot.waitSignal(dialog.printed, timeout=60_000) as signal:
        dialog.print_button.click()
    assert signal.args[0].ok and signal.args[0].pages == 2
    assert len(_pages(cups_pdf.wait_for_output(title), CHECK_DPI)) == 2
