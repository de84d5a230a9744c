"""The UI's Chinese fonts come from resources/fonts, so a bare Windows or Linux shows no boxes."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.core.paths import resources_dir

UI_FONT_FILES = ("wqy-microhei.ttc", "uming.ttc", "HanaMinA.ttf", "HanaMinB.ttf")


def install_fonts(app: QApplication) -> list[str]:
    """Register the shipped fonts; the UI uses a sans face with the Ext-A/B faces as fallbacks."""
    families: list[str] = []
    folder = resources_dir() / "fonts"
    for name in UI_FONT_FILES:
        path = folder / name
        if path.exists():
            fid = QFontDatabase.addApplicationFont(str(path))
            families += QFontDatabase.applicationFontFamilies(fid)
    preferred = [f for f in ("WenQuanYi Micro Hei", "Microsoft YaHei", "AR PL UMing CN") if f in families
                 or f in QFontDatabase.families()]
    font = QFont()
    font.setFamilies(preferred + [f for f in families if f.startswith("Hana")])
    font.setPointSize(11)
    app.setFont(font)
    return families
