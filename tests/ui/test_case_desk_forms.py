"""The case desk's other forms through the real widgets: 好差评, scans, voiding a document, 退回/上报, tab order.

Dates are hand-computed; November 2026 holds no holiday and no 调休 working weekend (State Council
2026 schedule), so only Saturdays and Sundays drop out:

    Nov 2026  Mon 2  3  Wed 4  5  Fri 6 | Mon 9  10  Wed 11  12  13 | …
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from case_dialog_kit import (
    accepted_case,
    audit_rows,
    click_ok,
    desk,
    drive,
    event_kinds,
    footprint,
    ime_type,
    last_outbox,
    table_rows,
)
from ow_testkit import at_local, set_clock
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from signoff_kit import CHIEF, accepted, case_row, reviewed, start, who
from sqlalchemy import func, select

from app.cases.attachments import read_attachment
from app.cases.detail import case_detail
from app.core.context import AppContext
from app.reference.hall import hall_info
from app.reference.id_reader import SimulatedReader
from db.models import Case
from ui.cases.dialogs import ExtensionDialog, RatingDialog, ResumeDialog, SuspendDialog, TextDialog
from ui.intake.refusal_dialog import RefusalDialog
from ui.intake.view import IntakeView
from ui.signoff.review_dialog import OpinionDialog
from ui.signoff.view import SignoffView

WEDNESDAY = at_local(2026, 11, 4, 10, 0)


def count_cases(ctx: AppContext) -> int:
    with ctx.read() as s:
        return s.execute(select(func.count()).select_from(Case)).scalar_one()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """QMessageBox.warning would block the run: record (title, text) instead."""
    shown: list[tuple[str, str]] = []

    def record(_parent: object, title: str, text: str, *_a: object, **_kw: object) -> QMessageBox.StandardButton:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    return shown


def test_paper_rating_is_typed_in_with_its_follow_up(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 2, 9, 0))
    case_id = accepted_case(ctx)
    set_clock(ctx, WEDNESDAY)
    view, _printer = desk(qtbot, ctx, "zhangmin", case_id)
    before = footprint(ctx, case_id)
    comment = "窗口人员解释不清，来回跑了两趟"

    def rate(dialog: RatingDialog) -> None:
        assert isinstance(dialog, RatingDialog)
        assert dialog.level.currentData() == 0  # never filled in by default (好差评)
        click_ok(qtbot, dialog)
        assert dialog.errors.message("level") == "请选择评价等级（非常满意至非常不满意）"
        assert dialog.focusWidget() is dialog.level
        # The case is not decided yet: a completion rating is refused (no field of its own: under the form).
        dialog.stage.setCurrentIndex(dialog.stage.findData("completion"))
        dialog.level.setCurrentIndex(dialog.level.findData(5))
        click_ok(qtbot, dialog)
        assert dialog.general.text() == "该办件尚未办结，不能登记办结后评价" and not dialog.general.isHidden()
        # A bad review typed from paper must carry the form's words; the old message must not linger.
        dialog.stage.setCurrentIndex(dialog.stage.findData("acceptance"))
        dialog.level.setCurrentIndex(dialog.level.findData(2))
        click_ok(qtbot, dialog)
        assert dialog.errors.message("comment") == "差评请照录评价表上的意见（评价表未填写的，写“未填写”）"
        assert dialog.general.isHidden()
        assert footprint(ctx, case_id) == before
        ime_type(dialog.comment, comment)
        click_ok(qtbot, dialog)

    drive(lambda: view.buttons["rate"].click(), rate)
    [acceptance, completion] = case_detail(ctx, who(ctx, "zhangmin"), case_id).ratings
    r = acceptance.rating
    assert r is not None and completion.rating is None and completion.text == "未评价"
    # A bad review is corrected within 5 working days (setting default) from Wed 4 Nov:
    # 5, 6, 9, 10, 11 → Wed 11 Nov.
    assert (r.stage, r.level, r.level_label, r.comment, r.channel, r.entered_by, r.follow_up_due) == (
        "acceptance", 2, "不满意", comment, "paper", "张敏", date(2026, 11, 11))
    assert event_kinds(ctx, case_id)[-1] == "rating"
    entity, op, payload = last_outbox(ctx, str(r.id))
    assert (entity, op) == ("rating", "record")
    assert {k: payload[k] for k in ("case_no", "stage", "level", "comment", "channel", "clerk", "follow_up_due",
                                    "applicant_name", "id_number")} == {
        "case_no": r.case_no, "stage": "acceptance", "level": 2, "comment": comment, "channel": "paper",
        "clerk": "张敏", "follow_up_due": "2026-11-11", "applicant_name": "赵敏", "id_number": "11010519491231002X"}
    assert table_rows(view.ratings)[0] == ["受理后评价", "不满意", comment, "纸质评价表（补录）", "2026-11-04 10:00",
                                           "张敏", "2026-11-11"]
    assert view.buttons["rate"].isEnabled()  # the completion stage is still open


def _png(path: Path) -> bytes:
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#d9e4f2"))
    assert image.save(str(path), "PNG")
    return path.read_bytes()


def _pdf(path: Path) -> bytes:
    writer = QPdfWriter(str(path))
    painter = QPainter(writer)
    painter.drawText(200, 200, "Business licence scan")
    painter.end()
    return path.read_bytes()


def test_scans_are_attached_and_bad_files_refused(qtbot: QtBot, ctx: AppContext, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  warnings: list[tuple[str, str]]) -> None:
    set_clock(ctx, WEDNESDAY)
    case_id = accepted_case(ctx)
    view, _printer = desk(qtbot, ctx, "zhangmin", case_id)
    picked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: (list(picked), ""))
    blobs = ctx.data.root / "attachments"
    before = footprint(ctx, case_id)

    view.buttons["scan"].click()  # the clerk cancels the file dialog: nothing happens, nothing is said
    fake = tmp_path / "身份证.png"
    fake.write_text("not an image")  # named like a scan; the content is what counts
    empty = tmp_path / "空白.pdf"
    empty.write_bytes(b"")
    picked[:] = [str(fake), str(empty)]
    view.buttons["scan"].click()
    assert warnings == [("无法添加附件", "只能添加 PDF、JPEG 或 PNG 格式的扫描件"), ("无法添加附件", "文件是空的")]
    assert footprint(ctx, case_id) == before and not any(blobs.rglob("*.*"))

    png, pdf = _png(tmp_path / "营业执照.png"), _pdf(tmp_path / "场所平面图.pdf")
    picked[:] = [str(tmp_path / "营业执照.png"), str(tmp_path / "场所平面图.pdf")]
    view.buttons["scan"].click()
    assert len(warnings) == 2
    atts = case_detail(ctx, who(ctx, "zhangmin"), case_id).attachments
    assert [(a.filename, a.mime, a.size, a.sha256, a.added_by) for a in atts] == [
        ("营业执照.png", "image/png", len(png), hashlib.sha256(png).hexdigest(), "张敏"),
        ("场所平面图.pdf", "application/pdf", len(pdf), hashlib.sha256(pdf).hexdigest(), "张敏")]
    assert [a.path.read_bytes() for a in atts] == [png, pdf]
    assert event_kinds(ctx, case_id)[-2:] == ["attachment_added", "attachment_added"]
    entity, op, payload = last_outbox(ctx, atts[1].id)
    assert (entity, op, payload["filename"], payload["sha256"]) == ("attachment", "add", "场所平面图.pdf",
                                                                    atts[1].sha256)
    assert [r[0] for r in table_rows(view.attachments)] == ["营业执照.png", "场所平面图.pdf"]

    # Double-click opens a copy, never the stored file.
    opened: list[Path] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(Path(QUrl(url).toLocalFile())))
    view.attachments.setCurrentCell(0, 0)
    view.open_attachment()
    assert [p.read_bytes() for p in opened] == [png] and opened[0] != atts[0].path
    assert read_attachment(ctx, who(ctx, "zhangmin"), atts[0].id)[1] == png


def test_chief_voids_a_document_with_a_reason(qtbot: QtBot, ctx: AppContext) -> None:
    set_clock(ctx, WEDNESDAY)
    case_id = accepted_case(ctx)
    clerk_view, _p = desk(qtbot, ctx, "zhangmin", case_id)
    assert not clerk_view.buttons["doc_void"].isEnabled()  # voiding is the chief's
    view, _printer = desk(qtbot, ctx, CHIEF, case_id)
    assert [r[0] for r in table_rows(view.documents)] == ["材料接收凭证", "受理通知书"]
    # nothing chosen yet: the document buttons are greyed out rather than silently doing nothing
    assert not any(view.buttons[k].isEnabled() for k in ("doc_open", "doc_void", "doc_reprint"))
    view.documents.setCurrentCell(1, 0)
    assert all(view.buttons[k].isEnabled() for k in ("doc_open", "doc_void", "doc_reprint"))
    before = footprint(ctx, case_id)
    reason = "申请人名称打印错误，已重新出具"

    def void(dialog: TextDialog) -> None:
        assert isinstance(dialog, TextDialog)
        click_ok(qtbot, dialog)
        assert dialog.errors.message("reason") == "请填写作废原因" and dialog.focusWidget() is dialog.text
        assert footprint(ctx, case_id) == before
        ime_type(dialog.text, reason)
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return)  # Enter in the line is the OK button

    drive(lambda: view.buttons["doc_void"].click(), void)
    doc = case_detail(ctx, who(ctx, CHIEF), case_id).documents[1]
    assert (doc.title, doc.void, doc.void_reason) == ("受理通知书", True, reason)
    assert table_rows(view.documents)[1][5] == f"已作废：{reason}"
    [(target, detail, staff)] = audit_rows(ctx, "void_document")
    assert (target, detail["reason"], staff) == (doc.number, reason, who(ctx, CHIEF).staff_id)
    entity, op, payload = last_outbox(ctx, case_id)  # the window's other workstations hold the document too
    assert (entity, op, payload["document"]) == ("case", "document_voided", doc.number)
    voided = [e for e in case_detail(ctx, who(ctx, CHIEF), case_id).events if e.kind == "document_voided"]
    assert [(e.label, e.reason) for e in voided] == [("文书作废", f"受理通知书 {doc.number}：{reason}")]


def test_refusal_with_a_blank_part_stays_open_at_the_field(qtbot: QtBot, ctx: AppContext,
                                                           warnings: list[tuple[str, str]]) -> None:
    set_clock(ctx, WEDNESDAY)
    view = IntakeView(ctx, who(ctx, "zhangmin"), SimulatedReader())
    qtbot.addWidget(view)
    view.show()
    view.read_card()  # the simulated reader fills name, ID and address
    ime_type(view.phone, "13800001234")
    qtbot.keyClicks(view.item_search, "spjy")  # pinyin initials of 食品经营许可
    qtbot.keyClick(view.item_search, Qt.Key.Key_Return)
    assert view.guide is not None and view.guide.name == "食品经营许可"
    rights = "请填写行政复议机关和管辖法院（告知申请人救济途径）"

    def blank(dialog: RefusalDialog) -> None:
        assert isinstance(dialog, RefusalDialog)
        click_ok(qtbot, dialog)  # the reasons start blank
        assert dialog.isVisible() and dialog.errors.message("refusal.reasons") == "请写明不予受理的具体理由"
        ime_type(dialog.reasons, "申请事项依法不需要取得行政许可")
        for edit, field, message in ((dialog.basis, "refusal.basis", "请写明不予受理的法律依据"),
                                     (dialog.body, "refusal.rights", rights), (dialog.court, "refusal.court", rights)):
            kept = edit.text()
            edit.setText("  ")
            click_ok(qtbot, dialog)
            assert dialog.isVisible() and dialog.errors.message(field) == message, field
            assert dialog.focusWidget() is edit
            edit.setText(kept)
        assert dialog.reasons.toPlainText() == "申请事项依法不需要取得行政许可"  # nothing typed is lost

    drive(view.do_refuse, blank)
    qtbot.wait(200)  # a refusal sent to the core anyway would finish in the background by now
    assert warnings == [] and count_cases(ctx) == 0


def test_chief_returns_a_case_and_a_clerk_forwards_one(qtbot: QtBot, ctx: AppContext) -> None:
    start(ctx)  # Fri 20 Nov 2026
    returned, forwarded = reviewed(ctx), accepted(ctx)
    chief = SignoffView(ctx, who(ctx, CHIEF), hall_info(ctx))
    qtbot.addWidget(chief)
    chief.show()
    chief.tabs.setCurrentIndex(chief.tabs.count() - 1)
    chief.queue.selectRow(0)
    before = footprint(ctx, returned)
    qtbot.mouseClick(chief.findChild(QPushButton, "returnButton"), Qt.MouseButton.LeftButton)
    dialog = chief.dialog
    assert isinstance(dialog, OpinionDialog) and dialog.isVisible()
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error.text() == "请填写退回意见")
    assert dialog.isVisible() and footprint(ctx, returned) == before
    ime_type(dialog.opinion, "经营场所平面图与现场不符，请重新审查")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert case_row(ctx, returned).state == "under_review" and "已退回审查" in chief.status.text()
    assert event_kinds(ctx, returned)[-1] == "returned"
    entity, op, payload = last_outbox(ctx, returned)
    assert (entity, op, payload["opinion"]) == ("case", "return", "经营场所平面图与现场不符，请重新审查")
    [(target, detail, _staff)] = audit_rows(ctx, "return_for_review")
    assert (target, detail["opinion"]) == (case_row(ctx, returned).case_no, "经营场所平面图与现场不符，请重新审查")

    clerk_desk = SignoffView(ctx, who(ctx, "wangyan"), hall_info(ctx))
    qtbot.addWidget(clerk_desk)
    clerk_desk.show()
    row = next(i for i, r in enumerate(clerk_desk.desk_model.rows) if r.case_id == forwarded)
    clerk_desk.desk.selectRow(row)
    qtbot.mouseClick(clerk_desk.findChild(QPushButton, "forwardButton"), Qt.MouseButton.LeftButton)
    dialog = clerk_desk.dialog
    assert isinstance(dialog, OpinionDialog)
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error.text() == "请填写上报意见")
    ime_type(dialog.opinion, "涉及跨部门审查，报部门决定")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert case_row(ctx, forwarded).state == "forwarded"
    assert event_kinds(ctx, forwarded)[-1] == "forwarded"
    entity, op, payload = last_outbox(ctx, forwarded)
    assert (entity, op, payload["opinion"]) == ("case", "forward", "涉及跨部门审查，报部门决定")
    assert audit_rows(ctx, "forward")[-1][0] == case_row(ctx, forwarded).case_no


@pytest.mark.parametrize(("make", "order"), [
    (lambda: SuspendDialog(date(2026, 11, 4), _nothing), ["suspendKind", "suspendReason", "suspendDays",
                                                          "suspendBasis", "suspendStart", "开始并出具特别程序告知书"]),
    (lambda: ResumeDialog(date(2026, 11, 6), date(2026, 11, 4), _nothing), ["resumeEnd", "resumeNote", "结束，恢复计时"]),
    (lambda: ExtensionDialog(_nothing), ["extensionReason", "extensionJoint", "批准并出具延期告知书"]),
    (lambda: RatingDialog(["acceptance", "completion"], _nothing), ["ratingStage", "ratingLevel", "ratingComment",
                                                                    "登记"]),
    (lambda: TextDialog("作废文书", "作废原因", "作废", _nothing, "reason"), ["reasonText", "作废"]),
])
def test_tab_walks_each_form_top_to_bottom(qtbot: QtBot, make: Any, order: list[str]) -> None:
    """Clerks work by keyboard: Tab goes down the form to the OK button (a date edit's Tab steps its parts)."""
    dialog = make()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    seen: list[str] = []
    for _ in range(12):
        w = QApplication.focusWidget()
        assert w is not None
        name = w.objectName() or (w.text() if isinstance(w, QPushButton) else type(w).__name__)
        if not seen or seen[-1] != name:
            seen.append(name)
        if isinstance(w, QPushButton):
            break
        qtbot.keyClick(w, Qt.Key.Key_Tab)
    assert seen == order


def _nothing(*_a: object) -> None:
    return None
