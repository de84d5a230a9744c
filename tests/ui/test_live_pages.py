"""One change notice keeps every page current: nobody presses 刷新 and nobody restarts the program.

The main window of the W01 clerk is open with its pages visited once. A colleague accepts a case, reviews
it, and the chief signs it off, each through the core on a worker thread as the pages' own task runner
does. The page on screen follows at once (off the UI thread); a hidden page catches up when it is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ow_testkit import complete, item_named, person
from pytestqt.qtbot import QtBot
from signoff_kit import APPROVE, CHIEF, start, who

from app.core.context import AppContext
from app.intake.outcomes import accept_case
from app.reference.hall import hall_info
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from ui.system.main_window import MainWindow
from ui.widgets.preferences import Preferences


def _on_worker(qtbot: QtBot, call: Callable[[], Any]) -> Any:
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(call()))
    worker.start()
    qtbot.waitUntil(lambda: not worker.is_alive(), timeout=60_000)
    assert box, "the core call failed on its thread"
    return box[0]


def _states(win: MainWindow) -> dict[str, str]:
    return {r.id: r.state_label for r in win.cases.model.rows}


def test_pages_follow_commits_without_refresh(qtbot: QtBot, ctx: AppContext) -> None:
    start(ctx)
    win = MainWindow(ctx, who(ctx, "zhangmin"), hall_info(ctx), prefs=Preferences(demo=True))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    for key in ("cases", "signoff", "certificates", "stats"):  # each built on first open, loaded off-thread
        win.show_section(key)
        page = win.page(key)
        qtbot.waitUntil(lambda page=page: page.live.loads >= 1, timeout=20_000)
    assert win.stats.card_labels["accepted"].text() == "0" and not win.certificates.pending.rows

    win.show_section("cases")
    case_id = _on_worker(qtbot, lambda: accept_case(ctx, who(ctx, "wangyan"),
                                                    complete(item_named(ctx, "食品经营许可"), person("王䶮")))).case_id
    qtbot.waitUntil(lambda: _states(win).get(case_id) == "已受理", timeout=20_000)

    _on_worker(qtbot, lambda: record_review(ctx, who(ctx, "wangyan"), case_id, APPROVE))
    qtbot.waitUntil(lambda: _states(win).get(case_id) == "待首席代表签批", timeout=20_000)

    win.show_section("signoff")  # hidden while the case moved: it catches up when shown
    qtbot.waitUntil(lambda: case_id in [r.case_id for r in win.signoff.queue_model.rows], timeout=20_000)

    _on_worker(qtbot, lambda: sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("approve", "同意"),
                                       custodian_password=DEMO_PASSWORD))
    qtbot.waitUntil(lambda: case_id not in [r.case_id for r in win.signoff.queue_model.rows], timeout=20_000)

    win.show_section("certificates")
    qtbot.waitUntil(lambda: [p.case_id for p in win.certificates.pending.rows] == [case_id], timeout=20_000)
    win.show_section("stats")
    qtbot.waitUntil(lambda: win.stats.card_labels["accepted"].text() == "1", timeout=20_000)
    win.show_section("cases")
    qtbot.waitUntil(lambda: _states(win).get(case_id) == "准予许可", timeout=20_000)
