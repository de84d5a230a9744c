"""The counter's forms at the halls' common screens (issue #17, finding 9): 1280×800 less the navigation and
the due panel leaves the intake form about 900 pixels; names and the legal basis must stay readable."""

from __future__ import annotations

from ow_testkit import clerk
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.context import AppContext
from app.reference.hall import hall_info
from app.reference.id_reader import SimulatedReader
from ui.intake.materials import NAME_CHARS
from ui.intake.refusal_dialog import DEFAULT_BASIS, RefusalDialog
from ui.intake.view import IntakeView


def test_material_names_keep_ten_characters_a_line(qtbot: QtBot, ctx: AppContext) -> None:
    view = IntakeView(ctx, clerk(ctx), SimulatedReader())
    qtbot.addWidget(view)
    view.resize(1280 - 120 - 250, 700)  # the window less the navigation column and the due panel
    view.show()
    qtbot.keyClicks(view.item_search, "spjy")
    view._choose_current()
    QApplication.processEvents()
    rows = view.materials.shown_rows()
    assert rows
    for row in rows:
        name = row.widgets[0]
        assert name.width() >= name.fontMetrics().horizontalAdvance("材" * NAME_CHARS), row.spec.name


def test_the_refusal_dialog_shows_the_whole_legal_basis(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = RefusalDialog(hall_info(ctx))
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert dialog.basis.width() >= dialog.basis.fontMetrics().horizontalAdvance(DEFAULT_BASIS)
    assert dialog.width() <= 1280
    dialog.close()
