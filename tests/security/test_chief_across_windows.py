"""The chief representative sits at A01 and signs what is delegated to him wherever his department reviewed it:
a 食品经营许可 taken in and reviewed at A02 reaches his queue at A01 through the real server, his sign-off there
is applied, and A02 learns the decision. A clerk at A01 deciding the same A02 case is refused by the server
from its own records (she holds no delegation), and the case stays as it was."""

from __future__ import annotations

import json
from collections.abc import Callable

from ow_testkit import complete, item_named
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolment_code

from app.cases.snapshot import case_snapshot
from app.core import outbox
from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput
from app.signoff.queue import signoff_queue
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case as ClientCase
from db.models import OutboxOp
from server.models import Case

CHIEF = "zhoujianhua"  # 首席代表 of 市场监管, at A01, delegated 食品经营许可
PROPOSAL = DecisionInput("approve", "材料齐全，符合条件", "预包装食品销售")


def _enrolled(server: LiveServer, make: Callable[[str], Workstation], name: str, window: str,
              user: str) -> Workstation:
    ws = make(name)
    ws.enrol(server, enrolment_code(server, window), user)
    ws.sign_in(user)
    return ws


def _server_state(server: LiveServer, case_id: str) -> tuple[str, str | None]:
    with server.session() as s:
        row = s.execute(select(Case).where(Case.id == case_id)).scalar_one()
        return row.state, json.loads(row.record_json).get("approver")


def test_the_chief_signs_at_his_own_window_what_another_window_reviewed(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    a02 = _enrolled(live_server, workstations, "a02", "W02", "lina")
    a01 = _enrolled(live_server, workstations, "a01", "W01", "zhangmin")
    case = accept_case(a02.ctx, a02.actor("lina"), complete(item_named(a02.ctx, "食品经营许可")))
    record_review(a02.ctx, a02.actor("lina"), case.case_id, PROPOSAL)
    assert a02.sync("lina").rejected == 0
    assert a01.sync("zhangmin").rejected == 0
    a01.sign_in(CHIEF)
    assert case.case_id in [r.case_id for r in signoff_queue(a01.ctx, a01.actor(CHIEF))]

    # A clerk of A01 deciding A02's case: the server finds no delegation for her and refuses.
    with a01.ctx.write() as s:
        row = s.get(ClientCase, case.case_id)
        assert row is not None
        outbox.enqueue(s, "case", row.id, "sign_off", {**case_snapshot(row), "state": "approved", "actor": "zhangmin",
                                                       "from_state": "awaiting_signoff"}, a01.ctx.now())
    assert a01.sync("zhangmin").rejected == 1
    with a01.ctx.write() as s:
        rejected = s.execute(select(OutboxOp).where(OutboxOp.state == "rejected")).scalar_one()
        assert json.loads(rejected.result_json or "{}")["code"] == "not_your_window"
        s.delete(rejected)  # the clerk's forged op is gone; the chief's own comes next
    assert _server_state(live_server, case.case_id) == ("awaiting_signoff", None)

    sign_off(a01.ctx, a01.actor(CHIEF), case.case_id, DecisionInput("approve", "同意", "预包装食品销售"),
             custodian_password=DEMO_PASSWORD)
    assert a01.sync(CHIEF).rejected == 0
    assert _server_state(live_server, case.case_id) == ("approved", CHIEF)
    assert a02.sync("lina").rejected == 0
    with a02.ctx.read() as s:
        assert s.get(ClientCase, case.case_id).state == "approved"  # type: ignore[union-attr]
    assert a01.sync(CHIEF).rejected == 0
    assert case.case_id not in [r.case_id for r in signoff_queue(a01.ctx, a01.actor(CHIEF))]
