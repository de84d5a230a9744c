"""上报 fields reach the window's other workstations through the real server (uvicorn on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ow_testkit import at_local, complete, item_named
from sqlalchemy import select
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code

from app.cases.queries import due_cases
from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review
from db.models import Case
from server.models import Case as ServerCase

DEVICES_III = "第三类医疗器械经营许可"  # 上报件 of 市场监管局


def _case(ws: Workstation, case_id: str) -> Case:
    with ws.ctx.read() as s:
        row = s.get(Case, case_id)
        assert row is not None
        s.expunge(row)
        return row


def test_the_forwarding_deadline_and_the_forwarding_reach_the_other_workstation(
        live_server: LiveServer, workstations: Callable[[str], Workstation], clock: Clock) -> None:
    clock.at = at_local(2026, 12, 10, 10)  # Thursday: two working days → Monday 12-14 (worked by hand)
    a, b = workstations("a"), workstations("b")
    a.enrol(live_server, enrolment_code(live_server))
    b.enrol(live_server, enrolment_code(live_server))
    a.sign_in("zhangmin")
    b.sign_in("wangyan")
    case = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, DEVICES_III)))
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok
    pulled = _case(b, case.case_id)
    assert pulled.forward_due == date(2026, 12, 14) and pulled.forwarded_at is None
    # b's due panel lists it as still to forward, as a's does
    wangyan = b.actor("wangyan")
    assert [r.case_no for r in due_cases(b.ctx, wangyan, 3, wangyan.window_id).forwarding] == [case.case_no]

    clock.advance(hours=3)
    record_review(a.ctx, a.actor("zhangmin"), case.case_id,
                  DecisionInput("approve", "符合条件，报部门决定", "第三类医疗器械零售"))
    forwarded_at = _case(a, case.case_id).forwarded_at
    assert forwarded_at is not None
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok
    with live_server.session() as s:
        record = s.execute(select(ServerCase).where(ServerCase.case_no == case.case_no)).scalar_one()
        assert '"forward_due": "2026-12-14"' in record.record_json
    pulled = _case(b, case.case_id)
    assert (pulled.state, pulled.forward_due, pulled.forwarded_at) == ("forwarded", date(2026, 12, 14), forwarded_at)
    assert due_cases(b.ctx, wangyan, 3, wangyan.window_id).forwarding == ()
