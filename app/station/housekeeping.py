"""What the workstation does by itself at start-up and every hour: the art. 32 deemed acceptances,
closing notified cases whose applicant never returned, and the daily backup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.context import AppContext
from app.intake.correction import sweep_unanswered
from app.intake.outcomes import sweep_deemed_acceptance
from app.station.bootstrap import daily_backup


@dataclass(frozen=True)
class HousekeepingResult:
    deemed_accepted: tuple[str, ...]
    closed_unanswered: tuple[str, ...]
    backup_made: bool


def run_housekeeping(ctx: AppContext, close_after_workdays: int, *, report: Any = None,
                     cancel: Any = None) -> HousekeepingResult:
    """Safe to run any number of times a day; each step is its own transaction."""
    deemed = sweep_deemed_acceptance(ctx)
    closed = sweep_unanswered(ctx, close_after_workdays) if close_after_workdays > 0 else []
    backup = daily_backup(ctx.data) is not None
    return HousekeepingResult(tuple(deemed), tuple(closed), backup)
