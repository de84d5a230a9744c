"""The catalog checks its own promises: 提速率 = 1 − promised / legal may not fall below 50 % (二七区).

Vectors worked by hand: 20 legal / 10 promised = 50 % (meets the line: "不得低于"); 20 / 11 = 45 %; 3 / 2 = 33 %;
an item finished on the spot (即办件) and one without a legal limit are not measured.
"""

from __future__ import annotations

import json
import logging

import pytest
from promise_kit import DEMO_ITEMS, slow_catalog
from sqlalchemy import select

from app.core.auth import login
from app.core.context import Actor, AppContext
from app.core.promise_rules import catalog_warnings, promise_warning, speed_up_rate
from app.reference.catalog import get_item, search_items, slow_promises
from app.station.bootstrap import DEMO_PASSWORD
from app.sync.reference_data import load_catalog
from db.models import Staff


@pytest.mark.parametrize(("kind", "legal", "promised", "rate", "warned"), [
    ("promised", 20, 10, 0.50, False),
    ("promised", 20, 11, 0.45, True),
    ("forwarded", 3, 2, 1 / 3, True),
    ("promised", 20, 5, 0.75, False),
    ("immediate", 10, 6, 0.40, False),  # 当场办结: the rule is for items that cannot be finished on the spot
    ("promised", 0, 0, None, False),
])
def test_the_fifty_percent_line(kind: str, legal: int, promised: int, rate: float | None, warned: bool) -> None:
    got = speed_up_rate(legal, promised)
    assert got == pytest.approx(rate) if rate is not None else got is None
    warning = promise_warning("X-1", "某事项", kind, legal, promised)
    assert (warning is not None) == warned
    if warning:
        assert f"承诺时限 {promised} 个工作日" in warning and f"法定时限 {legal} 个工作日" in warning
        assert f"提速率 {rate:.0%}" in warning and "低于 50%" in warning


def _clerk(ctx: AppContext) -> Actor:
    with ctx.read() as s:
        user = s.execute(select(Staff.username).where(Staff.role == "clerk")).scalars().first()
    return login(ctx, user, DEMO_PASSWORD)


def test_the_demo_catalog_keeps_its_promises(ctx: AppContext) -> None:
    doc = json.loads(DEMO_ITEMS.read_text(encoding="utf-8"))
    assert catalog_warnings(doc["items"]) == []
    assert slow_promises(ctx, _clerk(ctx)) == []


def test_a_client_import_warns_and_the_catalog_shows_the_item(ctx: AppContext,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), ctx.write("catalog") as s:
        load_catalog(s, slow_catalog(), "test")
    assert any("药品零售许可" in r.getMessage() and "提速率 25%" in r.getMessage() for r in caplog.records)
    actor = _clerk(ctx)
    warnings = slow_promises(ctx, actor)
    assert len(warnings) == 1 and "药品零售许可" in warnings[0] and "低于 50%" in warnings[0]
    found = [i for i in search_items(ctx, actor, "药品零售许可") if i.name == "药品零售许可"]
    assert found[0].below_target
    guide = get_item(ctx, actor, found[0].id)
    assert guide.promise_warning is not None and guide.speed_up_rate == pytest.approx(0.25)
