"""Issue #16, findings 1 and 2, over raw HTTP: an op counts only as the person who signed it, and the
two-person rule comes from the server's own catalog. Each of these was applied by the server before."""

from __future__ import annotations

import uuid
from typing import Any

from server_api_kit import Api, signed
from sqlalchemy import select

from server.models import Case, Seal

FOOD = "330999-SJ-XK-001"  # 一审一核 in the server's catalog, delegated to the chief zhoujianhua
W01_SEAL = "3309990018201"  # custodian: zhoujianhua
CHIEF, CLERK, OTHER_CLERK = "zhoujianhua", "liuting", "zhangmin"
_seq: dict[str, int] = {}


def _next(headers: dict[str, str]) -> int:
    device = headers["X-OneWindow-Device"]
    _seq[device] = _seq.get(device, 0) + 1
    return _seq[device]


def case_op(headers: dict[str, str], *, case_id: str | None = None, state: str = "accepted", op: str = "accept",
            actor: str = CLERK, **payload: Any) -> dict[str, Any]:
    case_id = case_id or str(uuid.uuid4())
    seq = _next(headers)
    body = {"case_id": case_id, "state": state, "case_no": f"1002202612010{uuid.uuid4().int % 10**5:05d}",
            "item_code": FOOD, "review_mode": "double", "window_code": "W01", "applicant_name": "王䶮", **payload}
    return {"op_id": str(uuid.uuid4()), "device_seq": seq, "epoch": 0, "entity": "case", "entity_id": case_id,
            "op": op, "created_at": "2026-12-01T02:00:00Z", "actor": actor, "payload": body}


def seal_op(headers: dict[str, str], to: str, actor: str = CHIEF) -> dict[str, Any]:
    return {"op_id": str(uuid.uuid4()), "device_seq": _next(headers), "epoch": 0, "entity": "seal",
            "entity_id": W01_SEAL, "op": "status", "created_at": "2026-12-01T02:00:00Z", "actor": actor,
            "payload": {"from": "active", "to": to, "reason": "遗失", "at": "2026-12-01T02:00:00Z"}}


def results(answer: Any) -> list[tuple[str, str]]:
    body = answer.json()
    if answer.status_code == 409:  # the queue held at an op whose named author has no key at this device
        return [(r["status"], r["code"]) for r in body["results"]] + [("held", body["code"])]
    assert answer.status_code == 200, answer.text
    return [(r["status"], r["code"]) for r in body["results"]]


def seal_status(api: Api) -> str:
    with api.factory() as s:
        return s.execute(select(Seal.status).where(Seal.code == W01_SEAL)).scalar_one()


def case_state(api: Api, case_id: str) -> str | None:
    with api.factory() as s:
        return s.execute(select(Case.state).where(Case.id == case_id)).scalar_one_or_none()


def awaiting_signoff(api: Api, headers: dict[str, str]) -> str:
    """A 一审一核 case reviewed by the clerk, waiting for the chief (ops properly signed by the clerk)."""
    made = case_op(headers)
    review = case_op(headers, case_id=made["entity_id"], state="awaiting_signoff", op="review", reviewer=CLERK)
    assert results(api.push(headers, [made, review])) == [("applied", ""), ("applied", "")]
    return made["entity_id"]


def test_a_clerk_cannot_change_the_seal_in_the_custodians_name(api: Api) -> None:
    clerk = api.device(username=CLERK)
    unsigned = results(api.push(clerk, [seal_op(clerk, "revoked")], sign=False))
    assert unsigned == [("rejected", "unsigned")]
    # signed with her own key, naming the custodian: he never signed in here, so no key of his to match
    forged = api.sign(clerk, seal_op(clerk, "revoked"), as_=CLERK)
    assert results(api.push(clerk, [forged], sign=False))[-1] == ("held", "no_key")
    # another clerk's device (zhangmin's token), where the custodian once signed in: her own key does not match his
    other = api.device(username=OTHER_CLERK)
    api.login(other, CHIEF)
    lost = api.sign(other, seal_op(other, "lost"), as_=OTHER_CLERK)
    assert results(api.push(other, [lost], sign=False)) == [("rejected", "bad_signature")]
    assert seal_status(api) == "active"
    # and in her own name the server's records say she is not the custodian
    assert results(api.push(other, [seal_op(other, "lost", actor=OTHER_CLERK)])) == [("rejected", "not_custodian")]
    # the custodian himself, signing at his device: applied
    chief = api.device(username=CHIEF)
    assert results(api.push(chief, [seal_op(chief, "sealed_away")])) == [("applied", "")]
    assert seal_status(api) == "sealed_away"


def test_a_clerk_cannot_sign_off_or_create_a_case_as_the_chief(api: Api) -> None:
    clerk = api.device(username=CLERK)
    api.login(clerk, CHIEF)  # he signed in at her workstation once: his key for it is registered
    case_id = awaiting_signoff(api, clerk)
    sign_off = case_op(clerk, case_id=case_id, state="approved", op="sign_off", actor=CHIEF, approver=CHIEF)
    assert results(api.push(clerk, [sign_off], sign=False)) == [("rejected", "unsigned")]
    sign_off = case_op(clerk, case_id=case_id, state="approved", op="sign_off", actor=CHIEF, approver=CHIEF)
    assert results(api.push(clerk, [api.sign(clerk, sign_off, as_=CLERK)], sign=False)) == [
        ("rejected", "bad_signature")]
    assert case_state(api, case_id) == "awaiting_signoff"
    created = case_op(clerk, actor=CHIEF, clerk=CHIEF)
    assert results(api.push(clerk, [api.sign(clerk, created, as_=CLERK)], sign=False)) == [
        ("rejected", "bad_signature")]
    assert case_state(api, created["entity_id"]) is None
    # the chief's own signature at his own workstation is what counts
    chief = api.device(username=CHIEF)
    real = case_op(chief, case_id=case_id, state="approved", op="sign_off", actor=CHIEF, approver=CHIEF)
    assert results(api.push(chief, [real])) == [("applied", "")]
    assert case_state(api, case_id) == "approved"


def test_a_signature_replayed_on_another_op_is_refused(api: Api) -> None:
    clerk, chief = api.device(username=CLERK), api.device(username=CHIEF)
    first, second = awaiting_signoff(api, clerk), awaiting_signoff(api, clerk)
    real = api.sign(chief, case_op(chief, case_id=first, state="approved", op="sign_off", actor=CHIEF))
    assert results(api.push(chief, [real], sign=False)) == [("applied", "")]
    # the same signature on the sign-off of another case, under a new op id, a changed payload, another device
    moved = {**real, "op_id": str(uuid.uuid4()), "device_seq": _next(chief), "entity_id": second,
             "payload": {**real["payload"], "case_id": second}}
    renamed = {**real, "op_id": str(uuid.uuid4()), "device_seq": _next(chief)}
    # a genuine signature of his on another op, its payload changed on the way (another approver named)
    genuine = api.sign(chief, case_op(chief, case_id=second, state="approved", op="sign_off", actor=CHIEF))
    tampered = {**genuine, "payload": {**genuine["payload"], "approver": CLERK}}
    assert results(api.push(chief, [moved, renamed, tampered], sign=False)) == [("rejected", "bad_signature")] * 3
    api.login(clerk, CHIEF)
    elsewhere = {**real, "op_id": str(uuid.uuid4()), "device_seq": _next(clerk)}
    assert results(api.push(clerk, [elsewhere], sign=False)) == [("rejected", "bad_signature")]
    assert case_state(api, second) == "awaiting_signoff"


def test_the_two_person_rule_comes_from_the_servers_catalog(api: Api) -> None:
    clerk = api.device(username=CLERK)
    for told in ({"review_mode": "single"}, {"review_mode": None}):
        made = case_op(clerk, **told)
        if told["review_mode"] is None:
            del made["payload"]["review_mode"]
        assert results(api.push(clerk, [made])) == [("applied", "")]
        approve = case_op(clerk, case_id=made["entity_id"], state="approved", op="decide", review_mode="single",
                          processing_type="immediate", approver=CLERK)
        assert results(api.push(clerk, [approve])) == [("rejected", "needs_signoff")]
        assert case_state(api, made["entity_id"]) == "accepted"
        with api.factory() as s:
            record = s.execute(select(Case.record_json).where(Case.id == made["entity_id"])).scalar_one()
        assert '"review_mode": "double"' in record and '"processing_type": "promised"' in record


def test_an_item_the_catalog_does_not_hold_is_refused(api: Api) -> None:
    clerk = api.device(username=CLERK)
    made = case_op(clerk, item_code="330999-XX-NOPE-001", review_mode="single")
    assert results(api.push(clerk, [made])) == [("rejected", "unknown_item")]


def test_signed_helper_matches_what_the_server_verifies(api: Api) -> None:
    """The kit's signature is the protocol's: a sanity check that the refusals above are not the kit's fault."""
    clerk = api.device(username=CLERK)
    made = case_op(clerk)
    good = signed(made, clerk["X-OneWindow-Device"], api.keys[(clerk["X-OneWindow-Device"], CLERK)])
    assert results(api.push(clerk, [good], sign=False)) == [("applied", "")]
