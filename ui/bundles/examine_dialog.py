"""审查收件: the received 一件事's merged list judged again, paper by paper, within five working days; then every
part accepted at once, or one combined 一次性告知书 (app/bundles/bundle_receipt.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.bundles.bundle_receipt import decide_received_bundle
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.reference.catalog import Theme
from ui.bundles.papers_panel import PapersPanel
from ui.widgets.field_errors import FieldErrors, error_label


class ExamineDialog(QDialog):
    """`result_value` holds the BundleResult once an outcome is recorded."""

    def __init__(self, ctx: AppContext, actor: Actor, bundle_id: str, bundle_no: str, theme: Theme,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.bundle_id = ctx, actor, bundle_id
        self.result_value: Any = None
        self.setWindowTitle(f"审查收件 {bundle_no}")
        self.setMinimumSize(900, 560)
        self.errors = FieldErrors()
        lay = QVBoxLayout(self)
        note = QLabel(f"“{theme.name}”：逐份核验材料。齐全的，全部事项一并受理（自收件之日起计算期限）；"
                      "不齐全的，出具一份合并的一次性告知书。")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.papers = PapersPanel(self.errors)
        self.papers.set_theme(theme)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.papers)
        lay.addWidget(scroll, 1)
        self.general = error_label()
        self.errors.add("papers", self.papers, self.general)
        lay.addWidget(self.general)
        row = QHBoxLayout()
        row.addStretch(1)
        for text, handler, name in (("材料全部已收", self.papers.all_received, "examineAllReceived"),
                                    ("受理全部事项", lambda: self.decide("accept"), "examineAccept"),
                                    ("出具一次性告知书", lambda: self.decide("notify"), "examineNotify"),
                                    ("取消", self.reject, "examineCancel")):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(handler)
            row.addWidget(button)
        lay.addLayout(row)

    def decide(self, outcome: str) -> None:
        self.errors.clear()
        try:
            self.result_value = decide_received_bundle(self.ctx, self.actor, self.bundle_id, outcome,
                                                       self.papers.values())
        except AppError as exc:
            if not self.errors.show(exc.field, exc.message):
                self.errors.show("papers", exc.message)
            if exc.code == "deemed_accepted":
                self.result_value = exc  # the law decided: the caller reloads and says so
            return
        self.accept()
