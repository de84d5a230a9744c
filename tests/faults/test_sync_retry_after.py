"""A server that answers 503 with Retry-After: N is not asked again for at least N seconds, then the sync goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from faults.chaos_proxy import ChaosProxy
from faults.sync_fault_kit import accept, assert_agree, hall
from pytestqt.qtbot import QtBot

from app.sync import backoff

RETRY_AFTER = 1.0  # seconds: short, so the test is not slow


def test_the_next_attempt_waits_for_retry_after(demo_template: Path, qtbot: QtBot,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.sync.view import SyncController

    # No jitter: the backoff alone would try again at once, so only Retry-After can make it wait.
    monkeypatch.setattr(backoff, "jitter", lambda: 0.0)
    with hall(demo_template) as h, ChaosProxy(h.server.url, budget=0) as proxy:
        a = h.workstation("a", url=proxy.url)
        made = accept(a, 1)
        proxy.busy(1, f"{RETRY_AFTER:g}")
        controller = SyncController(a.ctx, a.actor(), a.store)  # what the main window runs, without a window
        outcomes: list[object] = []
        controller.finished.connect(outcomes.append)
        controller.run_now()
        qtbot.waitUntil(lambda: len(outcomes) >= 2, timeout=20_000)
        controller.shutdown()
        first, second = outcomes[:2]
        assert first.code == "offline" and first.retry_after == RETRY_AFTER, first  # type: ignore[attr-defined]
        assert second.ok, second  # type: ignore[attr-defined]
        (busy,) = [entry for entry in proxy.answered if entry[3] == "busy"]
        later = [arrived for arrived, _answered, _what, _fault in proxy.answered if arrived > busy[1]]
        waited = min(later) - busy[1]
        assert RETRY_AFTER <= waited < RETRY_AFTER + 2.0, waited  # not sooner, and not left to the 60 s timer
        assert_agree(h.server, [a], set(made))
