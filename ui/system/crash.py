"""Bugs are logged with their traceback to a rotating file and shown in a crash dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

log = logging.getLogger("onewindow")


def setup_logging(log_dir: Path) -> Path:
    """Rotating log in the data directory: 5 files of 2 MB."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "onewindow.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def install_excepthook(log_path: Path) -> None:
    """Unexpected exceptions: logged, then a dialog saying what to tell IT; the app keeps running."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        log.error("未处理的异常\n%s", text)
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            sys.__excepthook__(kind, exc, tb)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "程序错误",
                          "程序遇到意外错误。已确认的数据不受影响。\n"
                          f"错误详情已记录在：{log_path}\n请将此文件提供给信息管理员。")
        box.setDetailedText(text)
        box.exec()

    sys.excepthook = hook
