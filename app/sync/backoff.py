"""When to try again while the server is away: full-jitter exponential backoff, capped, honouring Retry-After."""

from __future__ import annotations

import random
from collections.abc import Callable

BASE_SECONDS = 2.0
CAP_SECONDS = 300.0  # never wait more than five minutes
jitter: Callable[[], float] = random.random  # uniform in [0, 1); a test sets it to 0 to see the Retry-After floor


def delay(attempt: int, retry_after: float | None = None, *, rng: Callable[[], float] | None = None) -> float:
    """Seconds before attempt `attempt` (1 = the first retry).

    Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"): uniform in
    [0, min(cap, base · 2^attempt)], so many workstations coming back at once do not retry in step.
    A Retry-After from the server is a floor (still capped).
    """
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2 ** max(0, attempt))
    wait = (rng or jitter)() * ceiling
    if retry_after is not None:
        wait = max(wait, min(retry_after, CAP_SECONDS))
    return wait
