"""Desks and lists do not grow with history: the same number of SQL statements per page at two database sizes.

Two halls made by the benchmark generator (bench/hall.py) hold the same running cases over 1,500 and
15,000 past ones. The past decisions keep no approver, as old records did: a desk that took every decided
case without an approver for the department's (and looked up its documents one by one) would run ten
times the statements on the larger one. Statements are counted at SQLite itself (trace callback on every
connection), so ORM queries and the bare list queries are counted alike.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ow_testkit import clerk
from sqlalchemy import event

from app.cases.queries import CaseQuery, due_cases, search_cases
from app.certificates.register import RegisterQuery, awaiting_issue, expiry_reminders, search_register
from app.core.context import AppContext
from app.signoff.queue import review_desk, signoff_queue
from app.station.bootstrap import open_data_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.hall import END, build  # noqa: E402

RUNNING = 120  # fewer than a desk page: each page shows every running case at both sizes


def _hall(template: Path, target: Path, past: int) -> Path:
    shutil.copytree(template, target)
    build(target, past + RUNNING, running=RUNNING, approvers=False)
    return target


def _counting(ctx: AppContext) -> list[str]:
    statements: list[str] = []

    def trace(dbapi: sqlite3.Connection, _record: Any) -> None:
        dbapi.set_trace_callback(statements.append)

    for engine in (ctx.engine, ctx.read_engine):
        engine.dispose()  # new connections from here on carry the trace
        event.listen(engine, "connect", trace)
    return statements


def _pages(root: Path) -> dict[str, tuple[int, int]]:
    """(statements, rows) of each page, the second call of each (caches filled)."""
    ctx = open_data_dir(root, demo=True)
    ctx.clock = lambda: END
    statements = _counting(ctx)
    window, chief = clerk(ctx), clerk(ctx, "zhoujianhua")
    first = search_register(ctx, RegisterQuery(limit=5))
    key = (first[-1].issued_on, first[-1].number)
    pages: dict[str, Callable[[], Any]] = {
        "review desk": lambda: review_desk(ctx, window),
        "sign-off queue": lambda: signoff_queue(ctx, chief),
        "certificate desk": lambda: awaiting_issue(ctx, window),
        "case list": lambda: search_cases(ctx, window, CaseQuery()).rows,
        "case list by state": lambda: search_cases(ctx, window, CaseQuery(states=("denied",))).rows,
        "due soon": lambda: due_cases(ctx, window).due_soon,
        "certificate register": lambda: search_register(ctx, RegisterQuery(limit=200)),
        "certificate register, next page": lambda: search_register(ctx, RegisterQuery(limit=200, after=key)),
        "certificate register search": lambda: search_register(ctx, RegisterQuery(text="食品", limit=200)),
        "expiry reminders": lambda: expiry_reminders(ctx),
    }
    out = {}
    try:
        for name, page in pages.items():
            page()
            statements.clear()
            rows = page()
            out[name] = (len(statements), len(rows))
    finally:
        ctx.dispose()
    return out


def test_statements_per_page_do_not_grow_with_history(demo_template: Path, tmp_path: Path) -> None:
    small = _pages(_hall(demo_template, tmp_path / "small", 1_500))
    large = _pages(_hall(demo_template, tmp_path / "large", 15_000))
    assert {k: v[0] for k, v in small.items()} == {k: v[0] for k, v in large.items()}
    for name in ("review desk", "sign-off queue", "certificate desk"):
        assert small[name][1] == large[name][1] > 0, name  # the same running cases on both
    # No query per row: a page of dozens of cases takes a handful of statements (the authority check of
    # the sign-off queue runs once per item of the catalog on the page, not per case).
    assert small["review desk"][0] <= 5
    assert small["certificate desk"][0] <= 5
    # The register: one statement for the page's lines (the certificate, its case number, type, documents
    # and the number it replaces joined), not about five per certificate.
    assert small["certificate register"][1] > 100 and large["certificate register"][1] == 200
    assert small["certificate register"][0] <= 3
    assert small["certificate register, next page"][0] <= 3
