"""The shared protocol: wire (de)serialisation, schedules as days, and the backoff schedule."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app.sync import backoff
from app.sync.protocol import (
    Change,
    ChangePage,
    Op,
    ProtocolError,
    PushRequest,
    expand_schedule,
    from_wire,
    op_ids_digest,
    parse_ts,
    to_wire,
    ts,
)


def test_instants_travel_as_utc_text() -> None:
    at = datetime(2026, 11, 22, 2, 30, 0, 123456)
    assert ts(at) == "2026-11-22T02:30:00.123456Z"
    assert parse_ts(ts(at)) == at
    beijing = datetime(2026, 11, 22, 10, 30, tzinfo=timezone(timedelta(hours=8)))
    assert parse_ts(beijing.isoformat()) == datetime(2026, 11, 22, 2, 30)
    with pytest.raises(ProtocolError):
        parse_ts("yesterday")


def test_nested_messages_round_trip_and_bad_ones_are_refused() -> None:
    req = PushRequest(3, [Op("9b2f1c3e-0000-4000-8000-000000000001", 7, 3, "case", "c1", "accept",
                             "2026-11-22T02:30:00Z", "zhangmin", {"state": "accepted", "materials": [1, 2]})])
    assert from_wire(PushRequest, to_wire(req)) == req
    page = from_wire(ChangePage, {"changes": [{"seq": 1, "kind": "case", "key": "c1", "data": {}}],
                                  "cursor": 1, "more": False, "added_later": "ignored"})
    assert page.changes == [Change(1, "case", "c1", {})]
    with pytest.raises(ProtocolError, match="missing"):
        from_wire(ChangePage, {"changes": []})
    with pytest.raises(ProtocolError, match="expected int"):
        from_wire(ChangePage, {"changes": [], "cursor": "1", "more": False})
    with pytest.raises(ProtocolError):
        from_wire(ChangePage, {"changes": [], "cursor": True, "more": False})  # a bool is not a number here


def test_op_id_digest_compares_sets() -> None:
    assert op_ids_digest(["b", "a"]) == op_ids_digest(["a", "b"]) != op_ids_digest(["a"])
    # SHA-256 of "a\nb" (sha256sum of printf 'a\nb')
    assert op_ids_digest(["b", "a"]) == "7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78"


def test_a_year_schedule_becomes_every_day_of_the_year() -> None:
    doc = {"year": 2027, "holidays": [{"name": "春节", "first": "2027-02-05", "last": "2027-02-13"}],
           "makeup_workdays": [{"name": "春节", "day": "2027-01-31"}, {"name": "春节", "day": "2027-02-20"}]}
    days = {d.day: d for d in expand_schedule(doc)}
    assert len(days) == 365  # 2027 is not a leap year
    assert days[date(2027, 2, 8)].kind == "holiday" and days[date(2027, 2, 8)].name == "春节"  # a Monday off
    assert days[date(2027, 1, 31)].workday and days[date(2027, 1, 31)].kind == "makeup"  # a Sunday worked
    assert days[date(2027, 2, 14)].kind == "weekend" and days[date(2027, 2, 15)].kind == "workday"
    assert sum(1 for d in days.values() if d.kind == "holiday") == 9
    # 2027: 365 days = 52 weeks + Friday 31 Dec, so 104 weekend days; the 9 holiday days include 3 weekend
    # days (Sat 6, Sun 7, Sat 13 Feb), so 6 weekdays are off; two weekend days are worked: 365 - 104 - 6 + 2
    assert sum(1 for d in days.values() if d.workday) == 257


@pytest.mark.parametrize("bad", [
    {"year": 2027, "makeup_workdays": [{"day": "2027-02-10"}]},  # a Wednesday is a working day anyway
    {"year": 2027, "holidays": [{"name": "元旦", "first": "2026-12-31", "last": "2027-01-01"}]},  # other year
    {"year": 2027, "holidays": [{"name": "", "first": "2027-01-01", "last": "2027-01-01"}]},
    {"year": 2027, "holidays": [{"name": "x", "first": "2027-01-03", "last": "2027-01-01"}]},
    {"holidays": []},
])
def test_malformed_schedules_are_refused(bad: dict) -> None:
    with pytest.raises(ProtocolError):
        expand_schedule(bad)


def test_backoff_is_full_jitter_capped_at_five_minutes_and_honours_retry_after() -> None:
    assert backoff.delay(1, rng=lambda: 1.0) == 4.0  # base 2 s · 2¹
    assert backoff.delay(3, rng=lambda: 0.5) == 8.0  # half of 16 s
    assert backoff.delay(1, rng=lambda: 0.0) == 0.0  # full jitter reaches zero
    assert backoff.delay(30, rng=lambda: 1.0) == 300.0  # capped
    assert backoff.delay(1, 120, rng=lambda: 0.0) == 120.0  # Retry-After is a floor
    assert backoff.delay(1, 3600, rng=lambda: 0.0) == 300.0  # … still capped
    samples = [backoff.delay(5) for _ in range(200)]
    assert all(0 <= s <= 64 for s in samples) and len(set(samples)) > 100
