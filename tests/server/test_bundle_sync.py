"""一件事 parts reach the real server (uvicorn on 127.0.0.1), which routes each to its department's window
from its own catalog; the part then comes down to that window's workstation."""

from __future__ import annotations

import json
from collections.abc import Callable

from bundle_kit import FIRE, FOOD_LICENCE, REGISTRATION, SIGN, application
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolment_code

from app.bundles.bundle_intake import accept_bundle
from db.models import Case as ClientCase
from server.models import Case


def _server_windows(server: LiveServer) -> dict[str, tuple[str, dict]]:
    with server.session() as s:
        return {c.id: (c.window_code, json.loads(c.record_json)) for c in s.execute(select(Case)).scalars()}


def test_parts_are_routed_to_their_departments_windows(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    a01 = workstations("a01")
    a01.enrol(live_server, enrolment_code(live_server, "W01"))
    a01.sign_in("zhangmin")
    result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
    outcome = a01.sync("zhangmin")
    assert outcome.ok and outcome.rejected == 0
    rows = _server_windows(live_server)
    by_item = {rec["item_code"]: (win, rec) for win, rec in rows.values()}
    assert {code: by_item[code][0] for code in (REGISTRATION, FOOD_LICENCE, FIRE, SIGN)} == {
        REGISTRATION: "W02", FOOD_LICENCE: "W02", FIRE: "W08", SIGN: "W04"}
    assert {rec["bundle_id"] for _, rec in by_item.values()} == {result.bundle_id}
    fire_id = next(p.case_id for p in result.parts if p.item_code == FIRE)
    assert by_item[FIRE][1]["bundle_after"] == json.dumps([result.parts[0].case_id])

    d01 = workstations("d01")  # the fire window's workstation pulls its part
    d01.enrol(live_server, enrolment_code(live_server, "W08"), "fangqing")
    d01.sign_in("fangqing")
    assert d01.sync("fangqing").ok
    with d01.ctx.read() as s:
        pulled = s.execute(select(ClientCase.case_no).where(ClientCase.id == fire_id)).scalar_one_or_none()
    assert pulled == next(p.case_no for p in result.parts if p.item_code == FIRE)


def _part(ws: Workstation, case_id: str) -> ClientCase | None:
    with ws.ctx.read() as s:
        row = s.get(ClientCase, case_id)
        if row is not None:
            s.expunge(row)
        return row


def _three_windows(live_server: LiveServer, workstations: Callable[[str], Workstation]
                   ) -> tuple[Workstation, Workstation, Workstation]:
    made = []
    for name, window, user in (("a01", "W01", "zhangmin"), ("a02", "W02", "lina"), ("d01", "W08", "fangqing")):
        ws = workstations(name)
        ws.enrol(live_server, enrolment_code(live_server, window), user)
        ws.sign_in(user)
        made.append(ws)
    return made[0], made[1], made[2]


def test_the_prerequisite_decided_at_a02_starts_or_stops_the_part_at_d01(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    from app.signoff.decisions import DecisionInput, decide_single
    from app.station.bootstrap import DEMO_PASSWORD

    a01, a02, d01 = _three_windows(live_server, workstations)
    for outcome in ("approve", "deny"):
        result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
        ids = {p.item_code: p.case_id for p in result.parts}
        assert a01.sync("zhangmin").rejected == 0
        assert a02.sync("lina").ok and d01.sync("fangqing").ok
        assert _part(d01, ids[FIRE]).clock_start is None  # waiting at D01
        decision = (DecisionInput("approve", "准予登记", content="核准设立登记") if outcome == "approve" else
                    DecisionInput("deny", "不予登记", reasons="经营场所不符合要求", basis="《市场主体登记管理条例》第二十一条"))
        decide_single(a02.ctx, a02.actor("lina"), ids[REGISTRATION], decision, custodian_password=DEMO_PASSWORD)
        assert a02.sync("lina").rejected == 0
        assert d01.sync("fangqing").rejected == 0  # pulls the decision, starts or stops its part
        assert d01.sync("fangqing").rejected == 0  # and pushes that
        fire = _part(d01, ids[FIRE])
        server_fire = _server_windows(live_server)[ids[FIRE]][1]
        if outcome == "approve":
            assert fire.state == "accepted" and fire.clock_start is not None and fire.legal_deadline is not None
            assert server_fire["clock_start"] == fire.clock_start.isoformat()
        else:
            assert fire.state == "stopped" and server_fire["state"] == "stopped"
        assert a01.sync("zhangmin").ok  # the comprehensive window follows every part
        assert _part(a01, ids[FIRE]).state == fire.state
