"""Words on screen (issue #17, finding 10): Qt's own buttons in Chinese, no code words, the chief's banner says what
a named deputy means, and 注销（换班） in the 系统 menu."""

from __future__ import annotations

import re
from pathlib import Path

from ow_testkit import at_local, set_clock
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot
from signoff_kit import CHIEF, who

from app.cases.detail import EVENT_LABELS
from app.core.context import AppContext
from app.reference.hall import hall_info
from app.sync.status import history
from db.models import SyncRun
from ui.signoff.view import SignoffView
from ui.system.main_window import MainWindow
from ui.system.translations import install_translations

APP = Path(__file__).resolve().parents[2] / "app"


def test_qt_buttons_speak_chinese(qapp: QApplication) -> None:
    try:
        assert install_translations(qapp)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
                               | QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Close)
        assert sorted(b.text() for b in box.buttons()) == sorted(["保存", "取消", "确定", "关闭"])
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)


def test_every_case_event_the_code_writes_has_a_chinese_label() -> None:
    # the kinds written by move(), case_event(), _event(), add_event() and CaseEvent(kind=…) anywhere in app/
    calls = re.compile(r"(?:move|case_event|_event|add_event)\([^)]*?\"([a-z_]+)\"")
    kinds = set()
    for path in APP.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        kinds |= set(re.findall(r"kind=\"([a-z_]+)\"", text)) | set(calls.findall(text))
        kinds |= set(re.findall(r"event=\"([a-z_]+)\"", text)) | set(re.findall(r"kind = \"([a-z_]+)\"", text))
    kinds -= {"review", "approve", "original", "copy"}  # review steps and copy kinds, not events
    missing = sorted(k for k in kinds if k not in EVENT_LABELS and k not in ("state", "case"))
    assert missing == [] and {"reviewed", "sign_off", "forwarded"} <= set(EVENT_LABELS)


def test_sync_history_shows_the_sentence_not_the_code(ctx: AppContext) -> None:
    with ctx.write() as s:
        s.add(SyncRun(error="need_login: 登录已过期，请重新登录后同步"))
    assert history(ctx)[0].error == "登录已过期，请重新登录后同步"


def test_the_chiefs_banner_when_a_deputy_is_named(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 12, 15, 10, 0))  # inside 刘婷's deputy period for 周建华
    view = SignoffView(ctx, who(ctx, CHIEF), hall_info(ctx))
    qtbot.addWidget(view)
    view.refresh()
    text = view.authority.text()
    assert "刘婷" in text and "代您签批" not in text and "您本人签批不受影响" in text


def test_change_of_shift_in_the_system_menu(qtbot: QtBot, ctx: AppContext) -> None:
    win = MainWindow(ctx, who(ctx, "zhangmin"), hall_info(ctx))
    qtbot.addWidget(win)
    win.show()
    menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "系统")
    action = next(a for a in menu.actions() if a.text() == "注销（换班）")
    action.trigger()
    assert win.shift_change and not win.isVisible()
