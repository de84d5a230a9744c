"""Table models of the review desk and the sign-off queue (sortable; overdue deadlines in red)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from app.reference.catalog import PROCESSING_LABELS, REVIEW_LABELS
from app.signoff.queue import DeskRow, QueueRow

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole
R = TypeVar("R")
LATE, NEAR = QColor("#c00000"), QColor("#b36b00")
_ANSWERED = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                       SORT_ROLE})


def _day(d: date | None) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


class _RowsModel(QAbstractTableModel, Generic[R]):
    HEADERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[R] = []
        self.today = date.today()

    def set_rows(self, rows: Sequence[R], today: date) -> None:
        self.beginResetModel()
        self.rows, self.today = list(rows), today
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def cells(self, row: R) -> tuple[Any, ...]:
        raise NotImplementedError

    def deadlines(self, row: R) -> tuple[date | None, date | None]:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # The role first: sizing a column asks each cell for some eight roles, and the ones this model
        # does not answer must cost nothing (a desk of a few hundred rows held the UI thread, #18).
        if role not in _ANSWERED or not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole:
            promised, legal = self.deadlines(row)
            if legal and legal < self.today:
                return LATE
            if promised and promised <= self.today:
                return NEAR
            return None
        value = self.cells(row)[index.column()]
        if role == SORT_ROLE:
            # Dates sort as dates (ISO strings); a missing deadline sorts last.
            return value.isoformat() if isinstance(value, date) else ("9999" if value is None else str(value))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _day(value) if isinstance(value, date) or value is None else str(value)
        return None


class DeskModel(_RowsModel[DeskRow]):
    HEADERS = ("受理编号", "事项", "申请人", "办件类型", "审批方式", "状态", "下一步", "承诺办结", "法定期限")

    def cells(self, r: DeskRow) -> tuple[Any, ...]:
        return (r.case_no, r.item_name, r.applicant_name, PROCESSING_LABELS.get(r.processing_type, ""),
                REVIEW_LABELS.get(r.review_mode, ""), r.state_label, r.next_label, r.promised_deadline,
                r.legal_deadline)

    def deadlines(self, r: DeskRow) -> tuple[date | None, date | None]:
        return r.promised_deadline, r.legal_deadline


class QueueModel(_RowsModel[QueueRow]):
    HEADERS = ("受理编号", "事项", "申请人", "办件类型", "审查人", "拟办", "现场核查", "承诺办结", "法定期限", "签批")

    def cells(self, r: QueueRow) -> tuple[Any, ...]:
        proposal = "—" if r.proposal is None else ("拟准予" if r.proposal.outcome == "approve" else "拟不予许可")
        return (r.case_no, r.item_name, r.applicant_name, PROCESSING_LABELS.get(r.processing_type, ""),
                r.reviewer_name, proposal, _visit_cell(r.site_visit), r.promised_deadline, r.legal_deadline,
                "可签批" if r.can_sign else r.blocker)

    def deadlines(self, r: QueueRow) -> tuple[date | None, date | None]:
        return r.promised_deadline, r.legal_deadline


def _visit_cell(summary: str) -> str:
    """The last visit's result in a word for the column (the whole line is in the sign-off dialog)."""
    if not summary:
        return "—"
    last = summary.splitlines()[-1]
    return last.split("：", 1)[1].split("；", 1)[0] if "：" in last else last


def sorted_proxy(model: QAbstractTableModel) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
