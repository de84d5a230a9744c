"""`onewindow doctor`: the core's checks plus the ones only Qt can answer (printers)."""

from __future__ import annotations

import os
from pathlib import Path

from app.core.context import to_local, utc_now
from app.tools.doctor import Check, format_report, run_checks
from app.tools.key_checks import key_checks
from app.tools.privacy_checks import privacy_checks


def check_printers() -> Check:
    """Printers as Qt (and so the app) will see them."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtPrintSupport import QPrinterInfo

    _app = QCoreApplication.instance() or QCoreApplication([])
    names = QPrinterInfo.availablePrinterNames()
    if not names:
        return Check("打印机 / printers", False, False, "未发现打印机",
                     "安装回执打印机（80 毫米）与 A4 打印机的驱动，并在设置中指定")
    default = QPrinterInfo.defaultPrinterName()
    return Check("打印机 / printers", False, True, f"{', '.join(names)}（默认 {default or '无'}）")


def run_doctor(root: Path, *, demo: bool) -> int:
    if demo:
        # The demo data directory is the program's own: open (and on first use create) it, so the
        # checks below look at a real database, calendar and audit chain rather than an empty folder.
        from app.core.errors import AppError
        from app.station.bootstrap import open_data_dir

        try:
            open_data_dir(root, demo=True).dispose()
        except AppError as exc:
            print(f"✘ 演示数据无法打开：{exc.message}")
    checks = run_checks(root, to_local(utc_now()).date(), extra=[check_printers], demo=demo)
    checks[-1:-1] = privacy_checks(root, demo) + key_checks(root, demo)  # #19, before the server line
    text, code = format_report(checks)
    print(f"OneWindow doctor — {'演示 demo' if demo else ''} 数据目录 data dir: {root}")
    print(text)
    return code
