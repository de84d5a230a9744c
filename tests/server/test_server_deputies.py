"""The server applies the deputy rule from its own records: a deputy signs only holding the chief's authority."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from server_api_kit import Api
from sqlalchemy import update
from sync_testkit import Clock

from server.db import transaction
from server.models import Deputy

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
FOOD = "330999-SJ-XK-001"  # 一审一核, delegated to zhoujianhua until 2027-12-31
IN_PERIOD = "2026-12-15T02:00:00Z"  # Tuesday 10:00 in the hall: 刘婷 stands in for 周建华 12-14 … 12-25


@pytest.fixture
def api(server_db: str) -> Iterator[Api]:
    a = Api.in_process(server_db, Clock())
    yield a
    a.app.state.engine.dispose()


def op(seq: int, *, case_id: str | None = None, state: str = "accepted", actor: str = "zhangmin",
       op_name: str = "accept", **payload: Any) -> dict[str, Any]:
    case_id = case_id or str(uuid.uuid4())
    body = {"case_id": case_id, "state": state, "case_no": f"1001202612150{seq:05d}", "item_code": FOOD,
            "review_mode": "double", "window_code": "W01", "applicant_name": "王䶮", **payload}
    return {"op_id": str(uuid.uuid4()), "device_seq": seq, "epoch": 0, "entity": "case", "entity_id": case_id,
            "op": op_name, "created_at": "2026-12-11T02:00:00Z", "actor": actor, "payload": body}


def _awaiting(api: Api, dev: dict[str, str], seq: int) -> str:
    case = op(seq * 2 - 1)
    review = op(seq * 2, case_id=case["entity_id"], state="awaiting_signoff", op_name="review", reviewer="wangyan",
                actor="wangyan")
    results = api.push(dev, [case, review]).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return case["entity_id"]


def _sign(case_id: str, seq: int, actor: str) -> dict[str, Any]:
    signed = op(seq, case_id=case_id, state="approved", op_name="sign_off", actor=actor)
    signed["created_at"] = IN_PERIOD
    return signed


def test_a_deputy_signs_only_holding_the_chiefs_authority(api: Api) -> None:
    dev = api.device()
    first, second = _awaiting(api, dev, 1), _awaiting(api, dev, 2)
    clerk = api.device(username="zhangmin")
    refused = api.push(clerk, [_sign(first, 1, "zhangmin")]).json()["results"][0]
    assert refused["code"] == "not_delegated", "a clerk nobody named signs nothing"
    with transaction(api.factory) as s:  # the department's naming withdrawn: a clerk merely listed
        s.execute(update(Deputy).where(Deputy.deputy == "liuting").values(named_by=""))
    deputy = api.device(username="liuting")
    assert api.push(deputy, [_sign(first, 1, "liuting")]).json()["results"][0]["code"] == "not_delegated"
    with transaction(api.factory) as s:
        s.execute(update(Deputy).where(Deputy.deputy == "liuting").values(named_by="云市监人〔2026〕57号"))
    assert api.push(deputy, [_sign(second, 2, "liuting")]).json()["results"][0]["status"] == "applied"
