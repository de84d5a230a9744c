"""What the workstation does by itself at start-up and every hour: the art. 32 deemed acceptances,
closing notified cases whose applicant never returned, and the daily backup."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.bundles.bundle_receipt import sweep_deemed_bundles
from app.core.context import AppContext
from app.core.errors import AppError
from app.intake.correction import sweep_unanswered
from app.intake.outcomes import SweepResult, sweep_deemed_acceptance, sweep_failure
from app.station import retention
from app.station.bootstrap import daily_backup, run_deferred_checks

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
    integrity: str = ""  # the deferred integrity check failed: why (every write is refused from now on)


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
    checked_and_backed_up = False
    if ctx.checks_pending:  # a large file: its start-up check and daily backup come first, here
        try:
            checked_and_backed_up = run_deferred_checks(ctx)
        except AppError as exc:
            log.error("integrity check failed: %s", exc.message)
            return HousekeepingResult((), (), False, (("", "完整性检查", exc.message),), integrity=exc.message)
    deemed = _step("视为受理", lambda: sweep_deemed_acceptance(ctx), failed) + _step(
        "一件事视为受理", lambda: sweep_deemed_bundles(ctx), failed)
    closed = _step("逾期未补正办结", lambda: sweep_unanswered(ctx, close_after_workdays), failed) \
        if close_after_workdays > 0 else ()
    pruned = _step("办结办件到期清除", lambda: SweepResult(retention.prune(ctx, retention_days), ()), failed)
    backup = checked_and_backed_up or (daily_backup(ctx.data) is not None if not ctx.fence else False)
    return HousekeepingResult(deemed, closed, backup, tuple(failed), pruned)
