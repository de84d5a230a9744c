"""Read-only QTableWidgets for the small lists of the case desk and the figures."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem

# Columns sized to what they show, measured on this many rows at most: Qt measures up to 1,000 rows on
# every show and model reset, and a desk of a few hundred rows held the UI thread 130–180 ms (#18).
FIT_ROWS = 60
FIRST_ROWS = 20  # what a desk's first screen shows at 1366×768


def fit_to_contents(header: QHeaderView) -> None:
    """Every column as wide as its text, judged by the first screenful of rows (plus some)."""
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setResizeContentsPrecision(FIT_ROWS)


def fit_columns_once(view: QTableView) -> None:
    """For a table over a Python model that refreshes itself: the columns are sized to the first rows that
    arrive, then left as they are (and the person may drag them). Sizing on every reset asked the model
    for some eight roles of each measured cell — 20,000 calls into Python, 45 ms, at each refresh (#18)."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(FIRST_ROWS)
    model = view.model()
    fitted: list[bool] = []

    def fit() -> None:
        if fitted:
            return
        view.resizeColumnsToContents()  # while empty, to the headers' text (no cell to ask)
        if model.rowCount() > 0:
            fitted.append(True)

    model.modelReset.connect(fit)
    model.rowsInserted.connect(fit)
    fit()


def simple_table(name: str, headers: Sequence[str], stretch: int = -1) -> QTableWidget:
    t = QTableWidget(0, len(headers), objectName=name)
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().hide()
    t.setWordWrap(False)  # one line a row; the whole text is in the tooltip
    header = t.horizontalHeader()
    fit_to_contents(header)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return t


def fill_table(t: QTableWidget, rows: Sequence[Sequence[object]], keys: Sequence[object] | None = None) -> None:
    t.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem("" if value is None else str(value))
            if len(item.text()) > 24:
                item.setToolTip(item.text())
            if keys is not None and c == 0:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            t.setItem(r, c, item)
