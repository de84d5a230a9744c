"""Outbox rows as protocol ops: local ids become codes; acknowledgements, rejections, new epochs, gaps."""

from __future__ import annotations

import json

import pytest
from ow_testkit import clerk, complete, item_named
from sqlalchemy import select, update

from app.core import outbox
from app.core.context import AppContext
from app.core.errors import AppError
from app.core.outbox import current_epoch
from app.intake.outcomes import accept_case
from app.sync import settings as keys
from app.sync.outbox_push import Codes, pending_batch, record_results, renumber, requeue_from, to_codes
from app.sync.protocol import OpResult
from db.models import Document, OutboxOp, Staff, Window


def _ids(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.read() as s:
        window = s.execute(select(Window.id).where(Window.code == "W01")).scalar_one()
        chief = s.execute(select(Staff.id).where(Staff.username == "zhoujianhua")).scalar_one()
        clerk_id = s.execute(select(Staff.id).where(Staff.username == "zhangmin")).scalar_one()
    return window, chief, clerk_id


def test_an_intake_op_carries_codes_never_local_ids(ctx: AppContext) -> None:
    result = accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可变更")))
    with ctx.read() as s:
        (op,) = pending_batch(s, current_epoch(s))
        shas = {d.sha256 for d in s.execute(select(Document).where(Document.case_id == result.case_id)).scalars()}
    p = op.payload
    assert op.entity == "case" and op.op == "accept" and op.actor == "zhangmin" and op.device_seq == 1
    assert "window_id" not in p and p["window_code"] == "W01" and p["department_code"] == "SJ"
    assert p["clerk"] == "zhangmin" and p["case_no"] == result.case_no and p["item_name"] == "食品经营许可变更"
    assert {d["sha256"] for d in p["documents"]} == shas and len(shas) == 2  # receipt and acceptance notice
    assert all("form" in m for m in p["materials"])
    json.dumps(p)  # nothing but JSON on the wire


def test_ids_are_translated_at_any_depth(ctx: AppContext) -> None:
    window, chief, clerk_id = _ids(ctx)
    with ctx.read() as s:
        out = to_codes({"window_id": window, "reviewer_id": clerk_id, "approver_id": None, "item_id": 5,
                        "extension": {"approver_id": chief, "days": 10},
                        "staff_id": clerk_id, "staff": "张敏", "rows": [{"on_behalf_of_id": chief}]}, Codes(s))
    assert out == {"window_code": "W01", "reviewer": "zhangmin", "approver": None,
                   "extension": {"approver": "zhoujianhua", "days": 10},
                   "staff_username": "zhangmin", "staff": "张敏", "rows": [{"on_behalf_of": "zhoujianhua"}]}


def _enqueue(ctx: AppContext, n: int) -> None:
    with ctx.write() as s:
        for i in range(n):
            outbox.enqueue(s, "test", f"e{i}", "touch", {"i": i}, ctx.now())


def test_a_new_epoch_renumbers_pending_ops_above_every_used_number(ctx: AppContext) -> None:
    _enqueue(ctx, 3)
    with ctx.write() as s:
        first = s.execute(select(OutboxOp).order_by(OutboxOp.device_seq)).scalars().first()
        first.state = "acked"
        moved = renumber(s, 4, 50)
    assert moved == 2
    _enqueue(ctx, 1)
    with ctx.read() as s:
        rows = [(r.device_seq, r.epoch, r.state) for r in s.execute(select(OutboxOp).order_by(OutboxOp.device_seq)).scalars()]
        assert current_epoch(s) == 4 and keys.get(s, keys.EPOCH) == "4"
    assert rows == [(1, 0, "acked"), (50, 4, "pending"), (51, 4, "pending"), (52, 4, "pending")]


def test_results_ack_or_reject_and_a_gap_requeues(ctx: AppContext) -> None:
    _enqueue(ctx, 3)
    with ctx.read() as s:
        ops = pending_batch(s, 0)
    with ctx.write() as s:
        rejected = record_results(s, [OpResult(ops[0].op_id, 1, "applied"), OpResult(ops[1].op_id, 2, "duplicate"),
                                      OpResult(ops[2].op_id, 3, "rejected", "bad_state", "办件已办结")], ctx.now())
    assert [r.op_id for r in rejected] == [ops[2].op_id]
    with ctx.read() as s:
        states = {r.device_seq: (r.state, json.loads(r.result_json).get("reason"))
                  for r in s.execute(select(OutboxOp)).scalars()}
    assert states == {1: ("acked", ""), 2: ("acked", ""), 3: ("rejected", "办件已办结")}
    with ctx.read() as s:  # #19: an answered op keeps no personal data, only what identifies it
        assert {r.payload_json for r in s.execute(select(OutboxOp)).scalars()} == {""}
    with ctx.write() as s:  # the server lost 2 and 3 (restored from its backup): they cannot be sent again
        with pytest.raises(AppError, match="2 条") as lost:
            requeue_from(s, 2)
        assert lost.value.code == "push_lost"
    with ctx.write() as s:  # an op answered before #19 still holds its payload: that one is sent again
        s.execute(update(OutboxOp).where(OutboxOp.device_seq >= 2).values(payload_json="{}"))
        assert requeue_from(s, 2) == 2
    with ctx.read() as s:
        assert [op.device_seq for op in pending_batch(s, 0)] == [2, 3]
