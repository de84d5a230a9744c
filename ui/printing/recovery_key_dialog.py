"""The recovery key on screen, once, right after enrolment: hand it to the hall administrator, 打印 a sheet.

The key is not selectable (no copy to a clipboard another program may read) and its sheet goes straight to
the printer, never to a file. Whichever way the dialog is closed, the key is then deleted from this machine's
secret store (app.station.recovery_handover), so the paper is the only copy.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.station.recovery_handover import Handover, finish_handover
from ui.printing.printers import PrintResult, print_pdf, printer_for, printer_label
from ui.widgets.preferences import Preferences
from ui.widgets.tasks import TaskRunner

INTRO = ("本机的数据已加密。下面是本工作站数据的恢复密钥：本机损坏或更换后，只有用它才能打开本机的备份。\n"
         "请点“打印”打印恢复密钥单（或抄写在纸上），交大厅管理员保管，不要存放在本机。\n"
         "关闭本窗口后，密钥即从本机删除，不能再次显示。")
NO_PRINTER = "本机未接打印机：请将密钥抄写在纸上，核对后交大厅管理员"


class RecoveryKeyDialog(QDialog):
    """Shows the key; 打印 prints the one-page sheet; 已交管理员，关闭 (or Esc) records the hand-over."""

    def __init__(self, ctx: AppContext, actor: Actor | None, handover: Handover, via: str,
                 printer: QPrinter | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.handover, self.via, self.printer = ctx, actor, handover, via, printer
        self.printed = False
        self.handed_over = False
        self.setWindowTitle("恢复密钥（只显示这一次）")
        lay = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.key = QLabel(self._key_text(), objectName="recoveryKey")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(16)
        font.setBold(True)
        self.key.setFont(font)
        self.key.setStyleSheet("border:1px solid #333; padding:10px; background:white")
        lay.addWidget(self.key)
        lay.addWidget(QLabel("只有字母 A–Z 和数字 2–7：看似 0 的是字母 O，看似 1 的是字母 I。"))
        self.status = QLabel(objectName="recoveryStatus")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("打印", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("printRecoverySheet")
        self.close_button = buttons.addButton("已交管理员，关闭", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button.setObjectName("closeRecoveryKey")
        self.print_button.clicked.connect(self.print_sheet)
        self.close_button.clicked.connect(self.hand_over)
        lay.addWidget(buttons)
        self.runner = TaskRunner(self)
        self.set_printer(printer)

    def set_printer(self, printer: QPrinter | None) -> None:
        """The A4 printer the sheet goes to; None: no printer here, the key is copied by hand."""
        self.printer = printer
        self.print_button.setEnabled(printer is not None)
        self.print_button.setToolTip("" if printer is not None else NO_PRINTER)
        self.status.setText("" if printer is not None else NO_PRINTER)

    def _key_text(self) -> str:
        groups = self.handover.key.split("-")
        return "\n".join("  ".join(groups[i:i + 5]) for i in range(0, len(groups), 5))

    def print_sheet(self) -> None:
        assert self.printer is not None
        printer = self.printer
        printer.setDocName("恢复密钥单")
        self.print_button.setEnabled(False)
        self.status.setText("正在打印恢复密钥单…")
        pdf = self.handover.pdf()
        self.runner.run(lambda *, report, cancel: print_pdf(pdf, printer), title="正在打印…",
                        on_done=self._printed, on_error=lambda exc: self._printed(PrintResult(False, 0, str(exc))))

    def _printed(self, result: PrintResult) -> None:
        self.print_button.setEnabled(True)
        if result.ok:
            self.printed = True
            assert self.printer is not None
            self.status.setText(f"已在“{printer_label(self.printer)}”打印恢复密钥单。核对纸上的密钥后交大厅管理员。")
        else:
            self.status.setText(f"{result.message}。可重试，或抄写密钥。")

    def hand_over(self) -> None:
        """Record the hand-over and delete the key here, off the UI thread; then close."""
        self.close_button.setEnabled(False)
        self.runner.run(lambda *, report, cancel: finish_handover(self.ctx, self.actor, printed=self.printed,
                                                                  via=self.via),
                        title="请稍候…", on_done=self._handed_over, on_error=self._failed)

    def _handed_over(self, _result: object) -> None:
        self.handed_over = True
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            raise exc
        self.close_button.setEnabled(True)
        self.status.setText(exc.message)

    def reject(self) -> None:  # Esc or the window's close box: the key was shown, so it is handed over too
        if not self.handed_over:
            self.hand_over()


def show_recovery_key(ctx: AppContext, actor: Actor | None, handover: Handover | None, via: str,
                      prefs: Preferences | None, parent: QWidget | None = None) -> RecoveryKeyDialog | None:
    """After a successful enrolment: open the dialog (window-modal, not blocking) when a key waits.

    `handover` comes from app.station.recovery_handover.pending_handover, asked off the UI thread in the
    same task as the enrolment.
    """
    if handover is None:
        return None
    dialog = RecoveryKeyDialog(ctx, actor, handover, via, _printer(prefs), parent)
    dialog.open()
    return dialog


def _printer(prefs: Preferences | None) -> QPrinter | None:
    """The A4 printer chosen in settings (the system default on a first run), or None without one."""
    if prefs is not None and prefs.get("printing/no_printer"):
        return None
    from PySide6.QtPrintSupport import QPrinterInfo

    name = prefs.get("printing/a4_printer") if prefs is not None else ""
    if not name and not QPrinterInfo.defaultPrinterName():
        return None
    return printer_for(name, "A4")
