"""A workstation without a printer (issue #17, finding 5): one status line instead of dialogs; 打开 shows the pages
with 打印 and 另存为 PDF; the first print is the 正本; settings offer 不接打印机. No modal dialog is ever left open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from case_dialog_kit import accepted_case
from ow_testkit import at_local, clerk, set_clock
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.core.context import AppContext
from app.records.doc_register import read_document
from db.models import Document, PrintJob
from ui.cases.detail_view import CaseDetailView
from ui.printing.document_actions import DocumentPrinter
from ui.system.settings_dialog import SettingsDialog
from ui.widgets.preferences import Preferences

WEDNESDAY = at_local(2026, 11, 4, 10, 0)


@pytest.fixture
def prefs() -> Iterator[Preferences]:
    prefs = Preferences(demo=True)
    prefs.set("printing/no_printer", True)
    yield prefs
    prefs.set("printing/no_printer", False)


@pytest.fixture(autouse=True)
def _no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    def boom(*args: object, **kw: object) -> None:
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    monkeypatch.setattr(QMessageBox, "warning", boom)
    monkeypatch.setattr(QMessageBox, "exec", boom)


def _documents(ctx: AppContext, case_id: str) -> list[str]:
    with ctx.read() as s:
        return list(s.execute(select(Document.id).where(Document.case_id == case_id)
                              .order_by(Document.created_at, Document.number)).scalars())


def test_no_printer_says_so_once_and_keeps_the_documents(qtbot: QtBot, ctx: AppContext, prefs: Preferences) -> None:
    set_clock(ctx, WEDNESDAY)
    case_id = accepted_case(ctx)
    lines: list[str] = []
    printer = DocumentPrinter(ctx, clerk(ctx), prefs, status=lines.append)
    assert printer.print_all(_documents(ctx, case_id)) == [None, None]
    assert len(lines) == 1 and "本机未接打印机" in lines[0] and "材料接收凭证" in lines[0] and "受理通知书" in lines[0]
    assert QApplication.activeModalWidget() is None
    with ctx.read() as s:
        assert s.execute(select(PrintJob)).first() is None  # nothing pretended to be printed


def test_open_shows_the_pages_with_print_and_save(qtbot: QtBot, ctx: AppContext, prefs: Preferences,
                                                  tmp_path: Path) -> None:
    set_clock(ctx, WEDNESDAY)
    case_id = accepted_case(ctx)
    notice = _documents(ctx, case_id)[1]
    viewer = DocumentPrinter(ctx, clerk(ctx), prefs).open_document(notice)
    assert viewer is not None
    qtbot.addWidget(viewer)
    assert viewer.isVisible() and not viewer.isModal() and len(viewer.pages) >= 1
    assert viewer.print_button.text() == "打印（正本）" and not viewer.print_button.isEnabled()  # no printer here
    viewer.save_as(str(tmp_path / "notice.pdf"))
    assert (tmp_path / "notice.pdf").read_bytes() == read_document(ctx, notice)[1]  # the signed file, unchanged
    viewer.close()


def test_the_case_desk_offers_the_first_print_as_the_original(qtbot: QtBot, ctx: AppContext,
                                                              prefs: Preferences) -> None:
    set_clock(ctx, WEDNESDAY)
    case_id = accepted_case(ctx)
    actor = clerk(ctx)
    lines: list[str] = []
    view = CaseDetailView(ctx, actor, prefs, DocumentPrinter(ctx, actor, prefs, status=lines.append))
    qtbot.addWidget(view)
    view.show()
    view.load(case_id)
    view.documents.setCurrentCell(1, 0)
    assert view.buttons["doc_reprint"].text() == "打印（正本）" and view.buttons["doc_reprint"].isEnabled()
    view.reprint()
    assert lines and "本机未接打印机" in lines[-1]
    view.open_document()
    assert view.viewer is not None and view.viewer.isVisible() and not view.viewer.isModal()
    view.viewer.close()


def test_settings_offer_no_printer(qtbot: QtBot, ctx: AppContext, prefs: Preferences) -> None:
    dialog = SettingsDialog(prefs, clerk(ctx))
    qtbot.addWidget(dialog)
    assert dialog.no_printer.isChecked()
    dialog.no_printer.setChecked(False)
    dialog._save()  # the 保存 button's slot
    assert prefs.get("printing/no_printer") is False
