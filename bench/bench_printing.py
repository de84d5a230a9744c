"""Times of printing one A4 text page: PDFium rendering (worker) and QPainter on a PDF QPrinter (GUI)."""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def sample_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    for line in range(60):  # a full page of small text, like a decision letter
        c.drawString(60, 780 - line * 12, f"{line:02d} The quick brown fox jumps over the lazy dog. " * 2)
    c.showPage()
    c.save()
    return buf.getvalue()


def main() -> None:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from ui.printing.printers import paint_pages, render_all

    app = QApplication.instance() or QApplication([])
    pdf = sample_pdf()
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in (203, 300, 600):
            start = time.perf_counter()
            images = render_all(pdf, dpi)
            rendered = time.perf_counter()
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(Path(tmp) / f"out-{dpi}.pdf"))
            printer.setFullPage(True)
            assert paint_pages(images, printer).ok
            painted = time.perf_counter()
            # Qt's PDF engine (also behind CUPS) deflates every pixel: painting, not rendering, dominates.
            print(f"{dpi:>4} dpi   render {1000 * (rendered - start):7.1f} ms"
                  f"   paint {1000 * (painted - rendered):7.1f} ms")
    del app


if __name__ == "__main__":
    main()
