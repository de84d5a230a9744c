"""The clerk's keys on the 一件事 form, shared by the UI tests of bundles."""

from __future__ import annotations

from bundle_kit import FOOD, SHOP
from day_kit import ime_type
from ow_testkit import PERSON_ID
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ui.bundles.intake_view import BundleIntakeView


def fill_bundle_form(qtbot: QtBot, view: BundleIntakeView, code: str = FOOD) -> None:
    """The clerk's keys for one 一件事: theme, applicant, the shared fields, every paper handed over."""
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert view.picker.hasFocus()
    view.pick_theme(code)
    qtbot.waitUntil(lambda: view.applicant.lines["name"].hasFocus())
    ime_type(view.applicant.lines["name"], "王䶮")
    qtbot.keyClicks(view.applicant.lines["id_number"], PERSON_ID)
    qtbot.keyClicks(view.applicant.lines["phone"], "13800001234")
    ime_type(view.applicant.lines["address"], "云岫市桂花巷 12 号")
    for key, value in SHOP:
        ime_type(view.applicant.shared[key], value)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
