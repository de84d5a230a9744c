"""Printers are chosen per document kind; a kind without its own printer falls back by paper."""

from __future__ import annotations

from ow_testkit import clerk
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from ui.printing.document_actions import printer_choice
from ui.system.settings_dialog import SettingsDialog
from ui.widgets.preferences import Preferences


def test_per_kind_printer_and_paper(qtbot: QtBot, ctx: AppContext) -> None:
    prefs = Preferences(demo=True)
    prefs.set("printing/receipt_printer", "ROLL-1")
    prefs.set("printing/a4_printer", "A4-1")
    assert printer_choice(prefs, "receipt") == ("ROLL-1", "roll80")
    assert printer_choice(prefs, "acceptance_notice") == ("A4-1", "A4")
    dialog = SettingsDialog(prefs, clerk(ctx))
    qtbot.addWidget(dialog)
    box = dialog.combos["printing/kind/refusal_notice"]
    box.addItem("A4-LEGAL", "A4-LEGAL")  # a printer the machine may not have: the choice is kept by name
    box.setCurrentIndex(box.findData("A4-LEGAL"))
    assert not dialog.spins["security/idle_lock_minutes"].isEnabled(), "a clerk cannot change the idle lock"
    dialog._save()
    assert printer_choice(prefs, "refusal_notice") == ("A4-LEGAL", "A4")
    assert printer_choice(prefs, "correction_notice") == ("A4-1", "A4")
