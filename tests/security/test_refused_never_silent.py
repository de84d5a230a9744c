"""Finding 6 of issue #16: what the server refuses never gets a case number, and a refusal is never silent."""

from __future__ import annotations

import json
import uuid

import pytest
from ow_testkit import clerk, complete, item_named, person
from security_kit import Hall
from sqlalchemy import func, select, text
from sync_testkit import Workstation

from app.core import outbox
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.intake.outcomes import accept_case
from app.sync import status
from db.models import Case, OutboxOp

BAD = {"NUL": "王\x00䶮", "bell": "王\x07䶮", "C1": "王\x85䶮", "lone surrogate": "王\ud800", "DEL": "王\x7f䶮"}


def _counts(ctx: AppContext) -> tuple[int, int]:
    with ctx.read() as s:
        return (s.execute(select(func.count()).select_from(Case)).scalar_one(),
                s.execute(select(func.count()).select_from(OutboxOp)).scalar_one())


@pytest.mark.parametrize("kind", list(BAD))
def test_a_name_the_server_would_refuse_is_refused_at_the_field_before_any_number(ctx: AppContext,
                                                                                 kind: str) -> None:
    item = item_named(ctx, "食品经营许可")
    before = _counts(ctx)
    with pytest.raises(ValidationError) as err:
        accept_case(ctx, clerk(ctx), complete(item, person(name=BAD[kind])))
    assert err.value.field == "applicant.name" and "请删除后重新输入" in err.value.message
    assert _counts(ctx) == before
    good = accept_case(ctx, clerk(ctx), complete(item, person()))
    assert good.case_no.endswith("00001")  # the refused attempt took no number


def test_an_address_with_control_characters_is_refused_at_its_field(ctx: AppContext) -> None:
    item = item_named(ctx, "食品经营许可")
    with pytest.raises(ValidationError) as err:
        accept_case(ctx, clerk(ctx), complete(item, person(address="云州市\x1b[2J滨江路 1 号")))
    assert err.value.field == "applicant.address"


def test_the_outbox_is_the_last_net_for_every_use_case(ctx: AppContext) -> None:
    before = _counts(ctx)
    with pytest.raises(ValidationError) as err, ctx.write() as s:
        outbox.enqueue(s, "seal", "S01", "status", {"reason": "x" * 5000}, ctx.now())
    assert err.value.field == "reason" and _counts(ctx) == before


def test_the_server_refuses_the_same_text_one_op_at_a_time(hall: Hall) -> None:
    auth = hall.login(hall.enrol("W01"))
    ops = []
    for seq, name in enumerate(("王\x00䶮", "王䶮"), start=1):
        case_id = str(uuid.uuid4())
        ops.append({"op_id": str(uuid.uuid4()), "device_seq": seq, "epoch": 0, "entity": "case",
                    "entity_id": case_id, "op": "receive", "created_at": "2026-12-05T08:00:00Z",
                    "actor": "zhangmin", "schema_version": 1,
                    "payload": {"case_id": case_id, "state": "received", "applicant_name": name,
                                "case_no": f"00022026120500000{seq}", "item_code": "330999-SJ-XK-002",
                                "window_code": "W01"}})
    got = hall.request("POST", "/v1/push", headers=auth, json={"epoch": 0, "ops": ops})
    assert got.status_code == 200, got.text
    first, second = got.json()["results"]
    assert first["status"] == "rejected" and first["code"] == "bad_text"
    assert "applicant_name" in first["reason"] and "空字符" in first["reason"]
    assert second["code"] != "bad_text"  # the rule refuses the bad op only


def test_a_refused_op_stays_on_the_sync_page_and_leads_the_status_line(station: Workstation) -> None:
    ctx = station.ctx
    case_id = str(uuid.uuid4())
    payload = json.dumps({"case_id": case_id, "state": "received", "applicant_name": "王\x00䶮"})
    with ctx.write() as s:  # an op queued before this release checked the rule (bypassing enqueue)
        s.execute(text("INSERT INTO outbox (op_id, epoch, entity, entity_id, op, payload_json, schema_version, "
                       "created_at, state, result_json) VALUES (:id, 0, 'case', :case, 'receive', :p, 1, :at, 'pending', '')"),
                  {"id": str(uuid.uuid4()), "case": case_id, "p": payload, "at": ctx.now()})
    outcome = station.sync()
    assert outcome.rejected == 1
    summary = status.summary(ctx)
    assert summary.rejected_open == 1 and summary.pending == 0
    line = status.status_line(summary, online=True, running=False, last_code="", last_pushed=1)
    assert line.startswith("1 条操作被中心服务器拒收")
    refusal = status.rejections(ctx)[0]
    assert refusal.code == "bad_text" and "空字符" in refusal.reason and "删除所指字段" in refusal.advice
