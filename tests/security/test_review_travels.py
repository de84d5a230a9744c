"""一审一核 across workstations (行政许可法 art. 34): the reviewer's proposal reaches the chief's workstation
through a real server, and the server refuses a sign-off by someone who reviewed the case — from its own
record of who sent the review ops, even when the signing workstation never learnt it."""

from __future__ import annotations

import json

import pytest
from ow_testkit import complete, item_named
from sqlalchemy import delete, select
from sync_testkit import LiveServer, Workstation, enrolment_code

from app.core.errors import AppError
from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput, stored_decision
from app.signoff.review import record_review, sign_off, start_review
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case, CaseEvent, OutboxOp, Review
from server.models import Case as ServerCase

FOOD = "食品经营许可"  # 一审一核, delegated to the chief zhoujianhua
CHIEF = "zhoujianhua"
PROPOSAL = DecisionInput("approve", "材料齐全，现场核查符合要求，建议准予许可", "预包装食品销售（含冷藏冷冻食品）",
                         "2026年12月7日至2031年12月6日")


def _enrolled(live_server: LiveServer, make, name: str, user: str) -> Workstation:  # type: ignore[no-untyped-def]
    ws = make(name)
    ws.enrol(live_server, enrolment_code(live_server), username=user)
    ws.sign_in(user)
    return ws


def _server_record(live_server: LiveServer, case_id: str) -> dict:  # type: ignore[type-arg]
    with live_server.session() as s:
        return json.loads(s.execute(select(ServerCase.record_json).where(ServerCase.id == case_id)).scalar_one())


def test_the_proposal_reaches_the_chief_and_fills_his_blank_terms(live_server: LiveServer, workstations) -> None:
    a = _enrolled(live_server, workstations, "a", "zhangmin")
    c = _enrolled(live_server, workstations, "c", CHIEF)
    clerk = a.actor("zhangmin")
    case = accept_case(a.ctx, clerk, complete(item_named(a.ctx, FOOD)))
    record_review(a.ctx, clerk, case.case_id, PROPOSAL)
    assert a.sync("zhangmin").ok
    record = _server_record(live_server, case.case_id)
    assert record["reviewers"] == ["zhangmin"] and record["proposal"]["content"] == PROPOSAL.content

    assert c.sync(CHIEF).ok
    with c.ctx.read() as s:
        seen = stored_decision(s, case.case_id, ("reviewed",))
    assert seen is not None and (seen.content, seen.validity, seen.opinion) == (
        PROPOSAL.content, PROPOSAL.validity, PROPOSAL.opinion)
    assert c.sync(CHIEF).ok  # a second pull adds no second copy
    with c.ctx.read() as s:
        assert len(s.execute(select(CaseEvent).where(CaseEvent.case_id == case.case_id,
                                                     CaseEvent.kind == "reviewed")).all()) == 1

    # the chief leaves the terms blank: the decision takes the reviewer's
    sign_off(c.ctx, c.actor(CHIEF), case.case_id, DecisionInput("approve", "同意"), custodian_password=DEMO_PASSWORD)
    with c.ctx.read() as s:
        row = s.get(Case, case.case_id)
        assert (row.decision_content, row.decision_validity) == (PROPOSAL.content, PROPOSAL.validity)
    outcome = c.sync(CHIEF)
    assert outcome.ok and outcome.rejected == 0
    assert _server_record(live_server, case.case_id)["state"] == "approved"


def test_a_chief_who_reviewed_cannot_sign_off_elsewhere(live_server: LiveServer, workstations) -> None:
    a = _enrolled(live_server, workstations, "a", CHIEF)  # he takes the case up for review at one workstation
    c = _enrolled(live_server, workstations, "c", CHIEF)  # … and signs at another
    chief_a = a.actor(CHIEF)
    case = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, FOOD)))
    start_review(a.ctx, chief_a, case.case_id)
    assert a.sync(CHIEF).ok
    clerk = a.actor("zhangmin")
    record_review(a.ctx, clerk, case.case_id, PROPOSAL)  # zhangmin writes the opinion after he looked at it
    assert a.sync(CHIEF).ok
    assert _server_record(live_server, case.case_id)["reviewers"] == ["zhangmin", CHIEF]

    assert c.sync(CHIEF).ok
    with pytest.raises(AppError) as refused:  # this workstation knows from the pulled review
        sign_off(c.ctx, c.actor(CHIEF), case.case_id, DecisionInput("approve", "同意"),
                 custodian_password=DEMO_PASSWORD)
    assert refused.value.code == "same_person"

    # a workstation that lost what it learnt (an old backup, a tampered file): the server still refuses
    with c.ctx.write("test") as s:
        s.execute(delete(CaseEvent).where(CaseEvent.case_id == case.case_id,
                                          CaseEvent.kind.in_(("reviewed", "review_started"))))
        s.execute(delete(Review).where(Review.case_id == case.case_id))
        s.get(Case, case.case_id).reviewer_id = None
    sign_off(c.ctx, c.actor(CHIEF), case.case_id, DecisionInput("approve", "同意", PROPOSAL.content),
             custodian_password=DEMO_PASSWORD)
    outcome = c.sync(CHIEF)
    assert outcome.rejected == 1
    with c.ctx.read() as s:
        op = s.execute(select(OutboxOp).where(OutboxOp.entity_id == case.case_id, OutboxOp.op == "sign_off")
                       ).scalar_one()
    assert op.state == "rejected" and "审查人与核准人不能为同一人" in op.result_json
    assert _server_record(live_server, case.case_id)["state"] == "awaiting_signoff"

