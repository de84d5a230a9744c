"""Housekeeping at start-up: deemed acceptances, unanswered notices, the daily backup — idempotent."""

from __future__ import annotations

from ow_testkit import at_local, clerk, complete, item_named, set_clock

from app.core.context import AppContext
from app.intake.outcomes import receive_case
from app.station.housekeeping import run_housekeeping


def test_housekeeping_runs_twice_without_doing_anything_twice(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 2))
    r = receive_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")))
    set_clock(ctx, at_local(2026, 11, 12))
    first = run_housekeeping(ctx, 60)
    again = run_housekeeping(ctx, 60)
    assert first.deemed_accepted == (r.case_no,) and again.deemed_accepted == ()
    assert list(ctx.data.backups.glob("onewindow-*-daily.sqlite")), "a daily backup exists"
    assert not again.backup_made
