"""统计 (电子监察): the window's figures per day / week / month, as charts and tables, exported to .xlsx."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases.ratings import record_follow_up
from app.core.auth import Action, may
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.figures.report import COLUMNS, SPEED_UP_TARGET, Figures, rows_of, window_figures
from ui.cases.dialogs import TextDialog, pydate, qdate
from ui.figures.bundle_figures_tab import BundleFiguresTab
from ui.figures.chart_widget import PALETTE, BarLineChart, RankedBars, Series
from ui.widgets.live import LiveRefresh
from ui.widgets.preferences import Preferences
from ui.widgets.table_helpers import fill_table, simple_table

SPANS = {"day": 30, "week": 7 * 12, "month": 365}  # default look-back per granularity, in days


def _fmt(key: str, value: object) -> str:
    if value is None:
        return "—"
    if key == "on_time_rate":
        return f"{value:.1%}"
    if key == "avg_workdays":
        return f"{value:.1f}"
    return str(value)


class StatsView(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, prefs: Preferences, deferred: bool = False) -> None:
        """`deferred`: compute nothing now; the page loads off the UI thread when first shown."""
        super().__init__()
        self.ctx, self.actor, self.prefs = ctx, actor, prefs
        self.figures: Figures | None = None
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.granularity = QComboBox(objectName="statsGranularity")
        for code, label in (("day", "按日"), ("week", "按周"), ("month", "按月")):
            self.granularity.addItem(label, code)
        self.date_from = QDateEdit(objectName="statsFrom", calendarPopup=True)
        self.date_to = QDateEdit(qdate(ctx.today()), objectName="statsTo", calendarPopup=True)
        for w in (self.date_from, self.date_to):
            w.setDisplayFormat("yyyy-MM-dd")
        self.scope = QComboBox(objectName="statsScope")
        if actor.window_id is not None:
            self.scope.addItem(f"本窗口（{actor.window_name}）", actor.window_id)
        self.scope.addItem("本机全部办件", None)
        self.refresh_button = QPushButton("统计", objectName="statsRefresh")
        self.export_button = QPushButton("导出 Excel…", objectName="statsExport")
        for w in (QLabel("统计周期"), self.granularity, QLabel("从"), self.date_from, QLabel("至"), self.date_to,
                  self.scope, self.refresh_button, self.export_button):
            bar.addWidget(w)
        bar.addStretch(1)
        outer.addLayout(bar)
        # two rows of six: eleven cards in one row made the page wider than a 1366×768 screen
        self.cards = QGridLayout()
        self.card_labels: dict[str, QLabel] = {}
        for n, (key, title) in enumerate((("accepted", "受理"), ("completed", "办结"), ("on_time_rate", "按时办结率"),
                           ("avg_workdays", "平均用时（工作日）"), ("notices", "一次性告知"), ("refusals", "不予受理"),
                           ("forwarded", "上报"), ("deemed", "视为受理"), ("ratings", "好差评（差评）"),
                           ("consultations", "咨询"), ("commitments", "告知承诺（按时核查/撤销）"),
                           ("site_visits", "现场核查（完成/附照片）"))):
            card = QFrame(objectName=f"card_{key}")
            card.setStyleSheet("QFrame { background:#f4f6f9; border:1px solid #dde3ea; border-radius:6px; }"
                               "QLabel { border:none; background:transparent; }")
            lay = QVBoxLayout(card)
            value = QLabel("—")
            value.setStyleSheet("font-size:20px; font-weight:bold; color:#1a3d6d;")
            lay.addWidget(value)
            lay.addWidget(QLabel(title))
            self.card_labels[key] = value
            self.cards.addWidget(card, n // 6, n % 6)
        outer.addLayout(self.cards)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.trend = BarLineChart("受理与办结")
        self.speed = RankedBars("事项提速率（1 − 承诺/法定）", target=SPEED_UP_TARGET)
        split.addWidget(self.trend)
        split.addWidget(self.speed)
        split.setSizes([640, 440])
        outer.addWidget(split, 3)
        self.tabs = QTabWidget(objectName="statsTabs")
        self.table = simple_table("statsTable", [t for _k, t in COLUMNS], 0)
        self.items = simple_table("statsItems", ("事项编码", "事项名称", "受理件数", "承诺", "法定", "提速率", "对照 50%"), 1)
        bad_page = QWidget()
        lay = QVBoxLayout(bad_page)
        self.bad = simple_table("statsBad", ("受理编号", "申请人", "事项", "环节", "评价", "意见", "整改期限", "整改情况"), 5)
        lay.addWidget(self.bad)
        follow = QPushButton("登记整改情况…", objectName="statsFollowUp")
        follow.setEnabled(may(actor, Action.RECORD_RATING))
        follow.clicked.connect(self.follow_up)
        lay.addWidget(follow, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(self.table, "按期明细")
        self.tabs.addTab(self.items, "事项提速率")
        self.tabs.addTab(bad_page, "差评跟进")
        self.consults = simple_table("statsConsultations", ("窗口/事项编码", "名称", "咨询次数", "转介其他窗口",
                                                            "转为受理"), 1)
        self.tabs.addTab(self.consults, "咨询（首问负责）")
        self.bundle_tab = BundleFiguresTab(ctx, actor)
        self.tabs.addTab(self.bundle_tab, "一件事一次办")
        outer.addWidget(self.tabs, 2)
        self.granularity.currentIndexChanged.connect(lambda _i: self._span_changed())
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(lambda: self.export())
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.live = LiveRefresh(self, ctx, self._load, self._loaded, args=self._span)
        self._span_changed(load=not deferred)

    def _span_changed(self, load: bool = True) -> None:
        end = pydate(self.date_to.date())
        self.date_from.setDate(qdate(end - timedelta(days=SPANS[self.granularity.currentData()] - 1)))
        if load:
            self.refresh()

    def _span(self) -> tuple[date, date, str, int | None, str]:
        start, end = pydate(self.date_from.date()), pydate(self.date_to.date())
        if start > end:
            start, end = end, start
        return start, end, self.granularity.currentData(), self.scope.currentData(), self.scope.currentText()

    def _load(self, start: date, end: date, granularity: str, window_id: int | None, label: str) -> Figures:
        return window_figures(self.ctx, self.actor, start, end, granularity, window_id, label)

    def _loaded(self, f: Figures) -> None:
        self.figures = f
        self._show(f)
        self.bundle_tab.load(f.start, f.end)  # the hall's bundles of the same period

    def refresh(self) -> None:
        """Compute and show now, on this thread (the change notice recomputes off it)."""
        try:
            self._loaded(self._load(*self._span()))
        except AppError as exc:
            QMessageBox.warning(self, "无法统计", exc.message)
            return
        self.live.stale = False

    def _show(self, f: Figures) -> None:
        t = f.total
        for key, label in self.card_labels.items():
            if key == "consultations":
                label.setText(str(f.consultations.total if f.consultations else 0))
                continue
            if key == "site_visits":
                v = f.site_visits
                label.setText(f"{v.done}/{v.with_photos}" if v else "0")
                continue
            if key == "commitments":
                k = f.commitments
                label.setText(f"{k.cases}（{k.checked_on_time}/{k.revoked}）" if k else "0")
                continue
            label.setText(f"{f.rated}（{f.bad}）" if key == "ratings" else _fmt(key, getattr(t, key)))
        cats = [p.label for p in f.periods]
        self.trend.set_data(cats, [Series("受理", tuple(p.accepted for p in f.periods), PALETTE[0]),
                                   Series("办结", tuple(p.completed for p in f.periods), PALETTE[1])],
                            Series("按时办结率", tuple(p.on_time_rate for p in f.periods), PALETTE[2]))
        self.speed.set_data([(i.item_name, i.rate) for i in f.items if i.rate is not None])
        keys = [k for k, _t in COLUMNS]
        fill_table(self.table, [[_fmt(k, v) for k, v in zip(keys, row, strict=True)] for row in rows_of(f)])
        fill_table(self.items, [(i.item_code, i.item_name, i.accepted, i.promised_days, i.legal_days,
                            f"{i.rate:.0%}" if i.rate is not None else "—",
                            "—" if i.rate is None else "达标" if i.rate >= SPEED_UP_TARGET else "低于 50%")
                           for i in f.items])
        c = f.consultations
        fill_table(self.consults, [(x.key, x.name, x.consultations, x.referred, x.applied)
                                   for x in ((*c.per_window, *c.per_item) if c else ())])
        fill_table(self.bad, [(b.case_no, b.applicant_name, b.item_name, b.stage_label, b.level_label, b.comment,
                          b.follow_up_due.isoformat() if b.follow_up_due else "",
                          b.follow_up_note or ("已整改" if b.follow_up_done else "待整改")) for b in f.bad_reviews],
              [b.id for b in f.bad_reviews])

    def export(self, path: Path | None = None) -> Path | None:
        if self.figures is None:
            return None
        if path is None:
            f = self.figures
            name = f"办件统计_{f.start:%Y%m%d}-{f.end:%Y%m%d}.xlsx"
            chosen, _flt = QFileDialog.getSaveFileName(self, "导出 Excel", str(Path.home() / name), "Excel (*.xlsx)")
            if not chosen:
                return None
            path = Path(chosen)
        try:
            from app.figures.workbook import export_xlsx  # openpyxl (0.6 s) only when exporting

            return export_xlsx(self.figures, path)
        except OSError as exc:
            QMessageBox.warning(self, "导出失败", f"无法写入 {path}：{exc.strerror}")
            return None

    def follow_up(self) -> None:
        row = self.bad.currentRow()
        item = self.bad.item(row, 0) if row >= 0 else None
        if item is None:
            return
        rating_id = int(item.data(Qt.ItemDataRole.UserRole))
        dialog = TextDialog("差评整改", "回访及整改情况", "登记", lambda note: record_follow_up(
            self.ctx, self.actor, rating_id, note), "note", "如：已电话回访申请人，说明原因并致歉", self)
        if dialog.exec():
            self.refresh()

