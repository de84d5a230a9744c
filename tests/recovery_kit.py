"""Printing the recovery key sheet from its dialog into a file, through the real printing path."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from ui.printing.recovery_key_dialog import RecoveryKeyDialog

WAIT = 30_000


def print_to_file(dialog: RecoveryKeyDialog, out: Path) -> str:
    """打印 through the real printing path (pages rendered and painted on a QPrinter) into a PDF file;
    pdfinfo's report of what came out."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    dialog.set_printer(printer)
    dialog.print_button.click()
    QtBot(dialog).waitUntil(lambda: dialog.printed or "重试" in dialog.status.text(), timeout=WAIT)
    assert dialog.printed, dialog.status.text()
    return subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
