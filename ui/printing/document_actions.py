"""Printing registered documents: the right printer and paper per kind, 副本 on reprints, every print logged."""

from __future__ import annotations

from collections.abc import Iterable

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


class DocumentPrinter:
    """Prints stored documents exactly as registered; a reprint carries 副本 and is audited."""

    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, parent: QWidget | None = None) -> None:
        self.ctx, self.actor, self.prefs, self.parent = ctx, actor, prefs, parent

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
        return [self.print_document(d) for d in document_ids]
