"""A push batch applied with batch-wide lookups (known op_ids, staff, change counter): the answers of op by op."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from server_api_kit import Api
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sync_testkit import Clock, seed_demo

from server import changes
from server.db import session_factory, transaction
from server.models import AppliedOp, Case

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture
def hall(server_db: str) -> Iterator[tuple[Any, dict[str, str]]]:
    api = Api.in_process(server_db, Clock())
    auth = api.device()
    api.login(auth, "wangyan")  # the ops below name her too: her key for this device is registered
    yield SigningHttp(api), auth
    api.app.state.engine.dispose()


class SigningHttp:
    """The in-process client, with every pushed op signed by its actor's key (server_api_kit)."""

    def __init__(self, api: Api) -> None:
        self.api, self.app = api, api.app

    def post(self, path: str, *, headers: dict[str, str], json: dict[str, Any]) -> Any:
        if path == "/v1/push":
            json = {**json, "ops": [self.api.sign(headers, o) for o in json["ops"]]}
        return self.api.http.post(path, headers=headers, json=json)

    def get(self, path: str, **kw: Any) -> Any:
        return self.api.http.get(path, **kw)


def received(seq: int, actor: str = "zhangmin") -> dict[str, Any]:
    """A new case taken in (承诺件, 一审制): the op intake's receive_case sends."""
    case_id = str(uuid.uuid4())
    return {"op_id": str(uuid.uuid4()), "device_seq": seq, "epoch": 0, "entity": "case", "entity_id": case_id,
            "op": "receive", "created_at": "2026-11-22T02:00:00Z", "actor": actor,
            "payload": {"case_id": case_id, "state": "received", "case_no": f"10012026112201{seq:04d}",
                        "item_code": "330999-SJ-XK-002", "review_mode": "single", "window_code": "W01"}}


def test_an_op_id_twice_in_one_batch_is_a_repeat(hall: tuple[Any, dict[str, str]]) -> None:
    http, auth = hall
    one = received(1)
    answer = http.post("/v1/push", headers=auth, json={"epoch": 0, "ops": [one, {**one, "device_seq": 2}]}).json()
    assert [r["status"] for r in answer["results"]] == ["applied", "duplicate"]
    assert answer["results"][1]["record"]["case_no"] == one["payload"]["case_no"] and answer["mark"] == 2


def test_changes_stay_numbered_one_by_one_when_an_op_is_undone_mid_batch(
        hall: tuple[Any, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The second op fails in the database after its change was numbered: its savepoint is rolled back
    (case, change row and counter), and the third op gets the next number, not a gap or a repeat."""
    http, auth = hall
    ops = [received(1), received(2), received(3), received(4, actor="wangyan")]
    real_append = changes.append

    def failing(session: Any, kind: str, key: str, *args: Any) -> int:
        seq = real_append(session, kind, key, *args)
        if key == ops[1]["entity_id"]:
            raise IntegrityError("INSERT", {}, Exception("as a concurrent duplicate would"))
        return seq

    monkeypatch.setattr(changes, "append", failing)
    answer = http.post("/v1/push", headers=auth, json={"epoch": 0, "ops": ops}).json()
    assert [r["status"] for r in answer["results"]] == ["applied", "rejected", "applied", "applied"]
    assert answer["results"][1]["code"] == "invalid_payload" and answer["mark"] == 4
    page = http.get("/v1/changes", headers=auth, params={"after": 0}).json()
    assert [(c["seq"], c["key"]) for c in page["changes"]] == [
        (1, ops[0]["entity_id"]), (2, ops[2]["entity_id"]), (3, ops[3]["entity_id"])]
    with transaction(session_factory(http.app.state.engine)) as s:
        assert set(s.execute(select(Case.id)).scalars()) == {ops[i]["entity_id"] for i in (0, 2, 3)}
        held = dict(s.execute(select(AppliedOp.op_id, AppliedOp.status)).all())
    assert held == {o["op_id"]: s for o, s in zip(ops, ["applied", "rejected", "applied", "applied"], strict=True)}


def test_the_counter_is_read_and_locked_again_in_the_next_transaction(server_db: str) -> None:
    """The counter kept for a transaction is not used in the session's next one (others numbered changes since)."""
    from server.db import make_engine

    clock = Clock()
    seed_demo(server_db, clock)
    engine = make_engine(server_db)
    factory = session_factory(engine)
    kept = factory()
    try:
        with kept.begin():
            changes.hold(kept)
            assert changes.append(kept, "case", "a", "W01", {}, clock.now()) == 1
        with transaction(factory) as other:
            assert changes.append(other, "case", "b", "W01", {}, clock.now()) == 2
        with kept.begin():
            assert changes.append(kept, "case", "c", "W01", {}, clock.now()) == 3
    finally:
        kept.close()
        engine.dispose()
