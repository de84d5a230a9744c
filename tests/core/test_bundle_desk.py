"""The comprehensive window's 一件事 desk does not grow with history: the bundles it handed over in past
years are outside its partial index, a page takes the same statements at any size, and the keyset pages
walk every open bundle once."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import event, insert, select, text

from app.bundles.bundle_desk import open_bundles
from app.core.context import AppContext
from db.models import BUNDLE_DESK_WHERE, Bundle, Staff

START = at_local(2020, 1, 6, 9, 0)


def _add(ctx: AppContext, first: int, count: int, state: str) -> None:
    """Bundle rows as the intake leaves them (their parts are not what the desk reads)."""
    actor = clerk(ctx)
    with ctx.write("test") as s:
        staff = s.execute(select(Staff.id).where(Staff.username == "zhangmin")).scalar_one()
        s.execute(insert(Bundle), [{
            "id": f"b{n:08d}", "bundle_no": f"YJ{n:08d}", "theme_code": "t", "theme_name": "开办餐饮店",
            "window_id": actor.window_id, "clerk_id": staff, "applicant_name": "王䶮",
            "applicant_id_number": "x", "state": state, "received_at": START + timedelta(minutes=n),
            "created_at": START, "updated_at": START} for n in range(first, first + count)])


def _counting(ctx: AppContext) -> list[str]:
    statements: list[str] = []

    def trace(dbapi: sqlite3.Connection, _record: Any) -> None:
        dbapi.set_trace_callback(statements.append)

    for engine in (ctx.engine, ctx.read_engine):
        engine.dispose()
        event.listen(engine, "connect", trace)
    return statements


def test_a_page_costs_the_same_at_any_history_and_pages_walk_every_open_bundle(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    actor = clerk(ctx)
    _add(ctx, 0, 120, "open")
    statements = _counting(ctx)
    open_bundles(ctx, actor)
    statements.clear()
    small = len(open_bundles(ctx, actor))
    small_statements = len(statements)
    _add(ctx, 1_000, 20_000, "handed_over")
    open_bundles(ctx, actor)
    statements.clear()
    rows = open_bundles(ctx, actor)
    assert len(statements) == small_statements and len(rows) == small == 50
    seen, after = [], None
    while True:
        page = open_bundles(ctx, actor, after)
        if not page:
            break
        seen += [r.bundle_no for r in page]
        after = page[-1].key
    assert len(seen) == len(set(seen)) == 120 and seen == sorted(seen, reverse=True)  # newest first
    with ctx.read() as s:
        plan = " ".join(str(r[-1]) for r in s.execute(text(
            f"EXPLAIN QUERY PLAN SELECT id FROM bundle WHERE window_id = :w AND {BUNDLE_DESK_WHERE} "
            "ORDER BY received_at DESC, id DESC LIMIT 50"), {"w": actor.window_id}))
    assert "ix_bundle_desk_open" in plan and "TEMP B-TREE" not in plan, plan
