"""Printing registered documents: the right printer and paper per kind, 副本 on reprints, every print logged."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.documents.data import CERTIFICATE_KINDS, DocKind
from app.records.doc_register import read_document, record_print
from app.reference.settings import BY_NAME
from ui.printing.dialogs import PrintPreviewDialog, print_with_retry
from ui.printing.printers import PrintResult, print_pdf, printer_for, printer_label
from ui.widgets.preferences import Preferences
from ui.widgets.tasks import off_ui_thread


def printer_choice(prefs: Preferences, kind: str) -> tuple[str, str]:
    """(printer name, paper) for a document kind, set once in settings.

    A kind without its own printer uses the receipt printer (80 mm roll) or the A4 printer.
    """
    paper = prefs.get(f"printing/paper/{kind}") if f"printing/paper/{kind}" in BY_NAME else "A4"
    own = prefs.get(f"printing/kind/{kind}") if f"printing/kind/{kind}" in BY_NAME else ""
    if own:
        return own, paper
    fallback = "printing/receipt_printer" if kind == DocKind.RECEIPT or paper == "roll80" else "printing/a4_printer"
    return prefs.get(fallback), paper


NO_PRINTER = "本机未接打印机：{what}已保存，未打印。需要时在“办件 → 文书”中打开，打印或另存为 PDF。"


class DocumentPrinter:
    """Prints stored documents exactly as registered; a reprint carries 副本 and is audited.

    Without a printer (none set up, or 不接打印机 chosen) nothing is tried and no dialog appears: one line
    in the status bar says the documents are kept and where to find them.
    """

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, parent: QWidget | None = None,
                 status: Callable[[str], None] | None = None) -> None:
        self.ctx, self.actor, self.prefs, self.parent = ctx, actor, prefs, parent
        self.status = status or (lambda _message: None)
        self.last_status = ""
        self._kept: list[str] = []  # documents not printed for want of a printer, for one status line

    def has_printer(self, name: str) -> bool:
        """A printer chosen by name, or the system's default one — unless this workstation has none."""
        if self.prefs.get("printing/no_printer"):
            return False
        return bool(name) or bool(QPrinterInfo.defaultPrinterName())

    def _say(self, message: str) -> None:
        self.last_status = message
        self.status(message)

    def print_document(self, document_id: str, *, preview: bool = False) -> PrintResult | None:
        try:
            info, pdf = read_document(self.ctx, document_id)
        except AppError as exc:
            QMessageBox.warning(self.parent, "无法打印", exc.message)
            return None
        if info.void:
            QMessageBox.warning(self.parent, "无法打印", f"{info.title} {info.number} 已作废，不能打印")
            return None
        reprint = info.print_count > 0
        mark: bool | str = ("补打" if info.kind in CERTIFICATE_KINDS else True) if reprint else False
        if reprint and not may(self.actor, Action.REPRINT):
            QMessageBox.warning(self.parent, "无法打印", "您无权补打文书")
            return None
        name, paper = printer_choice(self.prefs, info.kind)
        if not preview and not self.has_printer(name):
            self._kept.append(f"{info.title} {info.number}")
            return None
        printer = printer_for(name, paper)  # type: ignore[arg-type]
        printer.setDocName(f"{info.title} {info.number}" + ("（副本）" if reprint else ""))
        if preview:
            dialog = PrintPreviewDialog(pdf, printer, copy_mark=mark, parent=self.parent)  # type: ignore[arg-type]
            results: list[PrintResult] = []
            dialog.printed.connect(results.append)
            dialog.exec()
            if not results:
                return None
            result = results[-1]
        else:
            # Rendering and painting (300 dpi A4: ~0.3 s a page) run in the pool; QPainter on a QPrinter
            # is allowed off the GUI thread, and the window keeps answering meanwhile.
            result = print_with_retry(lambda: off_ui_thread(lambda: print_pdf(pdf, printer, copy_mark=mark)),
                                      self.parent)
        record_print(self.ctx, self.actor, document_id, printer_label(printer), result.ok, result.message)
        return result

    def print_all(self, document_ids: Iterable[str]) -> list[PrintResult | None]:
        self._kept = []
        results = [self.print_document(d) for d in document_ids]
        if self._kept:
            self._say(NO_PRINTER.format(what="、".join(self._kept)))
        return results

    def open_document(self, document_id: str) -> PrintPreviewDialog | None:
        """打开: the pages on screen, with 打印（正本）or 补打（副本）and 另存为 PDF; not modal."""
        try:
            info, pdf = read_document(self.ctx, document_id)
        except AppError as exc:
            QMessageBox.warning(self.parent, "无法打开文书", exc.message)
            return None
        reprint = info.print_count > 0
        mark: bool | str = ("补打" if info.kind in CERTIFICATE_KINDS else True) if reprint else False
        name, paper = printer_choice(self.prefs, info.kind)
        printer = printer_for(name, paper)  # type: ignore[arg-type]
        allowed = not info.void and (not reprint or may(self.actor, Action.REPRINT))
        dialog = PrintPreviewDialog(pdf, printer, copy_mark=mark, title=f"{info.title} {info.number}",
                                    parent=self.parent, print_label="补打（副本）" if reprint else "打印（正本）",
                                    can_print=allowed and self.has_printer(name))
        dialog.cancel_button.setText("关闭")  # a document looked at, not a print about to start
        dialog.printed.connect(lambda result: record_print(self.ctx, self.actor, document_id,
                                                           printer_label(printer), result.ok, result.message))
        dialog.show()
        return dialog
