"""Real server (uvicorn on 127.0.0.1), real workstations (their own data directories): the window's life through sync."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ow_testkit import at_local, complete, item_named, person
from sqlalchemy import select
from sync_testkit import Clock, LiveServer, Workstation, enrolment_code

from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput, issue_decision
from app.signoff.queue import signoff_queue
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import status
from db.models import Case, CaseEvent, OutboxOp, Review

FOOD_CHANGE = "食品经营许可变更"  # 承诺件, 一审制
FOOD = "食品经营许可"  # 一审一核, delegated to the chief zhoujianhua
DEVICES_III = "第三类医疗器械经营许可"  # 上报件
DATA = Path(__file__).parent / "data"


def _cases(ws: Workstation) -> dict[str, str]:
    with ws.ctx.read() as s:
        return {c.case_no: c.state for c in s.execute(select(Case)).scalars()}


def _op_ids(ws: Workstation) -> set[str]:
    with ws.ctx.read() as s:
        return set(s.execute(select(OutboxOp.op_id)).scalars())


def _pair(live_server: LiveServer, workstations: Callable[[str], Workstation]) -> tuple[Workstation, Workstation]:
    a, b = workstations("a"), workstations("b")
    a.enrol(live_server, enrolment_code(live_server))
    b.enrol(live_server, enrolment_code(live_server))
    a.sign_in("zhangmin")
    b.sign_in("wangyan")
    return a, b


def test_two_workstations_offline_then_online_see_all_cases(live_server: LiveServer, workstations) -> None:
    a, b = _pair(live_server, workstations)
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok
    live_server.stop()  # the network is down: both keep accepting
    made_a = [accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, FOOD_CHANGE))).case_no
              for _ in range(2)]
    made_b = [accept_case(b.ctx, b.actor("wangyan"),
                          complete(item_named(b.ctx, FOOD_CHANGE), person("李明"))).case_no]
    offline = a.sync("zhangmin")
    assert not offline.ok and offline.code == "offline"
    assert status.summary(a.ctx).pending == 2

    live_server.start()
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok and a.sync("zhangmin").ok
    everything = set(made_a + made_b)
    assert set(_cases(a)) == everything == set(_cases(b))
    assert all(state == "accepted" for state in _cases(b).values())
    # device codes differ, so numbers made offline never collide
    assert {n[:4] for n in made_a} != {n[:4] for n in made_b}
    # nothing lost, nothing doubled: the server holds exactly the ops both outboxes hold
    with live_server.session() as s:
        from server.models import AppliedOp
        from server.models import Case as ServerCase

        held = set(s.execute(select(AppliedOp.op_id)).scalars())
        assert held == _op_ids(a) | _op_ids(b)
        assert set(s.execute(select(ServerCase.case_no)).scalars()) == everything
    assert status.summary(a.ctx).pending == 0 and status.summary(b.ctx).pending == 0
    assert status.summary(b.ctx).reconciled["match"] is True
    # a case pulled to the other workstation is complete enough to continue there
    with a.ctx.read() as s:
        origin = s.execute(select(Case).where(Case.case_no == made_a[0])).scalar_one()
        materials = [(m.seq, m.name, m.form, m.status) for m in origin.materials]
    with b.ctx.read() as s:
        pulled = s.execute(select(Case).where(Case.case_no == made_a[0])).scalar_one()
        assert pulled.item_name == FOOD_CHANGE and pulled.applicant_name == "王䶮"
        assert [(m.seq, m.name, m.form, m.status) for m in pulled.materials] == materials
        assert (pulled.promised_deadline, pulled.clerk_id) == (origin.promised_deadline, origin.clerk_id)
        assert s.execute(select(CaseEvent).where(CaseEvent.case_id == pulled.id, CaseEvent.kind == "synced")).first()


def test_chief_at_another_workstation_signs_off_and_a_second_sign_off_is_refused(
        live_server: LiveServer, workstations) -> None:
    a, b = _pair(live_server, workstations)
    b.sign_in("zhoujianhua")  # the chief representative works at workstation B
    clerk = a.actor("zhangmin")
    case = accept_case(a.ctx, clerk, complete(item_named(a.ctx, FOOD)))
    record_review(a.ctx, clerk, case.case_id, DecisionInput("approve", "材料齐全，符合条件", "预包装食品销售"))
    assert a.sync("zhangmin").ok and b.sync("zhoujianhua").ok
    chief_b = b.actor("zhoujianhua")
    assert case.case_no in {row.case_no for row in signoff_queue(b.ctx, chief_b)}

    decision = DecisionInput("approve", "同意", "预包装食品销售")
    sign_off(b.ctx, chief_b, case.case_id, decision, custodian_password=DEMO_PASSWORD)
    # the same case signed at workstation A before A heard of it: the server takes only the first
    a.sign_in("zhoujianhua")
    sign_off(a.ctx, a.actor("zhoujianhua"), case.case_id, decision, custodian_password=DEMO_PASSWORD)
    assert b.sync("zhoujianhua").ok
    outcome = a.sync("zhoujianhua")
    assert outcome.ok and outcome.rejected == 1
    refused = status.rejections(a.ctx)
    assert len(refused) == 1 and case.case_no in refused[0].what and refused[0].code == "already_final"
    assert _cases(a)[case.case_no] == "approved" == _cases(b)[case.case_no]


def test_forwarded_case_decided_at_the_server_comes_back(live_server: LiveServer, workstations) -> None:
    a, _b = _pair(live_server, workstations)
    clerk = a.actor("zhangmin")
    case = accept_case(a.ctx, clerk, complete(item_named(a.ctx, DEVICES_III)))
    record_review(a.ctx, clerk, case.case_id, DecisionInput("approve", "符合条件，报部门决定", "第三类医疗器械零售"))
    assert _cases(a)[case.case_no] == "forwarded"
    assert a.sync("zhangmin").ok
    assert live_server.admin("decide", case.case_no, "approve", "--opinion", "经审查，准予许可",
                             "--by", "云岫市市场监督管理局", "--content", "第三类医疗器械零售",
                             "--validity", "五年") == 0
    assert a.sync("zhangmin").ok
    assert _cases(a)[case.case_no] == "approved"
    with a.ctx.read() as s:
        review = s.execute(select(Review).where(Review.case_id == case.case_id, Review.step == "backoffice")
                           ).scalar_one()
        assert "云岫市市场监督管理局" in review.opinion and review.outcome == "approve"
        assert s.get(Case, case.case_id).decision == "approved"
        assert s.execute(select(CaseEvent).where(CaseEvent.case_id == case.case_id,
                                                 CaseEvent.kind == "backoffice_decision")).scalar_one()
    # the window continues: it issues the department's decision under its seal
    issued = issue_decision(a.ctx, clerk, case.case_id, custodian_password=DEMO_PASSWORD)
    assert len(issued.document_ids) == 1
    after = a.sync("zhangmin")
    assert after.ok and after.pushed == 1 and after.rejected == 0  # the decision document is on record


def test_calendar_update_reaches_the_client_and_flags_moved_printed_deadlines(
        live_server: LiveServer, workstations, clock: Clock) -> None:
    clock.at = at_local(2027, 1, 25, 10, 0)  # Monday; 2027 has no official schedule on the workstation yet
    a, _b = _pair(live_server, workstations)
    case = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, "药品零售许可")))  # promised 10
    # Estimated 2027 (statutory rules only): 春节 off Fri 5 – Wed 10 Feb (除夕 to 初三 plus two 补假 days).
    # Jan 26-29 (4), Feb 1-4 (8), Feb 11-12 (10): promised Fri 12 Feb 2027, printed on the notice.
    assert str(case.promised_deadline) == "2027-02-12" and case.provisional
    assert live_server.admin("calendar", "update", str(DATA / "calendar_2027_sample.json")) == 0
    outcome = a.sync("zhangmin")
    assert outcome.ok and "calendar" in outcome.references
    # The sample schedule: 春节 off 5-13 Feb, Sunday 31 Jan worked. Jan 26-29 (4), Jan 31 (5), Feb 1-4 (9),
    # Mon 15 Feb (10). Legal 20: Feb 16-19 (14), Sat 20 Feb worked (15), Feb 22-26 (20): unchanged, 26 Feb.
    with a.ctx.read() as s:
        local = s.get(Case, case.case_id)
        assert str(local.promised_deadline) == "2027-02-15" and str(local.legal_deadline) == "2027-02-26"
        assert local.deadline_moved and str(local.printed_promised) == "2027-02-12"
        assert not local.deadline_provisional
    assert a.sync("zhangmin").ok  # the recomputed deadlines go up to the server
    with live_server.session() as s:
        from server.models import Case as ServerCase

        record = json.loads(s.get(ServerCase, case.case_id).record_json)
        assert record["promised_deadline"] == "2027-02-15" and record["deadline_moved"] is True
