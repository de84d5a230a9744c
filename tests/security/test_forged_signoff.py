"""Three workstations of window W01 and a real server: a clerk's workstation forges the chief's sign-off
over raw HTTP (with its own device secret and her own token) and is refused; the chief's real sign-off,
made and signed at his own workstation, is applied."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from typing import Any

import requests
from ow_testkit import complete, item_named
from server_api_kit import DEVICE, SECRET
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolment_code

from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import settings as keys
from app.sync.protocol import Op, from_wire, signing_message
from db.models import OutboxOp
from server.models import AppliedOp, Case, Device

FOOD = "食品经营许可"  # 一审一核, delegated to the chief zhoujianhua
CHIEF = "zhoujianhua"


def _enrolled(live_server: LiveServer, make: Callable[[str], Workstation], name: str, user: str) -> Workstation:
    ws = make(name)
    ws.enrol(live_server, enrolment_code(live_server), username=user)
    ws.sign_in(user)
    return ws


def _forge(live_server: LiveServer, ws: Workstation, user: str, op: dict[str, Any]) -> requests.Response:
    """What the clerk can send by hand: her workstation's device secret and her own token from its keyring."""
    with ws.ctx.read() as s:
        device_id = keys.get(s, keys.DEVICE_ID)
    headers = {DEVICE: device_id, SECRET: ws.store.device_secret(device_id) or "",
               "Authorization": f"Bearer {ws.store.token(device_id, user, ws.ctx.now())}"}
    return requests.post(f"{live_server.url}/v1/push", headers=headers, json={"epoch": 0, "ops": [op]}, timeout=30)


def _signoff_op(live_server: LiveServer, ws: Workstation, case_id: str, case_no: str) -> dict[str, Any]:
    with ws.ctx.read() as s:
        device_id = keys.get(s, keys.DEVICE_ID)
    with live_server.session() as s:
        mark = s.execute(select(Device.mark).where(Device.id == device_id)).scalar_one()
    return {"op_id": str(uuid.uuid4()), "device_seq": mark + 1, "epoch": 0, "entity": "case", "entity_id": case_id,
            "op": "sign_off", "created_at": ws.ctx.now().isoformat() + "Z", "actor": CHIEF,
            "payload": {"case_id": case_id, "case_no": case_no, "state": "approved", "from_state": "awaiting_signoff",
                        "approver": CHIEF, "decision": "approved", "window_code": "W01", "opinion": "同意"}}


def _server_case(live_server: LiveServer, case_id: str) -> tuple[str, str | None]:
    with live_server.session() as s:
        row = s.execute(select(Case).where(Case.id == case_id)).scalar_one()
        return row.state, json.loads(row.record_json).get("approver")


def test_a_forged_signoff_is_refused_and_the_chiefs_own_is_applied(live_server: LiveServer, workstations) -> None:
    a = _enrolled(live_server, workstations, "a", "zhangmin")  # the clerk who takes the case in
    b = _enrolled(live_server, workstations, "b", "liuting")  # the clerk who forges
    c = _enrolled(live_server, workstations, "c", CHIEF)  # the chief's own workstation
    clerk = a.actor("zhangmin")
    case = accept_case(a.ctx, clerk, complete(item_named(a.ctx, FOOD)))
    record_review(a.ctx, clerk, case.case_id, DecisionInput("approve", "材料齐全，符合条件", "预包装食品销售"))
    assert a.sync("zhangmin").ok and b.sync("liuting").ok

    # 1. unsigned, naming the chief
    answer = _forge(live_server, b, "liuting", _signoff_op(live_server, b, case.case_id, case.case_no))
    assert answer.status_code == 200 and answer.json()["results"][0]["code"] == "unsigned"
    # 2. signed with her own key (opened at her sign-in on B), naming the chief: he has no key at B
    with b.ctx.read() as s:
        device_b = keys.get(s, keys.DEVICE_ID)
    op = _signoff_op(live_server, b, case.case_id, case.case_no)
    own_key = b.ctx.signing_keys["liuting"]
    op["signature"] = base64.b64encode(own_key.sign(signing_message(from_wire(Op, op), device_b))).decode()
    answer = _forge(live_server, b, "liuting", op)
    assert answer.status_code == 409 and answer.json()["code"] == "no_key"
    # 3. the chief once signed in at B too (his key for B is registered, sealed in B under his password)
    b.sign_in(CHIEF)
    b.ctx.signing_keys.pop(CHIEF)  # he signed out; she has B's database but not his password
    answer = _forge(live_server, b, "liuting", op)
    assert answer.status_code == 200 and answer.json()["results"][0]["code"] == "bad_signature"
    assert _server_case(live_server, case.case_id) == ("awaiting_signoff", None)

    # the chief at his own workstation: signed as he acts, applied by the server
    assert c.sync(CHIEF).ok
    chief = c.actor(CHIEF)
    sign_off(c.ctx, chief, case.case_id, DecisionInput("approve", "同意", "预包装食品销售"),
             custodian_password=DEMO_PASSWORD)
    with c.ctx.read() as s:
        mine = s.execute(select(OutboxOp).where(OutboxOp.entity_id == case.case_id)).scalars().all()
    assert mine and all(row.signature and row.actor == CHIEF for row in mine)
    outcome = c.sync(CHIEF)
    assert outcome.ok and outcome.rejected == 0
    assert _server_case(live_server, case.case_id) == ("approved", CHIEF)
    with live_server.session() as s:
        statuses = {r.op_id: r.status for r in s.execute(select(AppliedOp).where(
            AppliedOp.entity_id == case.case_id, AppliedOp.actor == CHIEF)).scalars()}
    assert sorted(statuses.values()).count("applied") == len(mine)
