"""schemathesis over every operation of the published OpenAPI description, authenticated half the time."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

Check = Callable[[schemathesis.Case, dict[str, Any]], str | None]


def fuzz(schema: Any, auth: dict[str, str], examples: int, check: Check) -> list[str]:
    """Run `check(case, headers)` on generated cases of every operation; the problems it reported."""
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy(), authed=st.booleans())
        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def probe(case: schemathesis.Case, authed: bool) -> None:
            headers = dict(case.headers or {})
            if authed:  # half the examples get past authentication and reach the real work
                headers.update(auth)
            problem = check(case, headers)
            if problem:
                failures.append(f"{case.method} {case.formatted_path}: {problem}")

        random.seed(0)
        probe()
    return failures
