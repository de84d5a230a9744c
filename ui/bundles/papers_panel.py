"""The merged materials checklist of a 一件事: each paper once, with the items that need it.

A row is the single intake's material row (same verdicts, same defect phrases, same keys); only the
paper it stands for and the name of its field differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app.bundles.bundle_intake import PaperInput
from app.reference.catalog import Theme, ThemePaper, for_agent
from ui.intake.materials import MaterialRow
from ui.widgets.field_errors import FieldErrors


@dataclass(frozen=True)
class _PaperSpec:
    """A merged paper in the shape a material row reads (its id is the paper's key)."""

    id: str
    seq: int
    name: str
    form: str
    copies: int
    may_defer: bool

    @property
    def for_agent(self) -> bool:
        return for_agent(self.name)


class PaperRow(MaterialRow):
    def __init__(self, paper: ThemePaper, needs: str, grid: QGridLayout, row: int, errors: FieldErrors,
                 changed: Signal) -> None:
        super().__init__(_PaperSpec(paper.key, row + 1, paper.name, paper.form, paper.copies, paper.may_defer),
                         grid, row, errors, changed)
        self.paper = paper
        errors.forget(f"materials.{paper.key}")
        errors.add(f"papers.{paper.key}", self.status, self.error)  # the bundle core names papers by key
        name = self.widgets[0]
        assert isinstance(name, QLabel)
        form = self.widgets[1]
        assert isinstance(form, QLabel)
        # The form asked for goes with the name, and its column with it: the long merged names get the room.
        name.setText(f"{row + 1}. {paper.name}（{form.text()}）\n用于：{needs}")
        form.hide()
        # The merged list sits below the form beside the 期限提醒 dock: at 1280 px the single intake's
        # widths left it 30 px too wide; the defect phrase and the name give way (they wrap / scroll).
        name.setMinimumWidth(name.fontMetrics().horizontalAdvance("材" * 7))
        self.defect.setMinimumWidth(100)
        self.needs = needs

    def set_shown(self, shown: bool) -> None:
        super().set_shown(shown)
        self.widgets[1].hide()  # said in the name (see __init__)

    def set_received(self) -> None:
        """Handed over as asked: original checked where one is asked, the copies counted."""
        self.status.setCurrentIndex(self.status.findData("received"))
        self.original.setChecked(self.paper.form != "copy")
        self.copies.setValue(self.paper.copies)

    def paper_value(self) -> PaperInput:
        m = self.value()
        return PaperInput(self.paper.key, m.status, m.original_checked, m.copies_received, m.defect, m.deferred_due)


class PapersPanel(QWidget):
    """The theme's papers in one grid; papers a 前置 part yields are listed as shared, not asked for."""

    changed = Signal()

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__()
        self.errors = errors
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.holder = QWidget()
        self.grid = QGridLayout(self.holder)
        self.grid.setColumnStretch(0, 3)
        lay.addWidget(self.holder)
        self.shared = QLabel(objectName="papersShared")
        self.shared.setWordWrap(True)
        self.shared.setStyleSheet("color:#2a6;")
        lay.addWidget(self.shared)
        self.rows: list[PaperRow] = []
        self.has_agent = False

    def set_theme(self, theme: Theme | None) -> None:
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.rows = []
        self.errors.forget("papers.")
        self.shared.clear()
        if theme is None:
            return
        names = {p.item_code: p.item_name for p in theme.parts}
        shared = []
        for paper in theme.papers:
            needs = "、".join(names[c] for c in paper.item_codes)
            if paper.from_part:
                shared.append(f"{paper.name}（{needs}）：由“{names[paper.from_part]}”办结后在大厅内共享，无需申请人提交")
                continue
            self.rows.append(PaperRow(paper, needs, self.grid, len(self.rows), self.errors, self.changed))
        self.shared.setText("\n".join(shared))
        self.set_agent(self.has_agent)

    def set_agent(self, has_agent: bool) -> None:
        """The agent's papers are asked for only when someone applies on the applicant's behalf."""
        self.has_agent = has_agent
        for r in self.rows:
            r.set_shown(has_agent or not r.paper.for_agent)

    def shown_rows(self) -> list[PaperRow]:
        return [r for r in self.rows if self.has_agent or not r.paper.for_agent]

    def all_received(self) -> None:
        for r in self.shown_rows():
            r.set_received()

    def values(self) -> tuple[PaperInput, ...]:
        return tuple(r.paper_value() for r in self.shown_rows())
