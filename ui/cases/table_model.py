"""The case list model: pages of CaseRow DTOs fetched lazily (canFetchMore / fetchMore) as the view scrolls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.cases.lights import LIGHT_COLORS, LIGHT_LABELS, Light
from app.cases.queries import CasePage, CaseRow
from app.core.errors import AppError

Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[Sequence[Any] | None], CasePage]

_icons: dict[Light, QIcon] = {}


def light_icon(light: Light) -> QIcon:
    """A round lamp of the light's colour (made once per colour, after the application exists)."""
    icon = _icons.get(light)
    if icon is None:
        pix = QPixmap(14, 14)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(QColor(LIGHT_COLORS[light]))
        p.setPen(QColor(LIGHT_COLORS[light]).darker(130))
        p.drawEllipse(1, 1, 12, 12)
        p.end()
        icon = _icons[light] = QIcon(pix)
    return icon


def _day(d: object) -> str:
    return d.isoformat() if d is not None else "—"  # type: ignore[attr-defined]


class CaseTableModel(QAbstractTableModel):
    """Rows arrive a page at a time; `fetch(after)` is an app/ query returning the page after a key."""

    HEADERS = ("", "受理编号", "申请人", "办理事项", "状态", "收件时间", "承诺办结", "法定期限")
    failed = Signal(str)
    loaded = Signal(int, bool)  # rows held, more to come

    def __init__(self, fetch: Fetch | None = None) -> None:
        super().__init__()
        self.rows: list[CaseRow] = []
        self._fetch = fetch
        self._after: Sequence[Any] | None = None

    # -- loading ------------------------------------------------------------------------------

    def set_query(self, fetch: Fetch) -> None:
        """A new query: drop every row and load its first page."""
        self.beginResetModel()
        self._fetch, self.rows, self._after = fetch, [], None
        page = self._call(None)
        if page is not None:
            self.rows, self._after = list(page.rows), page.after
        self.endResetModel()
        self.loaded.emit(len(self.rows), self._after is not None)

    def set_page(self, fetch: Fetch, page: CasePage) -> None:
        """A new query whose first page was loaded already (off the UI thread)."""
        self.beginResetModel()
        self._fetch, self.rows, self._after = fetch, list(page.rows), page.after
        self.endResetModel()
        self.loaded.emit(len(self.rows), self._after is not None)

    def _call(self, after: Sequence[Any] | None) -> CasePage | None:
        assert self._fetch is not None
        try:
            return self._fetch(after)
        except AppError as exc:  # shown by the view; the list simply stops here
            self.failed.emit(exc.message)
            return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._after is not None and self._fetch is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        page = self._call(self._after)
        if page is None:
            self._after = None
            return
        self._after = page.after
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.loaded.emit(len(self.rows), self._after is not None)

    # -- the table ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def row_at(self, row: int) -> CaseRow:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return light_icon(r.promised_light)
        if role == Qt.ItemDataRole.ToolTipRole and col in (0, 6, 7):
            tip = f"承诺办结：{LIGHT_LABELS[r.promised_light]}；法定期限：{LIGHT_LABELS[r.legal_light]}"
            if r.deadline_moved:
                tip += f"；已告知日期 {_day(r.printed_promised)} 已变更，请告知申请人"
            return tip
        if role == Qt.ItemDataRole.ForegroundRole:
            light = r.promised_light if col == 6 else r.legal_light if col == 7 else None
            if light in (Light.RED, Light.YELLOW):
                return QColor(LIGHT_COLORS[light]).darker(120)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role == Qt.ItemDataRole.AccessibleTextRole and col == 0:
            return LIGHT_LABELS[r.promised_light]
        return None

    @staticmethod
    def _text(r: CaseRow, col: int) -> str:
        if col == 0:
            return ""
        if col == 6:
            mark = "（暂定）" if r.provisional else ""
            moved = f" ⚠ 原告知 {_day(r.printed_promised)}" if r.deadline_moved else ""
            return _day(r.promised_deadline) + mark + moved
        return (r.case_no, r.applicant_name, r.item_name, r.state_label, f"{r.received_at:%Y-%m-%d %H:%M}",
                "", _day(r.legal_deadline))[col - 1]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None
