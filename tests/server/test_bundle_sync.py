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
