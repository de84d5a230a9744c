"""Qt's own words in Chinese: the buttons of standard dialogs (保存 / 取消 / 确定 / 关闭), context menus, the
file dialog. Qt ships them as qtbase_zh_CN.qm beside its libraries; without them a Chinese form ends in
English buttons."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


def install_translations(app: QApplication) -> bool:
    """Load Qt's Chinese translations into the application; False if this Qt build has none."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = False
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)  # parented: it lives as long as the application
        if translator.load(name, folder):
            app.installTranslator(translator)
            loaded = True
    return loaded
