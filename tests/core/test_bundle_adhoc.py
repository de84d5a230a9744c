"""自选“一件事”: items added by hand at the comprehensive window — 2 to 8 current items, in parallel, each routed
as the server routes it (a theme's window for the item, else this window for its own department's items, else
the department's first window), one intake, one receipt and one 受理通知书; the theme rebuilt from the parts."""

from __future__ import annotations

import pytest
from bundle_kit import parts_of
from ow_testkit import at_local, clerk, person, set_clock
from sqlalchemy import select

from app.bundles.adhoc import ADHOC, adhoc_theme, bundle_theme
from app.bundles.bundle_intake import BundleInput, PaperInput, accept_bundle
from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from db.models import Bundle, Document, Window

OWN, HYGIENE, FOOD, FREIGHT = "330999-SJ-XK-008", "330999-WJ-XK-001", "330999-SJ-XK-001", "330999-JT-XK-002"


def _windows(ctx: AppContext) -> dict[int, str]:
    with ctx.read() as s:
        return {w.id: w.number for w in s.execute(select(Window)).scalars()}


def test_each_item_goes_where_the_server_sends_it(ctx: AppContext) -> None:
    theme = adhoc_theme(ctx, clerk(ctx), (OWN, HYGIENE, FOOD, FREIGHT, OWN))
    assert theme.code == ADHOC and [p.item_code for p in theme.parts] == [OWN, HYGIENE, FOOD, FREIGHT]  # once each
    routed = {p.item_code: p.window_code for p in theme.parts}
    # 食品生产许可 (市场监管, in no theme) stays at A01 (W01); 食品经营许可 and 公共场所卫生许可 go where the themes
    # received here send them (W02, W03); 道路货物运输 (in no theme) to 交通运输's first window B03 (W05)
    assert routed == {OWN: "W01", HYGIENE: "W03", FOOD: "W02", FREIGHT: "W05"}
    assert all(not p.after for p in theme.parts)  # in parallel: no 前置 by hand
    assert theme.papers and len({p.key for p in theme.papers}) == len(theme.papers)  # each paper once


def test_limits_are_said_at_the_field(ctx: AppContext) -> None:
    with pytest.raises(ValidationError) as one:
        adhoc_theme(ctx, clerk(ctx), (OWN,))
    assert one.value.field == "theme" and "至少包含两个事项" in one.value.message
    with pytest.raises(ValidationError) as unknown:
        adhoc_theme(ctx, clerk(ctx), (OWN, "330999-XX-XK-999"))
    assert "不在当前事项目录中" in unknown.value.message
    data = BundleInput(ADHOC, person(), (), items=(OWN, HYGIENE))
    with pytest.raises(AppError) as elsewhere:  # A02 receives no 一件事
        accept_bundle(ctx, clerk(ctx, "lina"), data)
    assert elsewhere.value.code == "not_comprehensive"


def test_one_intake_of_items_added_by_hand(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    theme = adhoc_theme(ctx, clerk(ctx), (OWN, HYGIENE))
    papers = tuple(PaperInput(p.key, "received", True, p.copies) for p in theme.papers
                   if not p.from_part and not p.for_agent)
    result = accept_bundle(ctx, clerk(ctx), BundleInput(ADHOC, person(), papers, items=(OWN, HYGIENE)))
    assert len(result.parts) == 2 and len(result.document_ids) == 2
    cases = parts_of(ctx, result.bundle_id)
    windows = _windows(ctx)
    assert {code: windows[c.window_id] for code, c in cases.items()} == {OWN: "A01", HYGIENE: "B01"}
    assert all(c.state == "accepted" and c.clock_start is not None for c in cases.values())
    with ctx.read() as s:
        bundle = s.get(Bundle, result.bundle_id)
        assert bundle is not None and bundle.theme_code == ADHOC and "自选" in bundle.theme_name
        again = bundle_theme(s, bundle)
        kinds = sorted(s.execute(select(Document.kind).where(Document.id.in_(result.document_ids))).scalars())
    assert [(p.item_code, p.window_code) for p in again.parts] == [(p.item_code, p.window_code) for p in theme.parts]
    assert kinds == ["acceptance_notice", "receipt"]
