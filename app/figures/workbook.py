"""The figures as an .xlsx workbook (openpyxl): periods with a chart, speed-up per item, 好差评, bad reviews, and
告知承诺 with site visits (the ways of working the catalog marks per item: counted over the whole period)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.cases.ratings import LEVELS
from app.figures.report import COLUMNS, GRANULARITIES, SPEED_UP_TARGET, Figures, rows_of

_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDE6F0")
_WARN = Font(color="C00000", bold=True)
_PERCENT = {"on_time_rate", "rate"}


def _header(ws: Worksheet, row: int, titles: list[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = ws.cell(row=row, column=col, value=title)
        cell.font, cell.fill = _HEAD, _FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _title(ws: Worksheet, text: str, figures: Figures) -> None:
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (f"{figures.scope or '本机全部办件'} · {figures.start.isoformat()} 至 {figures.end.isoformat()} · "
                f"按{GRANULARITIES[figures.granularity]}统计")


def promise_rows(figures: Figures) -> list[tuple[str, int | None]]:
    """(label, count) of 告知承诺 and site visits in the period; a count of None heads a section."""
    c, v = figures.commitments, figures.site_visits
    rows: list[tuple[str, int | None]] = []
    if c is not None:
        rows += [("告知承诺", None), ("告知承诺受理", c.cases), ("告知承诺准予许可", c.approved),
                 ("核查到期", c.due), ("完成核查", c.checked), ("其中按期核查", c.checked_on_time),
                 ("逾期未核查", c.overdue), ("核查不属实", c.found_false), ("撤销许可", c.revoked),
                 ("信用记录", c.credit_records)]
    if v is not None:
        rows += [("现场核查", None), ("安排现场核查", v.scheduled), ("完成现场核查", v.done),
                 ("附现场照片", v.with_photos), ("现场照片（张）", v.photos), ("核查符合", v.meets),
                 ("限期整改", v.rectify), ("核查不符合", v.fails)]
    return rows


def _commitments_and_visits(ws: Worksheet, figures: Figures) -> None:
    _title(ws, "告知承诺与现场核查", figures)
    _header(ws, 4, ["项目", "件数"])
    for r, (label, value) in enumerate(promise_rows(figures), start=5):
        cell = ws.cell(row=r, column=1, value=label)
        if value is None:
            cell.font, cell.fill = _HEAD, _FILL
        else:
            ws.cell(row=r, column=2, value=value)
            if label == "逾期未核查" and value:
                cell.font = ws.cell(row=r, column=2).font = _WARN  # a check the organ promised and did not do
    _widths(ws, [24, 10])


def write_workbook(figures: Figures, path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "办件统计"
    _title(ws, "窗口办件统计（电子监察）", figures)
    keys = [k for k, _t in COLUMNS]
    _header(ws, 4, [t for _k, t in COLUMNS])
    rows = list(rows_of(figures))
    for r, values in enumerate(rows, start=5):
        for c, (key, value) in enumerate(zip(keys, values, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if key in _PERCENT and value is not None:
                cell.number_format = "0.0%"
            elif key == "avg_workdays" and value is not None:
                cell.number_format = "0.0"
        if r == 4 + len(rows):
            for c in range(1, len(keys) + 1):
                ws.cell(row=r, column=c).font = _HEAD
    _widths(ws, [16] + [11] * (len(keys) - 1))
    ws.freeze_panes = "B5"
    if len(rows) > 1:
        chart = BarChart()
        chart.title, chart.y_axis.title = "受理与办结", "件"
        data = Reference(ws, min_col=2, max_col=3, min_row=4, max_row=3 + len(rows) - 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=3 + len(rows) - 1))
        chart.height, chart.width = 8, 22
        ws.add_chart(chart, f"A{len(rows) + 7}")

    items = wb.create_sheet("事项提速率")
    _title(items, "事项提速率（1 − 承诺时限 / 法定时限）", figures)
    _header(items, 4, ["事项编码", "事项名称", "受理件数", "承诺时限（工作日）", "法定时限（工作日）", "提速率"])
    for r, it in enumerate(figures.items, start=5):
        for c, value in enumerate((it.item_code, it.item_name, it.accepted, it.promised_days, it.legal_days, it.rate),
                                  start=1):
            cell = items.cell(row=r, column=c, value=value)
        cell.number_format = "0.0%"
        if it.rate is not None and it.rate < SPEED_UP_TARGET:
            cell.font = _WARN  # below the 50 % the reform asks for
    _widths(items, [22, 34, 10, 14, 14, 10])

    rated = wb.create_sheet("好差评")
    _title(rated, "政务服务好差评", figures)
    _header(rated, 4, ["评价等级", "件数"])
    for r, (level, label) in enumerate(LEVELS.items(), start=5):
        rated.cell(row=r, column=1, value=label)
        rated.cell(row=r, column=2, value=figures.ratings.get(level, 0))
    rated.cell(row=10, column=1, value="合计").font = _HEAD
    rated.cell(row=10, column=2, value=figures.rated).font = _HEAD
    _header(rated, 12, ["受理编号", "申请人", "事项", "环节", "评价", "意见", "渠道", "整改期限", "整改情况"])
    for r, b in enumerate(figures.bad_reviews, start=13):
        values = (b.case_no, b.applicant_name, b.item_name, b.stage_label, b.level_label, b.comment, b.channel_label,
                  b.follow_up_due, b.follow_up_note or ("已整改" if b.follow_up_done else "待整改"))
        for c, value in enumerate(values, start=1):
            cell = rated.cell(row=r, column=c, value=value)
            if c == 8:
                cell.number_format = "yyyy-mm-dd"
    _widths(rated, [22, 14, 24, 12, 12, 30, 16, 12, 24])
    _commitments_and_visits(wb.create_sheet("告知承诺与现场核查"), figures)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def export_xlsx(figures: Figures, path: Path) -> Path:
    """The figures as a workbook: periods (with a chart), speed-up per item, 好差评 and bad reviews, 告知承诺 and
    site visits."""
    return write_workbook(figures, path)
