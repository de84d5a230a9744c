"""Facts about the hall this workstation serves, for titles and documents."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core.context import AppContext
from db.models import Hall


@dataclass(frozen=True)
class HallInfo:
    code: str
    name: str
    short_name: str
    phone: str
    complaint_phone: str
    verify_base_url: str
    reconsideration_body: str = ""
    court: str = ""


def hall_info(ctx: AppContext) -> HallInfo:
    """The hall row, or a placeholder before reference data has arrived."""
    with ctx.read() as s:
        h = s.execute(select(Hall)).scalar_one_or_none()
        if h is None:
            return HallInfo("", "（未载入大厅数据）", "", "", "", "")
        return HallInfo(h.code, h.name, h.short_name, h.phone, h.complaint_phone, h.verify_base_url,
                        h.reconsideration_body, h.court)
