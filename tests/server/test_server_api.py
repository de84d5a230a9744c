"""The server's rules through its HTTP API (on SQLite and PostgreSQL): enrolment, login, push, pull, reference data."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from server_api_kit import Api
from sync_testkit import Clock

from server import admin
from server.db import transaction

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
FOOD = "330999-SJ-XK-001"  # 一审一核, delegated to zhoujianhua until 2027-12-31


@pytest.fixture
def api(server_db: str) -> Iterator[Api]:
    a = Api.in_process(server_db, Clock())
    yield a
    a.app.state.engine.dispose()


def op(seq: int, *, case_id: str | None = None, state: str = "accepted", actor: str = "zhangmin",
       op_name: str = "accept", epoch: int = 0, **payload: Any) -> dict[str, Any]:
    case_id = case_id or str(uuid.uuid4())
    body = {"case_id": case_id, "state": state, "case_no": payload.pop("case_no", f"1001202611220{seq:05d}"),
            "item_code": FOOD, "review_mode": "double", "window_code": "W01", "applicant_name": "王䶮", **payload}
    return {"op_id": str(uuid.uuid4()), "device_seq": seq, "epoch": epoch, "entity": "case", "entity_id": case_id,
            "op": op_name, "created_at": "2026-11-22T02:00:00Z", "actor": actor, "payload": body}


def test_enrolment_code_is_single_use(api: Api) -> None:
    code = api.code()
    first = api.http.post("/v1/enrol", json={"code": code.lower().replace("-", " ")})
    assert first.status_code == 200 and len(first.json()["device_code"]) == 4
    again = api.http.post("/v1/enrol", json={"code": code})
    assert again.status_code == 403 and again.json()["code"] == "bad_code"
    second = api.http.post("/v1/enrol", json={"code": api.code()}).json()
    assert second["device_code"] != first.json()["device_code"] and second["window_code"] == "W01"


def test_enrolment_code_expires(api: Api) -> None:
    code = api.code()
    api.clock.at = api.clock.now() + timedelta(hours=2)
    assert api.http.post("/v1/enrol", json={"code": code}).status_code == 403


def test_login_checks_password_window_and_locks(api: Api) -> None:
    got = api.http.post("/v1/enrol", json={"code": api.code("W01")}).json()
    dev = {"X-OneWindow-Device": got["device_id"], "X-OneWindow-Secret": got["device_secret"]}
    assert api.http.post("/v1/login", json={"username": "zhangmin", "password": "demo2026"}).status_code == 401
    assert api.http.post("/v1/login", headers=dev, json={"username": "lina", "password": "demo2026"}
                         ).status_code == 403  # a clerk of window A02
    for _ in range(5):
        assert api.http.post("/v1/login", headers=dev, json={"username": "wangyan", "password": "wrong-one"}
                             ).status_code == 401
    locked = api.http.post("/v1/login", headers=dev, json={"username": "wangyan", "password": "demo2026"})
    assert locked.status_code == 423
    assert api.push(dev, [op(1)]).status_code == 401  # a device alone may not push: staff must sign in


def test_push_is_idempotent_ordered_and_detects_a_device_gone_back_in_time(api: Api) -> None:
    dev = api.device()
    one, two = op(1), op(2)
    first = api.push(dev, [one, two])
    assert first.status_code == 200 and [r["status"] for r in first.json()["results"]] == ["applied", "applied"]
    again = api.push(dev, [one])  # the answer was lost on the way: same op again
    assert again.status_code == 200 and again.json()["results"][0]["status"] == "duplicate"
    assert again.json()["results"][0]["record"]["case_no"] == one["payload"]["case_no"]
    gap = api.push(dev, [op(4)])
    assert gap.status_code == 409 and gap.json()["code"] == "seq_gap" and gap.json()["expected_seq"] == 3
    restored = api.push(dev, [op(2)])  # seq 2 again with a new op id: a restored backup
    assert restored.status_code == 409 and restored.json()["code"] == "new_epoch"
    assert restored.json()["epoch"] == 1 and restored.json()["next_seq"] == 3
    stale = api.push(dev, [op(3)])
    assert stale.status_code == 409 and stale.json()["code"] == "epoch_mismatch"
    renumbered = api.push(dev, [op(3, epoch=1), op(4, epoch=1)], epoch=1)
    assert renumbered.status_code == 200 and renumbered.json()["mark"] == 4
    other = api.device()
    stolen = api.push(other, [{**one, "device_seq": 1}])
    assert stolen.json()["results"][0]["status"] == "rejected"


def test_a_rejected_op_is_consumed_and_does_not_block(api: Api) -> None:
    dev = api.device()
    unknown = op(1, state="approved", op_name="sign_off")  # no such case on the server
    result = api.push(dev, [unknown, op(2)]).json()
    assert [r["status"] for r in result["results"]] == ["rejected", "applied"] and result["mark"] == 2
    assert result["results"][0]["code"] == "unknown_case" and result["results"][0]["reason"]


def test_the_server_state_machine_decides(api: Api) -> None:
    a, b, chief = api.device(), api.device(username="wangyan"), api.device(username="zhoujianhua")
    case = op(1)
    cid = case["entity_id"]
    assert api.push(a, [case]).json()["results"][0]["status"] == "applied"
    review = op(2, case_id=cid, state="awaiting_signoff", op_name="review", reviewer="zhangmin")
    assert api.push(a, [review]).json()["results"][0]["status"] == "applied"  # accepted → (under review) → queue
    clerk_signs = op(1, case_id=cid, state="approved", op_name="sign_off", actor="wangyan")
    assert api.push(b, [clerk_signs]).json()["results"][0]["code"] == "not_delegated"
    sign = op(1, case_id=cid, state="approved", op_name="sign_off", actor="zhoujianhua")
    assert api.push(chief, [sign]).json()["results"][0]["status"] == "applied"
    second = op(3, case_id=cid, state="approved", op_name="sign_off", actor="zhoujianhua")
    refused = api.push(a, [second]).json()["results"][0]
    assert refused["status"] == "rejected" and refused["code"] == "already_final"
    assert refused["record"]["state"] == "approved"  # the workstation learns what the server holds
    issued = op(4, case_id=cid, state="approved", op_name="decision_issued", document="云市监许〔2026〕0002-00001")
    assert api.push(a, [issued]).json()["results"][0]["status"] == "applied"  # restating a decided case is fine
    stale = op(2, case_id=cid, state="under_review", op_name="return", from_state="awaiting_signoff")
    assert api.push(b, [stale]).json()["results"][0]["code"] == "conflict"
    same_no = op(5, case_no=case["payload"]["case_no"])
    assert api.push(a, [same_no]).json()["results"][0]["code"] == "duplicate_case_no"
    elsewhere = api.device("W02", "lina")
    theirs = op(1, case_id=cid, state="withdrawn", op_name="withdraw", actor="lina", window_code="W02")
    assert api.push(elsewhere, [theirs]).json()["results"][0]["code"] == "not_your_window"


def test_forwarded_cases_are_decided_by_the_department_only(api: Api) -> None:
    dev = api.device()
    case = op(1, state="accepted", review_mode="single")
    forward = op(2, case_id=case["entity_id"], state="forwarded", op_name="forward")
    approve = op(3, case_id=case["entity_id"], state="approved", op_name="decide")
    results = api.push(dev, [case, forward, approve]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["code"] == "backoffice_only"


def test_reference_documents_have_etags_and_only_this_windows_password_hashes(api: Api) -> None:
    dev = api.device()
    hall = api.http.get("/v1/reference/hall", headers=dev)
    assert hall.status_code == 200 and hall.headers["ETag"]
    staff = {p["username"]: p for p in hall.json()["staff"]}
    assert staff["zhangmin"]["password_hash"].startswith("$argon2") and "password_hash" in staff["chensiyuan"]
    assert "password_hash" not in staff["lina"]  # window A02 signs in elsewhere
    same = api.http.get("/v1/reference/hall", headers={**dev, "If-None-Match": hall.headers["ETag"]})
    assert same.status_code == 304
    with transaction(api.factory) as s:
        admin.set_seal_status(s, "3309990018201", "sealed_away", api.clock.now())
    changed = api.http.get("/v1/reference/hall", headers={**dev, "If-None-Match": hall.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != hall.headers["ETag"]
    catalog = api.http.get("/v1/reference/catalog", headers=dev).json()
    assert catalog["version"] == "2026.11-demo" and len(catalog["items"]) == 43 and len(catalog["themes"]) == 3
    assert api.http.get("/v1/reference/nonsense", headers=dev).status_code == 422


def test_blobs_are_content_addressed_and_idempotent(api: Api) -> None:
    dev = api.device()
    data = b"%PDF-1.7 test document"
    sha = hashlib.sha256(data).hexdigest()
    assert api.http.put(f"/v1/blobs/{sha}", headers=dev, content=data).status_code == 201
    assert api.http.put(f"/v1/blobs/{sha}", headers=dev, content=data).status_code == 200
    assert api.http.put(f"/v1/blobs/{'0' * 64}", headers=dev, content=data).status_code == 422
    assert api.http.get(f"/v1/blobs/{sha}", headers=dev).content == data


def test_pull_gives_a_window_its_own_cases_and_hall_wide_changes(api: Api) -> None:
    w01, w02 = api.device(), api.device("W02", "lina")
    mine = op(1)
    api.push(w01, [mine])
    theirs = op(1, actor="lina", window_code="W02", case_no="100220261122000001")
    api.push(w02, [theirs])
    with transaction(api.factory) as s:
        admin.set_seal_status(s, "3309990018202", "revoked", api.clock.now())
    page = api.http.get("/v1/changes", headers=w01, params={"after": 0}).json()
    assert [(c["kind"], c["key"]) for c in page["changes"]] == [("case", mine["entity_id"]),
                                                                ("seal", "3309990018202")]
    assert page["cursor"] == 3 and page["more"] is False
    assert api.http.get("/v1/changes", headers=w01, params={"after": 3}).json()["changes"] == []
    first = api.http.get("/v1/changes", headers=w02, params={"after": 0, "limit": 1}).json()
    assert first["more"] is True and first["cursor"] == 2


def test_number_blocks_never_overlap(api: Api) -> None:
    a, b = api.device(), api.device(username="wangyan")
    ask = {"certificate_type_code": "FOOD_BUSINESS", "prefix": "JY13309990", "width": 6, "count": 100}
    one = api.http.post("/v1/number-blocks", headers=a, json=ask).json()
    two = api.http.post("/v1/number-blocks", headers=b, json=ask).json()
    assert (one["first"], one["last"], two["first"], two["last"]) == (1, 100, 101, 200)
    held = api.http.get("/v1/reference/number-blocks", headers=a).json()["blocks"]
    assert [x["id"] for x in held] == [one["id"]]
    too_many = {**ask, "width": 2, "count": 200}
    assert api.http.post("/v1/number-blocks", headers=a, json=too_many).status_code == 409


def test_figures_and_reconciliation(api: Api) -> None:
    dev = api.device()
    api.clock.at = api.clock.now().replace(hour=2, minute=0, second=0, microsecond=0)
    ops = [op(1, received_at="2026-11-22T02:00:00Z", accepted_at="2026-11-22T02:00:00Z"),
           op(2, state="refused", op_name="refuse", received_at="2026-11-22T02:00:00Z")]
    api.push(dev, ops)
    day = "2026-11-22"
    figures = api.http.get("/v1/figures", headers=dev, params={"day": day}).json()
    w01 = next(w for w in figures["windows"] if w["window_code"] == "W01")
    assert (w01["received"], w01["accepted"], w01["refused"], w01["open"]) == (2, 1, 1, 1)
    rec = api.http.get("/v1/reconciliation", headers=dev, params={"day": day}).json()
    # the digest is SHA-256 over the sorted op ids, one per line
    expected = hashlib.sha256("\n".join(sorted(o["op_id"] for o in ops)).encode()).hexdigest()
    assert rec["ops"] == 2 and rec["rejected"] == 0 and rec["op_ids_sha256"] == expected
    assert api.http.get("/v1/figures", headers=dev, params={"day": "22-11-2026"}).status_code == 422


def test_health_and_openapi(api: Api) -> None:
    health = api.http.get("/health").json()
    assert health["status"] == "ok" and health["hall_code"] == "330999" and health["server_time"].endswith("Z")
    spec = api.http.get("/openapi.json").json()
    assert {"/v1/push", "/v1/changes", "/v1/enrol", "/v1/login", "/verify/{number}"} <= set(spec["paths"])
