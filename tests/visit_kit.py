"""Shared steps for the site-visit tests (core, server, UI): a real PNG photo and a visit of 食品经营许可."""

from __future__ import annotations

import io
from datetime import date

from app.cases.site_visits import SiteVisitInput

FOOD = "食品经营许可"  # the catalog marks it 需现场核查; legal 10, promised 5 working days
NO_VISIT = "食品经营许可变更"  # no site visit in the catalog
CHECKS = "经营场所面积与布局\n冷藏冷冻设施设备\n与污染源的距离"


def photo(colour: tuple[int, int, int] = (40, 120, 60)) -> bytes:
    """A real PNG (drawn with Pillow), as a phone camera's export would be."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="PNG")
    return buf.getvalue()


def visit_on(day: date, *inspectors: str, place: str = "") -> SiteVisitInput:
    return SiteVisitInput(day, inspectors or ("李建国", "赵敏"), CHECKS, place)
