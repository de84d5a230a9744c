"""The catalog checks its own promises: 提速率 against the 50 % line — stdlib only, shared with the server.

二七区: "不能当场办结的，办结时限对比法定时限提速率不得低于50%". 提速率 = 1 − promised / legal limit (working
days). An item decided on the spot (即办件) or without a legal limit is not measured. A warning, not a refusal:
the catalog is the departments' published list, and an import that stopped on one item would leave the hall
on the old list; the warning names the item so the department can shorten its promise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SPEED_UP_TARGET = 0.5  # 提速率不得低于50%


def speed_up_rate(legal_days: int, promised_days: int) -> float | None:
    """提速率 = 1 − promised / legal (None without a legal limit)."""
    return 1 - promised_days / legal_days if legal_days > 0 else None


def below_target(processing_type: str, legal_days: int, promised_days: int) -> bool:
    """An item that cannot be finished on the spot whose promise is more than half its legal limit."""
    rate = speed_up_rate(legal_days, promised_days)
    return processing_type != "immediate" and rate is not None and rate < SPEED_UP_TARGET


def promise_warning(code: str, name: str, processing_type: str, legal_days: int, promised_days: int) -> str | None:
    """The warning for one item, in Chinese (None when its promise meets the line)."""
    if not below_target(processing_type, legal_days, promised_days):
        return None
    rate = speed_up_rate(legal_days, promised_days) or 0.0
    return (f"事项 {code} {name}：承诺时限 {promised_days} 个工作日超过法定时限 {legal_days} 个工作日的一半，"
            f"提速率 {rate:.0%}，低于 50%")


def catalog_warnings(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """The warnings for a catalog document's items (the import file's keys), in the file's order."""
    out = []
    for it in items:
        try:
            legal, promised = int(it.get("legal_days") or 0), int(it.get("promised_days") or 0)
        except (TypeError, ValueError):
            continue  # the import's own checks name a malformed limit
        warning = promise_warning(str(it.get("code", "")), str(it.get("name", "")),
                                  str(it.get("processing_type", "")), legal, promised)
        if warning is not None:
            out.append(warning)
    return out
