"""The item catalog browser: search by name, code or pinyin initials; read the whole guide."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.context import Actor, AppContext
from app.reference.catalog import (
    PROCESSING_LABELS,
    REVIEW_LABELS,
    ItemGuide,
    ItemSummary,
    get_item,
    search_items,
    slow_promises,
)
from ui.widgets.table_helpers import fit_to_contents
from ui.widgets.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex


class ItemTableModel(QAbstractTableModel):
    """A read-only table over the ItemSummary DTOs the core returns."""

    HEADERS = ("事项名称", "办件类型", "审批方式", "承诺/法定", "事项编码")

    def __init__(self) -> None:
        super().__init__()
        self.items: list[ItemSummary] = []

    def set_items(self, items: list[ItemSummary]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        it = self.items[index.row()]
        slow = " ⚠提速率低于50%" if it.below_target else ""
        return (it.name, PROCESSING_LABELS.get(it.processing_type, ""), REVIEW_LABELS.get(it.review_mode, ""),
                f"{it.promised_days} / {it.legal_days} 日{slow}", it.code)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


def guide_html(g: ItemGuide) -> str:
    """The item guide as the clerk reads it (and as the applicant is told)."""

    def row(label: str, value: str) -> str:
        return f"<tr><th align='left' valign='top' width='110'>{label}</th><td>{value}</td></tr>"

    e = escape
    materials = "".join(
        f"<tr><td>{m.seq}</td><td>{e(m.name)}</td><td>{m.form_label}</td><td align='center'>{m.copies}</td>"
        f"<td>{'可容缺' if m.may_defer else ''}</td><td>{e(m.template)}</td></tr>" for m in g.materials)
    rate = f"（提速 {g.speed_up_rate:.0%}）" if g.speed_up_rate is not None else ""
    limits = (f"法定 {g.legal_days} 个工作日，承诺 {g.promised_days} 个工作日{rate}" if g.legal_days
              else "当场办结")
    if g.promise_warning:
        limits += f"<br><b style='color:#b00020'>警告：{e(g.promise_warning)}</b>"
    specials = "；".join(x for x in ("需现场踏勘" if g.site_visit else "",
                                     "需专家评审（时间不计入办理时限）" if g.expert_review else "") if x) or "无"
    return f"""
<h2>{e(g.name)}</h2>
<p style='color:#555'>事项编码 {e(g.code)} · {e(g.department)} · {e(g.kind)}</p>
<table cellspacing='4'>
{row('办件类型', f'{g.processing_label} · {g.review_label}')}
{row('办理时限', limits)}
{row('特别程序', specials)}
{row('设定依据', e(g.basis))}
{row('受理条件', e(g.conditions))}
{row('收费', e(g.fee) + (f'<br><span style="color:#555">依据：{e(g.fee_basis)}</span>' if g.fee_basis else ''))}
{row('办理地点', e(g.location))}
{row('咨询电话', e(g.enquiry_phone))}
{row('投诉电话', e(g.complaint_phone))}
</table>
<h3>申请材料（共 {len(g.materials)} 项）</h3>
<table border='1' cellspacing='0' cellpadding='4' width='100%'>
<tr><th width='6%'>序号</th><th width='40%'>材料名称</th><th>形式</th><th>份数</th><th>容缺</th><th>示范文本</th></tr>
{materials}
</table>"""


class CatalogView(QWidget):
    """Search field over a table of items, the selected item's guide beside it."""

    def __init__(self, ctx: AppContext, actor: Actor) -> None:
        super().__init__()
        self.ctx, self.actor = ctx, actor
        self.search = QLineEdit(objectName="catalogSearch")
        self.search.setPlaceholderText("输入事项名称、编码或拼音首字母（如 spjy）")
        self.search.setClearButtonEnabled(True)
        self.model = ItemTableModel()
        self.table = QTableView(objectName="catalogTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        fit_to_contents(header)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.guide = QTextBrowser(objectName="catalogGuide")
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.guide)
        split.setSizes([620, 700])
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search)
        layout.addLayout(top)
        # 二七区: 提速率不得低于50% — the catalog's own promises, checked at every import and shown here.
        self.promise_warning = QLabel(objectName="catalogPromiseWarning", wordWrap=True)
        self.promise_warning.setStyleSheet("color:#b00020")
        self.promise_warning.setVisible(False)
        layout.addWidget(self.promise_warning)
        layout.addWidget(split)
        # Debounce typing: one query per pause, not per keystroke.
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        # The look-ups run off the UI thread (#18: the page's first build held it 60–110 ms); a reply to
        # an older search or selection than the latest is dropped.
        self.runner = TaskRunner(self)
        self._asked = {"items": 0, "guide": 0}
        self.refresh(warnings=True)

    def _ask(self, what: str, call: Callable[[], Any], show: Callable[[Any], None]) -> None:
        self._asked[what] += 1
        turn = self._asked[what]

        def done(result: Any) -> None:
            if turn == self._asked[what]:
                show(result)

        self.runner.run(lambda *, report, cancel: call(), quiet=True, on_done=done)

    def refresh(self, warnings: bool = False) -> None:
        text = self.search.text()

        def load() -> tuple[list[ItemSummary], list[str] | None]:
            return (search_items(self.ctx, self.actor, text),
                    slow_promises(self.ctx, self.actor) if warnings else None)

        self._ask("items", load, self._show_items)

    def _show_items(self, result: tuple[list[ItemSummary], list[str] | None]) -> None:
        items, warnings = result
        if warnings is not None:
            self.promise_warning.setText(f"{len(warnings)} 个事项的承诺时限超过法定时限的一半（提速率低于 50%）：\n"
                                         + "\n".join(warnings))
            self.promise_warning.setVisible(bool(warnings))
        self.model.set_items(items)
        if self.model.items:
            self.table.selectRow(0)
        else:
            self.guide.setHtml("<p style='color:#666'>没有找到匹配的事项</p>")

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            item_id = self.model.items[current.row()].id
            self._ask("guide", lambda: guide_html(get_item(self.ctx, self.actor, item_id)), self.guide.setHtml)
