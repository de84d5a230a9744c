"""开办餐饮店 at the comprehensive window's 一件事 page, its parts decided at A02, D01 and B02 (and the licence
signed by the chief at A01) through a real server, and one 统一出件 at the 一件事 page; then a second run where
A02 refuses the 前置 and the waiting parts stop — the applicant still gets the refusal in one handover."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_kit import FOOD_LICENCE, REGISTRATION
from bundle_ui_kit import fill_bundle_form
from bundle_windows_kit import STAFF, Made, approve_every_part, refuse_prerequisite, sync_all
from ow_testkit import PERSON_ID, at_local
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sync_testkit import Clock, LiveServer, enrolled, memory_keyring, seed_demo, workstation_factory

from app.bundles.bundle_intake import BundleResult
from server.models import Case
from ui.bundles.page import BundlePage


@pytest.fixture
def clock() -> Clock:
    return Clock(at_local(2026, 11, 20, 9, 0))


@pytest.fixture
def made(demo_template: Path, tmp_path: Path, clock: Clock) -> Iterator[tuple[LiveServer, Made]]:
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(db, clock)
    live = LiveServer(db, clock).start()
    try:
        with memory_keyring(), workstation_factory(demo_template, tmp_path / "ws", clock) as make:
            yield live, enrolled(live, make, STAFF)
    finally:
        live.stop()


def _intake(qtbot: QtBot, made: Made) -> tuple[BundlePage, BundleResult]:
    """The clerk at A01 takes the application on the 一件事 page, with the keys she uses."""
    a01 = made["a01"][0]
    page = BundlePage(a01.ctx, a01.actor("zhangmin"))
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    page.show_intake()
    intake = page.intake
    assert intake is not None
    qtbot.waitUntil(lambda: intake.picker.count() > 1)
    fill_bundle_form(qtbot, intake)
    with qtbot.waitSignal(intake.completed, timeout=30_000) as done:
        qtbot.keyClick(intake, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    return page, done.args[0]


def _hand_over(qtbot: QtBot, page: BundlePage, bundle_no: str) -> None:
    follow = page.follow
    page.show_follow()
    follow.live.reload()
    qtbot.waitUntil(lambda: follow.select_bundle(bundle_no), timeout=20_000)
    qtbot.waitUntil(lambda: follow.readiness is not None and follow.readiness.bundle_no == bundle_no,
                    timeout=20_000)
    assert follow.handover_button.isEnabled(), follow.ready_line.text()
    qtbot.mouseClick(follow.handover_button, Qt.MouseButton.LeftButton)
    dialog = follow.delivery_dialog
    assert dialog is not None
    dialog.name.setText("王䶮")
    dialog.id_number.setText(PERSON_ID)
    with qtbot.waitSignal(follow.handed_over, timeout=30_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def _server_states(live: LiveServer, ids: dict[str, str]) -> dict[str, str]:
    with live.session() as s:
        rows = {c.id: json.loads(c.record_json)["state"] for c in s.execute(select(Case)).scalars()}
    return {code: rows[case_id] for code, case_id in ids.items()}


def test_every_part_approved_then_one_handover(qtbot: QtBot, made: tuple[LiveServer, Made], clock: Clock) -> None:
    live, stations = made
    page, result = _intake(qtbot, stations)
    ids = {p.item_code: p.case_id for p in result.parts}
    sync_all(stations, 1)
    clock.advance(days=3)
    cert = approve_every_part(stations, ids)
    page.follow.live.reload()
    qtbot.waitUntil(lambda: page.follow.select_bundle(result.bundle_no), timeout=20_000)
    qtbot.waitUntil(lambda: page.follow.progress is not None and page.follow.parts.rowCount() == len(ids))
    states = [page.follow.parts.item(r, 3).text() for r in range(page.follow.parts.rowCount())]
    assert "已制证" in states, states  # the licence made at A02, seen at A01
    _hand_over(qtbot, page, result.bundle_no)
    assert page.follow.readiness is not None
    assert cert.number in [d.number for p in page.follow.readiness.parts for d in p.documents]
    sync_all(stations)
    assert set(_server_states(live, ids).values()) == {"delivered"}


def test_the_prerequisite_refused_stops_the_rest(qtbot: QtBot, made: tuple[LiveServer, Made]) -> None:
    live, stations = made
    page, result = _intake(qtbot, stations)
    ids = {p.item_code: p.case_id for p in result.parts}
    sync_all(stations, 1)
    refuse_prerequisite(stations, ids)
    sync_all(stations, 1)
    states = _server_states(live, ids)
    assert states[REGISTRATION] == "denied" and states[FOOD_LICENCE] == "stopped"
    page.follow.live.reload()
    qtbot.waitUntil(lambda: page.follow.select_bundle(result.bundle_no), timeout=20_000)
    qtbot.waitUntil(lambda: page.follow.parts.rowCount() == len(ids))
    shown = {page.follow.parts.item(r, 1).text(): page.follow.parts.item(r, 3).text()
             for r in range(page.follow.parts.rowCount())}
    assert list(shown.values()).count("前置未准予，终止办理") == len(ids) - 1, shown
    _hand_over(qtbot, page, result.bundle_no)  # the 不予行政许可决定书 goes to the applicant all the same
    sync_all(stations)
    assert _server_states(live, ids)[REGISTRATION] == "delivered"

