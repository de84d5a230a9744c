"""A workstation clock that is wrong: told so, no sync until fixed; a day set back never repeats a case number."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from faults.sync_fault_kit import accept, assert_agree, hall, pending, server_op_ids
from ow_testkit import at_local
from sync_testkit import Clock

from app.sync import status


@pytest.mark.parametrize(("offset", "side"), [(6, "快"), (-6, "慢")])
def test_clock_off_by_more_than_five_minutes_stops_sync_until_fixed(demo_template: Path, offset: int,
                                                                    side: str) -> None:
    with hall(demo_template) as h:
        h.clock.at = at_local(2026, 11, 23, 10, 0)
        own = Clock(h.clock.at)
        a = h.workstation("a", clock=own)
        own.at = h.clock.at + timedelta(minutes=offset)
        made = accept(a, 2)
        outcome = a.sync()
        assert not outcome.ok and outcome.code == "clock_skew"
        assert f"本机时间比中心服务器{side}约 6 分钟" in outcome.message and "5 分钟以内" in outcome.message
        assert status.history(a.ctx)[0].error.startswith("本机时间比中心服务器")  # on the sync page
        assert server_op_ids(h.server) == [] and pending(a) == 2  # nothing left the workstation
        own.at = h.clock.at + timedelta(minutes=4 if offset > 0 else -4)  # within the tolerance
        assert a.sync().ok
        assert_agree(h.server, [a], set(made))


def test_clock_set_back_a_day_continues_that_days_numbers(demo_template: Path) -> None:
    with hall(demo_template) as h:
        monday, tuesday = at_local(2026, 11, 23, 10, 0), at_local(2026, 11, 24, 10, 0)
        h.clock.at = monday
        own = Clock(monday)
        a = h.workstation("a", clock=own)
        first = accept(a, 2)
        assert a.sync().ok
        h.clock.at = own.at = tuesday
        second = accept(a, 1)
        own.at = monday + timedelta(hours=2)  # someone sets the date back to Monday by mistake
        wrong = accept(a, 2)
        device = first[0][:4]
        epoch = first[0][12]
        # device (4) + date (8) + epoch (1) + the day's counter (5): Monday's counter goes on at 3
        assert first == [f"{device}20261123{epoch}00001", f"{device}20261123{epoch}00002"]
        assert second == [f"{device}20261124{epoch}00001"]
        assert wrong == [f"{device}20261123{epoch}00003", f"{device}20261123{epoch}00004"]
        assert a.sync().code == "clock_skew"  # a day off: refused, nothing sent
        assert len(server_op_ids(h.server)) == 2
        own.at = tuesday + timedelta(minutes=1)
        assert a.sync().ok
        assert_agree(h.server, [a], set(first + second + wrong))
