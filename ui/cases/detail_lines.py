"""Lines of the case detail's header that are plain formatting: dates, and the 上报 deadline and its outcome."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from app.cases.detail import CaseDetail
from app.cases.lights import LIGHT_COLORS, LIGHT_LABELS, Light


def day_text(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value.isoformat()


def forwarding_line(d: CaseDetail) -> str:
    """上报: the two-day deadline, when it went, and the department's time beside the legal limit."""
    if d.forward_due is None:
        return ""
    line = f"<br>上报期限 {day_text(d.forward_due)}（手续完备后两个工作日内）"
    if d.forwarded_at is not None:
        late = "<span style='color:#d93025'>，逾期上报</span>" if d.forward_late else "，按时上报"
        line += f"　{day_text(d.forwarded_at)} 已上报{late}"
    if d.department_time is not None:
        line += f"<br><b>{escape(d.department_time.text)}</b>"
    return line


def chip(light: Light, what: str) -> str:
    """A deadline with its light, as the header shows it."""
    return (f"<span style='background:{LIGHT_COLORS[light]};color:white;padding:2px 8px;border-radius:8px'>"
            f"&nbsp;{what}：{LIGHT_LABELS[light]}&nbsp;</span>")
