"""Printing PDF documents through Qt: pypdfium2 renders page images, QPainter puts them on a QPrinter."""

from __future__ import annotations

import ctypes
import importlib
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPageLayout, QPageSize, QPainter, QPen
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from app.core.paths import resources_dir


class _Imported:  # a module imported at first use: pypdfium2 and its library (10 MiB) when something is printed
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


pdfium = _Imported("pypdfium2")
pdfium_c = _Imported("pypdfium2.raw")

Paper = Literal["A4", "roll80"]
PAPERS: dict[Paper, str] = {"A4": "A4 纸", "roll80": "80 mm 热敏卷纸"}

ROLL_WIDTH_MM = 80.0
# The roll's height is replaced per page while printing; this only gives dialogs a sane first value.
ROLL_DEFAULT_HEIGHT_MM = 200.0
# Printers report up to 2400 dpi; an A4 RGB page is already 100 MB at 600 dpi and no laser or
# thermal printer in the hall resolves more, so the rendering is capped and scaled up by Qt.
MAX_RENDER_DPI = 600
MM_PER_INCH = 25.4
COPY_MARK_TEXT = "副本"
COPY_MARK_RED = QColor(200, 0, 0)
_MARK_FONT_FAMILIES = ("WenQuanYi Micro Hei", "AR PL UMing CN", "Microsoft YaHei", "SimSun")
_MARK_FONT_FILES = ("wqy-microhei.ttc", "uming.ttc")

# PDFium is not thread-safe: every call into it, from any thread, goes through this lock.
# Reentrant, so a page generator finalised while its own thread holds the lock cannot deadlock.
PDFIUM_LOCK = threading.RLock()


@dataclass(frozen=True)
class PrintResult:
    ok: bool
    pages: int
    message: str


@dataclass(frozen=True)
class PrinterChoice:
    """A printer as saved in the preferences: its CUPS/Windows name ("" = default) and the paper."""

    name: str = ""
    paper: Paper = "A4"

    def printer(self) -> QPrinter:
        return printer_for(self.name, self.paper)

    @property
    def label(self) -> str:
        return f"{self.name or '默认打印机'}（{PAPERS[self.paper]}）"


class ChosenPrinter(QPrinter):
    """A QPrinter that remembers the name asked for.

    Qt silently falls back to another printer when setPrinterName gets an unknown name; printing a
    licence on the wrong window's printer is worse than an error, so print_pdf checks this name.
    """

    def __init__(self, requested: str, paper: Paper, info: QPrinterInfo) -> None:
        super().__init__(info, QPrinter.PrinterMode.HighResolution)
        self.requested = requested
        self.paper = paper


def available_printers() -> list[str]:
    """Names of the printers the system (CUPS or Windows spooler) offers, default printer first."""
    names = list(QPrinterInfo.availablePrinterNames())
    default = QPrinterInfo.defaultPrinterName()
    if default in names:
        names.remove(default)
        names.insert(0, default)
    return names


def printer_for(name: str, paper: Paper) -> QPrinter:
    """A high-resolution QPrinter for `name` ("" = the default printer) set up for `paper`."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    requested = name or QPrinterInfo.defaultPrinterName()
    info = QPrinterInfo.printerInfo(requested) if requested else QPrinterInfo()
    printer = ChosenPrinter(requested, paper, info)
    # Full page, no margins: documents carry their own margins, and printing at 100 % keeps
    # barcode modules a whole number of printer dots (DESIGN §4); the printer clips what it can't reach.
    printer.setFullPage(True)
    if paper == "roll80":
        printer.setPageSize(_roll_size(ROLL_DEFAULT_HEIGHT_MM))
    else:
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    return printer


def is_roll(printer: QPrinter) -> bool:
    """True for an 80 mm roll: a custom page size 80 mm wide."""
    if isinstance(printer, ChosenPrinter):
        return printer.paper == "roll80"
    size = printer.pageLayout().pageSize()
    return (size.id() == QPageSize.PageSizeId.Custom
            and abs(size.size(QPageSize.Unit.Millimeter).width() - ROLL_WIDTH_MM) < 0.5)


def render_dpi(printer: QPrinter) -> int:
    """The resolution to render pages at for this printer (its own, capped at MAX_RENDER_DPI)."""
    return max(72, min(printer.resolution(), MAX_RENDER_DPI))


def page_count(pdf: bytes) -> int:
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(pdf)
        try:
            return len(doc)
        finally:
            doc.close()


def render_pages(pdf: bytes, dpi: int) -> Iterator[QImage]:
    """Each page as an opaque white-backed RGB QImage at `dpi`; plain code, safe off the UI thread.

    PDFium draws straight into the QImage's own pixel buffer (same byte order, Qt's padded
    stride), so no copy is made between the renderer and Qt.
    """
    scale = dpi / 72
    dots_per_metre = round(dpi / MM_PER_INCH * 1000)
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(pdf)
        count = len(doc)
    try:
        for index in range(count):
            holder: list[QImage] = []

            def into_qimage(width: int, height: int, format: int, rev_byteorder: bool = False,
                            _holder: list[QImage] = holder) -> pdfium.PdfBitmap:
                # 3-byte BGR from PDFium is byte for byte Qt's Format_BGR888: no alpha channel,
                # so thermal drivers see black on white rather than black on transparent.
                image = QImage(width, height, QImage.Format.Format_BGR888)
                _holder.append(image)
                stride = image.bytesPerLine()
                buffer = (ctypes.c_ubyte * (stride * height)).from_buffer(image.bits())
                return pdfium.PdfBitmap.new_native(width, height, format, rev_byteorder, buffer, stride)

            with PDFIUM_LOCK:
                page = doc[index]
                try:
                    # No form layer: the seal and signature appearance are page content (DESIGN §4).
                    bitmap = page.render(scale=scale, bitmap_maker=into_qimage,
                                         force_bitmap_format=pdfium_c.FPDFBitmap_BGR,
                                         fill_color=(255, 255, 255, 255), may_draw_forms=False,
                                         optimize_mode="print")
                    bitmap.close()  # releases PDFium's handle only; the pixels belong to the QImage
                finally:
                    page.close()
            image = holder[0]
            image.setDotsPerMeterX(dots_per_metre)
            image.setDotsPerMeterY(dots_per_metre)
            yield image
    finally:
        with PDFIUM_LOCK:
            doc.close()


def render_all(pdf: bytes, dpi: int, *, report: Callable[..., None] | None = None,
               cancel: threading.Event | None = None) -> list[QImage]:
    """All page images, for a worker (ui.widgets.tasks.TaskRunner calls it with report= and cancel=)."""
    total = page_count(pdf)
    images: list[QImage] = []
    for image in render_pages(pdf, dpi):
        if cancel is not None and cancel.is_set():
            break
        images.append(image)
        if report is not None:
            report(len(images), total, f"正在准备第 {len(images)} / {total} 页…")
    return images


def printer_problem(printer: QPrinter) -> str | None:
    """Why this printer cannot print now (Chinese), or None when it looks usable."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return None if printer.outputFileName() else "没有指定输出文件"
    requested = printer.requested if isinstance(printer, ChosenPrinter) else printer.printerName()
    if not requested:
        return "系统中没有设置默认打印机"
    info = QPrinterInfo.printerInfo(requested)
    if info.isNull() or printer.printerName() != requested:
        return "系统中找不到这台打印机"
    if info.state() == QPrinter.PrinterState.Error:
        return "打印机已暂停或处于错误状态"
    return None


def printer_label(printer: QPrinter) -> str:
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return printer.outputFileName()
    requested = printer.requested if isinstance(printer, ChosenPrinter) else printer.printerName()
    return requested or "默认打印机"


def failure_message(printer: QPrinter, reason: str) -> str:
    return f"打印机“{printer_label(printer)}”不可用：{reason}，请检查后重试"


def print_pdf(pdf: bytes, printer: QPrinter, *, copy_mark: bool | str = False,
              progress: Callable[[int, int], None] | None = None) -> PrintResult:
    """Print a PDF in one go (render and paint page by page); printer trouble comes back as a result."""
    problem = printer_problem(printer)
    if problem:
        return PrintResult(False, 0, failure_message(printer, problem))
    try:
        total = page_count(pdf)
    except pdfium.PdfiumError as exc:
        return PrintResult(False, 0, f"文件无法读取，未打印：{exc}")
    # closing(): a job that stops early (printer refused the first page) releases the document now.
    with closing(render_pages(pdf, render_dpi(printer))) as pages:
        return paint_pages(pages, printer, copy_mark=copy_mark, progress=progress, total=total)


def paint_pages(pages: Iterable[QImage], printer: QPrinter, *, copy_mark: bool | str = False,
                progress: Callable[[int, int], None] | None = None,
                total: int | None = None) -> PrintResult:
    """Paint page images on the printer (GUI thread): the quick step after render_pages/render_all."""
    if total is None and isinstance(pages, list | tuple):
        total = len(pages)
    problem = printer_problem(printer)
    if problem:
        return PrintResult(False, 0, failure_message(printer, problem))
    roll = is_roll(printer)
    painter = QPainter()
    done = 0
    try:
        for image in pages:
            # Page geometry follows each page, so it is set before begin() and before each newPage().
            _fit_paper(printer, image, roll)
            if done == 0:
                if not painter.begin(printer):
                    return PrintResult(False, 0, failure_message(printer, "无法开始打印作业"))
            elif not printer.newPage():
                printer.abort()
                return PrintResult(False, done, failure_message(printer, "无法换页"))
            _paint_page(painter, printer, image, copy_mark)
            done += 1
            if progress is not None:
                progress(done, total if total is not None else done)
    except pdfium.PdfiumError as exc:
        if painter.isActive():
            printer.abort()
        return PrintResult(False, 0, f"文件无法读取，未打印：{exc}")
    finally:
        if painter.isActive():
            painter.end()  # closes the job; for CUPS this is when the job is handed to the spooler
    if done == 0:
        return PrintResult(False, 0, "文件没有可打印的页面")
    if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        return PrintResult(False, done, failure_message(printer, "打印作业没有被打印机接受"))
    return PrintResult(True, done, f"已将 {done} 页送到打印机“{printer_label(printer)}”")


def _roll_size(height_mm: float) -> QPageSize:
    # ExactMatch: otherwise Qt snaps a near-standard size (e.g. 80 × 125 mm) to a named paper.
    return QPageSize(QSizeF(ROLL_WIDTH_MM, height_mm), QPageSize.Unit.Millimeter, "80mm 卷纸",
                     QPageSize.SizeMatchPolicy.ExactMatch)


def _image_size_mm(image: QImage) -> QSizeF:
    dpm = image.dotsPerMeterX() or round(72 / MM_PER_INCH * 1000)
    return QSizeF(image.width() / dpm * 1000, image.height() / dpm * 1000)


def _fit_paper(printer: QPrinter, image: QImage, roll: bool) -> None:
    size = _image_size_mm(image)
    if roll:
        # The roll is cut where the page ends: page height follows the document page, scaled
        # down with its width when the document is wider than the roll.
        shrink = min(1.0, ROLL_WIDTH_MM / size.width())
        printer.setPageSize(_roll_size(round(size.height() * shrink, 2)))
    else:
        # A landscape page is turned with the paper rather than shrunk onto a portrait sheet.
        landscape = size.width() > size.height()
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                   else QPageLayout.Orientation.Portrait)


BAND_ROWS = 96  # rows of the page image painted per call (about 8 mm of an A4 page at 300 dpi)


def _paint_page(painter: QPainter, printer: QPrinter, image: QImage, copy_mark: bool | str) -> None:
    paper = printer.pageLayout().fullRectPixels(printer.resolution())
    area = QRectF(0, 0, paper.width(), paper.height())
    target = fit_rect(image, area, printer.resolution())
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, target.size() != image.size())
    # Qt's PDF/CUPS engine would store the page as JPEG: ringing around text, bars and the seal.
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering, True)
    # In bands, not in one call: a whole 300 dpi A4 page is one C++ call of 0.3–1.7 s that holds
    # Python's lock, so even painted off the UI thread it froze the window. Between bands the UI
    # thread gets its turn (each band a few tens of milliseconds).
    rows, scale = image.height(), target.height() / max(1, image.height())
    for top in range(0, rows, BAND_ROWS):
        bottom = min(rows, top + BAND_ROWS)
        y0, y1 = round(top * scale), round(bottom * scale)  # whole device pixels: no seam between bands
        painter.drawImage(QRectF(target.left(), target.top() + y0, target.width(), y1 - y0), image,
                          QRectF(0, top, image.width(), bottom - top))
    if copy_mark:
        draw_copy_mark(painter, target, printer.resolution(), mark_text(copy_mark))


def fit_rect(image: QImage, area: QRectF, device_dpi: float) -> QRectF:
    """Where the page image goes in `area` (device pixels): at 100 % if it fits, else shrunk keeping
    its aspect ratio; centred across, top aligned (receipts hang from the top of the roll)."""
    size_mm = _image_size_mm(image)
    width = size_mm.width() / MM_PER_INCH * device_dpi
    height = size_mm.height() / MM_PER_INCH * device_dpi
    scale = min(1.0, area.width() / width, area.height() / height)
    # Rounding the page up to whole pixels can overflow the paper by a pixel; that is no reason to
    # rescale (a 99.9 % print would blur barcode modules), the printer clips the sliver.
    if scale > 0.995:
        scale = 1.0
    width, height = width * scale, height * scale
    return QRectF(area.left() + max(0.0, (area.width() - width) / 2), area.top(), width, height)


@cache
def _mark_font_families() -> tuple[str, ...]:
    # The stamp must not print as tofu on a bare machine: fall back to the shipped fonts.
    present = set(QFontDatabase.families())
    families = [f for f in _MARK_FONT_FAMILIES if f in present]
    if not families:
        for name in _MARK_FONT_FILES:
            path = resources_dir() / "fonts" / name
            if path.exists():
                families += QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(path)))
    return tuple(families)


def copy_mark_rect(page: QRectF, dpi: float) -> QRectF:
    """The 副本 stamp's box: top-right corner of the page, about 30 × 13 mm (smaller on a roll)."""
    mm = dpi / MM_PER_INCH
    width = min(30 * mm, page.width() * 0.36)
    height = width * 0.42
    inset = min(8 * mm, page.width() * 0.05)
    return QRectF(page.right() - inset - width, page.top() + inset, width, height)


def mark_text(copy_mark: bool | str) -> str:
    """`copy_mark` is True for the usual 副本, or the words to stamp (a certificate's own 副本 is a
    document in its own right, so its reprints say 补打)."""
    return copy_mark if isinstance(copy_mark, str) else COPY_MARK_TEXT


def draw_copy_mark(painter: QPainter, page: QRectF, dpi: float, text: str = COPY_MARK_TEXT) -> None:
    """A red boxed 副本 in the page's top-right corner; drawn over the page, never into the stored PDF."""
    box = copy_mark_rect(page, dpi)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(COPY_MARK_RED)
    pen.setWidthF(max(1.0, 0.6 * dpi / MM_PER_INCH))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inner = box.adjusted(pen.widthF() / 2, pen.widthF() / 2, -pen.widthF() / 2, -pen.widthF() / 2)
    painter.drawRect(inner)
    font = QFont()
    font.setFamilies(list(_mark_font_families()))
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 120)
    font.setPixelSize(max(8, round(box.height() * 0.62)))
    painter.setFont(font)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def preview_image(image: QImage, copy_mark: bool | str) -> QImage:
    """A page image as it will come out of the printer (the 副本 stamp painted on a copy)."""
    if not copy_mark:
        return image
    marked = image.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(marked)
    dpi = marked.dotsPerMeterX() / 1000 * MM_PER_INCH
    draw_copy_mark(painter, QRectF(QPointF(0, 0), QSizeF(marked.size())), dpi, mark_text(copy_mark))
    painter.end()
    return marked
