"""Small QPainter charts (QtCharts is not in PySide6-Essentials): grouped bars with a rate line, and ranked bars."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PALETTE = ("#3b7dd8", "#2e9d48", "#e0a800", "#d93025", "#8e44ad")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str


def nice_ceiling(value: float) -> float:
    """1, 2, 2.5 or 5 × 10ⁿ at or above value (an axis that reads easily)."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp


class _Chart(QWidget):
    def __init__(self, title: str = "") -> None:
        super().__init__()
        self.title = title
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(200)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(560, 260)

    def _begin(self, p: QPainter) -> QFontMetrics:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() - 1))
        p.setFont(font)
        if self.title:
            bold = QFont(font)
            bold.setBold(True)
            p.setFont(bold)
            p.setPen(QColor("#222"))
            p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.title)
            p.setFont(font)
        return QFontMetrics(font)

    def _legend(self, p: QPainter, fm: QFontMetrics, items: list[tuple[str, str, bool]]) -> None:
        x = self.width() - 8.0
        for name, color, is_line in reversed(items):
            w = fm.horizontalAdvance(name)
            x -= w
            p.setPen(QColor("#333"))
            p.drawText(QPointF(x, 17), name)
            x -= 16
            if is_line:
                p.setPen(QPen(QColor(color), 2))
                p.drawLine(QPointF(x, 12), QPointF(x + 12, 12))
            else:
                p.fillRect(QRectF(x, 6, 12, 10), QColor(color))
            x -= 14


class BarLineChart(_Chart):
    """Grouped bars per category on the left axis; an optional rate (0–100 %) line on the right axis."""

    def __init__(self, title: str = "") -> None:
        super().__init__(title)
        self.categories: tuple[str, ...] = ()
        self.bars: tuple[Series, ...] = ()
        self.line: Series | None = None

    def set_data(self, categories: list[str], bars: list[Series], line: Series | None = None) -> None:
        self.categories, self.bars, self.line = tuple(categories), tuple(bars), line
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        fm = self._begin(p)
        legend = [(s.name, s.color, False) for s in self.bars] + ([(self.line.name, self.line.color, True)]
                                                                 if self.line else [])
        self._legend(p, fm, legend)
        left, right, top, bottom = 44.0, 44.0 if self.line else 12.0, 30.0, 34.0
        plot = QRectF(left, top, max(10.0, self.width() - left - right), max(10.0, self.height() - top - bottom))
        n = len(self.categories)
        if not n:
            p.setPen(QColor("#888"))
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "没有数据")
            p.end()
            return
        peak = nice_ceiling(max([v or 0 for s in self.bars for v in s.values] + [1]))
        p.setPen(QPen(QColor("#e4e7eb"), 1))
        for i in range(5):
            y = plot.bottom() - plot.height() * i / 4
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor("#666"))
            label = f"{peak * i / 4:g}"
            p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            if self.line:
                p.drawText(QRectF(plot.right() + 4, y - 8, right - 4, 16), Qt.AlignmentFlag.AlignLeft, f"{25 * i}%")
            p.setPen(QPen(QColor("#e4e7eb"), 1))
        slot = plot.width() / n
        group = slot * 0.72
        bar_w = group / max(1, len(self.bars))
        widest = max(fm.horizontalAdvance(c) for c in self.categories) + 8
        every = max(1, math.ceil(widest / slot))  # label every k-th category so labels never overlap
        for i, cat in enumerate(self.categories):
            x0 = plot.left() + slot * i + (slot - group) / 2
            for j, s in enumerate(self.bars):
                v = s.values[i] or 0
                h = plot.height() * v / peak
                p.fillRect(QRectF(x0 + j * bar_w, plot.bottom() - h, bar_w * 0.92, h), QColor(s.color))
                if v and n <= 16 and bar_w > fm.horizontalAdvance(f"{v:g}"):
                    p.setPen(QColor("#333"))
                    p.drawText(QRectF(x0 + j * bar_w, plot.bottom() - h - 15, bar_w, 14),
                               Qt.AlignmentFlag.AlignHCenter, f"{v:g}")
            if i % every == 0:
                p.setPen(QColor("#555"))
                p.drawText(QRectF(plot.left() + slot * (i + 0.5) - widest / 2, plot.bottom() + 4, widest, 16),
                           Qt.AlignmentFlag.AlignHCenter, cat)
        if self.line:
            p.setPen(QPen(QColor(self.line.color), 2))
            last: QPointF | None = None
            for i, v in enumerate(self.line.values):
                if v is None:
                    last = None
                    continue
                pt = QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - plot.height() * v)
                if last is not None:
                    p.drawLine(last, pt)
                p.setBrush(QColor(self.line.color))
                p.drawEllipse(pt, 3, 3)
                last = pt
        p.setPen(QPen(QColor("#999"), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.end()


class RankedBars(_Chart):
    """One horizontal bar per label (e.g. 提速率 per item), with a target line."""

    def __init__(self, title: str = "", percent: bool = True, target: float | None = None) -> None:
        super().__init__(title)
        self.percent, self.target = percent, target
        self.rows: tuple[tuple[str, float], ...] = ()

    def set_data(self, rows: list[tuple[str, float]]) -> None:
        self.rows = tuple(rows)
        self.setMinimumHeight(max(200, 40 + 22 * len(rows)))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        fm = self._begin(p)
        if not self.rows:
            p.setPen(QColor("#888"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "没有数据")
            p.end()
            return
        label_w = min(self.width() * 0.45, max(fm.horizontalAdvance(name) for name, _v in self.rows) + 12)
        top, row_h = 30.0, min(24.0, (self.height() - 40) / len(self.rows))
        width = self.width() - label_w - 60
        peak = 1.0 if self.percent else nice_ceiling(max(v for _n, v in self.rows))
        for i, (name, value) in enumerate(self.rows):
            y = top + i * row_h
            p.setPen(QColor("#333"))
            p.drawText(QRectF(4, y, label_w - 8, row_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(name, Qt.TextElideMode.ElideMiddle, int(label_w - 8)))
            below = self.target is not None and value < self.target
            color = QColor(PALETTE[3] if below else PALETTE[0])
            p.fillRect(QRectF(label_w, y + 3, max(1.0, width * value / peak), row_h - 6), color)
            p.drawText(QRectF(label_w + width * value / peak + 4, y, 56, row_h), Qt.AlignmentFlag.AlignVCenter,
                       f"{value:.0%}" if self.percent else f"{value:g}")
        if self.target is not None:
            x = label_w + width * self.target / peak
            p.setPen(QPen(QColor("#d93025"), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(x, top - 4), QPointF(x, top + row_h * len(self.rows)))
            p.drawText(QPointF(x + 3, top - 6), f"目标 {self.target:.0%}")
        p.end()
