"""What the workstation does by itself at start-up and every hour: the art. 32 deemed acceptances,
closing notified cases whose applicant never returned, and the daily backup."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.context import AppContext
from app.intake.correction import sweep_unanswered
from app.intake.outcomes import SweepResult, sweep_deemed_acceptance, sweep_failure
from app.station import retention
from app.station.bootstrap import daily_backup

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HousekeepingResult:
    deemed_accepted: tuple[str, ...]
    closed_unanswered: tuple[str, ...]
    backup_made: bool
    # Each case housekeeping could not handle, with the reason: (case id, case number, message).
    # The due panel lists them; a case id of "" means a whole step failed.
    failed: tuple[tuple[str, str, str], ...] = ()
    pruned: tuple[str, ...] = ()  # case numbers of closed cases pruned after the retention period (#19)


def _step(name: str, run: Callable[[], SweepResult], failed: list[tuple[str, str, str]]) -> tuple[str, ...]:
    """One sweep; should it fail as a whole (the database unreadable, say), say so and go on."""
    try:
        result = run()
    except Exception as exc:  # noqa: BLE001 — the backup must still be made
        log.exception("housekeeping step %s failed", name)
        failed.append(("", name, sweep_failure(exc)))
        return ()
    failed.extend(result.failed)
    return result.done


def run_housekeeping(ctx: AppContext, close_after_workdays: int, *, report: Any = None,
                     cancel: Any = None, retention_days: int = retention.DEFAULT_DAYS) -> HousekeepingResult:
    """Safe to run any number of times a day; each case is its own transaction, and no case — nor a
    failed step — keeps the others or the daily backup from being done."""
    failed: list[tuple[str, str, str]] = []
    deemed = _step("视为受理", lambda: sweep_deemed_acceptance(ctx), failed)
    closed = _step("逾期未补正办结", lambda: sweep_unanswered(ctx, close_after_workdays), failed) \
        if close_after_workdays > 0 else ()
    pruned = _step("办结办件到期清除", lambda: SweepResult(retention.prune(ctx, retention_days), ()), failed)
    backup = daily_backup(ctx.data) is not None
    return HousekeepingResult(deemed, closed, backup, tuple(failed), pruned)
