"""Driving the case desk's modal dialogs in tests (import as `from case_dialog_kit import ...`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ow_testkit import clerk, complete, item_named, person
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from signoff_kit import pdf_text, who
from sqlalchemy import func, select

from app.core.context import Actor, AppContext
from app.intake.outcomes import accept_case
from db.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    DeadlineChange,
    Document,
    Extension,
    OutboxOp,
    Rating,
    SealUse,
    Suspension,
)
from ui.cases.detail_view import CaseDetailView
from ui.widgets.preferences import Preferences

# Every table a case-desk action may write to: a refused input must leave each count as it was.
WRITTEN = (CaseEvent, OutboxOp, Document, SealUse, AuditEntry, DeadlineChange, Suspension, Extension, Rating,
           Attachment)


class FakePrinter:
    """Records what the desk would print (printing itself is tested with CUPS elsewhere)."""

    def __init__(self) -> None:
        self.printed: list[str] = []

    def print_all(self, ids: list[str]) -> list[None]:
        self.printed += list(ids)
        return [None for _ in ids]

    def print_document(self, document_id: str, **_kw: object) -> None:
        self.printed.append(document_id)


def ime_type(widget: QWidget, text: str) -> None:
    """Chinese arrives through the input method as a committed string (QTest types only Latin-1 keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def accepted_case(ctx: AppContext, item: str = "药品零售许可", name: str = "赵敏") -> str:
    """A case accepted at the counter by 张敏 (window A01) at the clock's time; returns its id."""
    return accept_case(ctx, clerk(ctx), complete(item_named(ctx, item), person(name))).case_id


def desk(qtbot: QtBot, ctx: AppContext, username: str, case_id: str) -> tuple[CaseDetailView, FakePrinter]:
    """The case desk's detail page for one case, shown and active as the clerk would have it."""
    printer = FakePrinter()
    actor: Actor = who(ctx, username)
    view = CaseDetailView(ctx, actor, Preferences(demo=True), printer)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.activateWindow()
    qtbot.waitExposed(view)
    view.load(case_id)
    QApplication.processEvents()
    return view, printer


def ok_button(dialog: QDialog) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    return box.button(QDialogButtonBox.StandardButton.Ok)


def click_ok(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)


def drive(opener: Callable[[], Any], fill: Callable[[Any], None]) -> None:
    """Open a modal dialog with `opener` (which runs exec()) and run `fill` on it inside its event loop.

    A failing check inside `fill` must not leave exec() waiting for a click that never comes: the
    dialog is closed whatever happens, and the failure is raised once exec() has returned.
    """
    failures: list[BaseException] = []
    tries = [0]

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            tries[0] += 1
            if tries[0] < 200:  # about two seconds; an opener that shows nothing must not spin forever
                QTimer.singleShot(10, step)
            return
        try:
            fill(dialog)
        except BaseException as exc:  # re-raised below, once Qt's nested event loop has returned
            failures.append(exc)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, step)
    opener()
    if failures:
        raise failures[0]
    assert tries[0] < 200, "no modal dialog opened"


def footprint(ctx: AppContext, case_id: str) -> dict[str, object]:
    """Row counts of every table an action writes, and the case's own state and dates."""
    with ctx.read() as s:
        counts: dict[str, object] = {m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
                                     for m in WRITTEN}
        case = s.get(Case, case_id)
        assert case is not None
        counts["case"] = (case.state, case.promised_deadline, case.legal_deadline, case.extension_days,
                          case.printed_promised, case.deadline_moved)
    return counts


def last_outbox(ctx: AppContext, entity_id: str) -> tuple[str, str, dict[str, Any]]:
    """(entity, op, payload) of the newest outbox entry about `entity_id`."""
    with ctx.read() as s:
        op = s.execute(select(OutboxOp).where(OutboxOp.entity_id == entity_id)
                       .order_by(OutboxOp.device_seq.desc()).limit(1)).scalar_one()
        return op.entity, op.op, json.loads(op.payload_json)


def event_kinds(ctx: AppContext, case_id: str) -> list[str]:
    with ctx.read() as s:
        return list(s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)
                              .order_by(CaseEvent.at, CaseEvent.id)).scalars())


def audit_rows(ctx: AppContext, action: str) -> list[tuple[str, dict[str, Any], int | None]]:
    """(target, detail, staff id) of each audit entry of one action, oldest first."""
    with ctx.read() as s:
        rows = s.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars()
        return [(r.target, json.loads(r.detail_json), r.staff_id) for r in rows]


def document_text(ctx: AppContext, document_id: str) -> tuple[Document, str]:
    """The registered document row and its PDF's text (whitespace removed, as pdftotext lays it out)."""
    with ctx.read() as s:
        doc = s.get(Document, document_id)
        assert doc is not None
        s.expunge(doc)
    return doc, pdf_text(Path(ctx.data.root) / doc.path)


def table_rows(table: Any) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]
