"""A bad network (dropped requests and answers, duplicates, delays, 503, truncated bodies): afterwards all agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from faults.chaos_proxy import ChaosProxy
from faults.sync_fault_kit import accept, assert_agree, hall


@pytest.mark.parametrize("seed", [1, 2])
def test_after_the_network_settles_client_and_server_agree(demo_template: Path, seed: int) -> None:
    with hall(demo_template) as h, ChaosProxy(h.server.url, seed=seed, budget=0) as proxy:
        a = h.workstation("a", url=proxy.url)
        b = h.workstation("b", "wangyan", url=proxy.url)
        made: list[str] = []
        outcomes = []
        proxy.arm(40)
        for _ in range(8):
            made += accept(a, 1)
            outcomes.append(a.sync())
            made += accept(b, 1, "wangyan")
            outcomes.append(b.sync("wangyan"))
        faults = sum(n for fault, n in proxy.seen.items() if fault != "pass")
        assert faults >= 20, proxy.seen  # the network really was bad
        assert {o.code for o in outcomes if not o.ok} <= {"offline", "bad_response"}, outcomes
        assert any(not o.ok for o in outcomes)
        proxy.calm()
        for ws, who in ((a, "zhangmin"), (b, "wangyan"), (a, "zhangmin")):
            outcome = ws.sync(who)
            assert outcome.ok, outcome
        assert_agree(h.server, [a, b], set(made))
