"""Print preview (pages as they will print, 打印 / 取消) and the print-failure box with 重试 / 取消."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui.printing.printers import (
    PAPERS,
    ChosenPrinter,
    PrintResult,
    failure_message,
    is_roll,
    paint_pages,
    preview_image,
    printer_label,
    printer_problem,
    render_all,
    render_dpi,
    render_pages,
)
from ui.widgets.tasks import TaskRunner

# Screen-ish resolution: a few pages render in milliseconds, so the preview is made on the spot.
PREVIEW_DPI = 96
PREVIEW_WIDTH_PX = 560


class PrintFailureBox(QMessageBox):
    """The printer's problem in Chinese, with 重试 (print again) and 取消."""

    def __init__(self, result: PrintResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("打印失败")
        self.setText(result.message)
        self.retry_button: QPushButton = self.addButton("重试", QMessageBox.ButtonRole.AcceptRole)
        self.cancel_button: QPushButton = self.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.retry_button)
        self.setEscapeButton(self.cancel_button)

    def wants_retry(self) -> bool:
        return self.clickedButton() is self.retry_button


def ask_retry(result: PrintResult, parent: QWidget | None = None) -> bool:
    """Show the failure box modally; True when the clerk chose 重试."""
    box = PrintFailureBox(result, parent)
    box.exec()
    return box.wants_retry()


def print_with_retry(attempt: Callable[[], PrintResult], parent: QWidget | None = None) -> PrintResult:
    """Run `attempt` (e.g. a print_pdf call) until it succeeds or the clerk gives up; last result back."""
    while True:
        result = attempt()
        if result.ok or not ask_retry(result, parent):
            return result


class PrintPreviewDialog(QDialog):
    """The pages as they will come out (副本 stamp included), printed on 打印.

    Printing renders the pages at the printer's resolution and paints them on the printer in the thread
    pool; a failure offers 重试 / 取消.
    """

    printed = Signal(object)  # PrintResult of a successful print

    def __init__(self, pdf: bytes, printer: QPrinter, *, copy_mark: bool | str = False,
                 title: str = "打印预览", parent: QWidget | None = None, print_label: str = "打印",
                 can_print: bool = True) -> None:
        super().__init__(parent)
        self.pdf, self.printer, self.copy_mark = pdf, printer, copy_mark
        self.last_result: PrintResult | None = None
        self._runner = TaskRunner(self)
        self._cancel: threading.Event | None = None
        self.setWindowTitle(title)

        self.pages = [preview_image(image, copy_mark) for image in render_pages(pdf, PREVIEW_DPI)]
        self.summary = QLabel(self._summary_text())
        self.page_labels: list[QLabel] = []
        column = QWidget()
        column_layout = QVBoxLayout(column)
        for image in self.pages:
            label = QLabel()
            label.setPixmap(_preview_pixmap(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setStyleSheet("background: white; border: 1px solid #999;")
            column_layout.addWidget(label)
            self.page_labels.append(label)
        column_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)

        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton(print_label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button = buttons.addButton("另存为 PDF", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self._ask_save)
        if not can_print:  # no printer here: the pages can still be looked at and saved
            self.print_button.setEnabled(False)
            self.print_button.setToolTip("本机未接打印机（见 系统 → 设置）；可另存为 PDF 后在别处打印")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.start_print)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(PREVIEW_WIDTH_PX + 80, 720)

    def save_as(self, path: str) -> None:
        """The document exactly as registered (signed, sealed): a byte copy, never re-rendered."""
        with open(path, "wb") as out:
            out.write(self.pdf)

    def _ask_save(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", f"{self.windowTitle()}.pdf", "PDF 文件 (*.pdf)")
        if path:
            self.save_as(path)

    def _summary_text(self) -> str:
        paper = (PAPERS[self.printer.paper] if isinstance(self.printer, ChosenPrinter)
                 else PAPERS["roll80"] if is_roll(self.printer) else PAPERS["A4"])
        parts = [f"打印机：{printer_label(self.printer)}", paper, f"共 {len(self.pages)} 页"]
        if self.copy_mark:
            parts.append("加印“副本”")
        return "　".join(parts)

    def start_print(self) -> None:
        """Render in the pool, then paint; a printer already known to be unusable fails at once."""
        while problem := printer_problem(self.printer):
            self.last_result = PrintResult(False, 0, failure_message(self.printer, problem))
            if not ask_retry(self.last_result, self):
                return
        self._set_busy(True)
        self._cancel = self._runner.run(self._render_and_paint, title="正在打印…", on_done=self._painted,
                                        on_error=self._render_failed)

    def _render_and_paint(self, *, report: Callable[..., None], cancel: threading.Event) -> PrintResult | None:
        """In the pool, both steps: QPainter may paint on a QPrinter off the GUI thread, and a 300 dpi
        A4 page takes ~0.3 s to paint, too long for the window to stand still."""
        images = render_all(self.pdf, render_dpi(self.printer), report=report, cancel=cancel)
        if cancel.is_set():
            return None  # the clerk cancelled while pages were prepared: print nothing
        return paint_pages(images, self.printer, copy_mark=self.copy_mark)

    def _painted(self, result: PrintResult | None) -> None:
        if result is None:
            self._set_busy(False)
            return
        self._finish(result)

    def _render_failed(self, exc: BaseException) -> None:
        self._finish(PrintResult(False, 0, f"文件无法读取，未打印：{exc}"))

    def _finish(self, result: PrintResult) -> None:
        self.last_result = result
        if result.ok:
            self.printed.emit(result)
            self.accept()
            return
        self._failed(result)

    def _failed(self, result: PrintResult) -> None:
        self.last_result = result
        self._set_busy(False)
        if ask_retry(result, self):
            self.start_print()

    def _set_busy(self, busy: bool) -> None:
        self.print_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)


def _preview_pixmap(image: QImage) -> QPixmap:
    # Receipts are narrow: only pages wider than the preview column are scaled down.
    if image.width() > PREVIEW_WIDTH_PX:
        image = image.scaledToWidth(PREVIEW_WIDTH_PX, Qt.TransformationMode.SmoothTransformation)
    return QPixmap.fromImage(image)
