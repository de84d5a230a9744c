"""Site visits through the real server (uvicorn on 127.0.0.1): the chief's own workstation gets the visit and its
result, and the server judges from its own records (catalog, visits), not from what a workstation says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from ow_testkit import at_local, complete, item_named
from signoff_kit import APPROVE, FRIDAY
from sqlalchemy import delete, select, update
from sync_testkit import Clock, LiveServer, Workstation, counter_and_chief
from visit_kit import FOOD, NO_VISIT, photo, visit_on

from app.cases.site_visits import VisitResultInput, case_site_visits, record_visit_result, schedule_site_visit
from app.core.errors import AppError
from app.intake.outcomes import accept_case
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import status
from db.models import Case, Item, SiteVisit
from server.models import Case as ServerCase
from server.models import SiteVisit as ServerVisit

CHIEF = "zhoujianhua"
VISIT_DAY = date(2026, 11, 25)  # Wednesday; the case's legal deadline is Friday 12-04


def _pair(live_server: LiveServer, workstations: Callable[[str], Workstation]) -> tuple[Workstation, Workstation]:
    return counter_and_chief(live_server, workstations, chief=CHIEF)


def _reviewed_with_a_visit(counter: Workstation) -> tuple[str, str]:
    """A 食品经营许可 case accepted, its visit scheduled, reviewed for the chief, all pushed: (case id, visit id)."""
    clerk = counter.actor("wangyan")
    case = accept_case(counter.ctx, clerk, complete(item_named(counter.ctx, FOOD)))
    visit = schedule_site_visit(counter.ctx, clerk, case.case_id, visit_on(VISIT_DAY))
    record_review(counter.ctx, clerk, case.case_id, APPROVE)
    outcome = counter.sync("wangyan")
    assert outcome.ok and outcome.rejected == 0
    return case.case_id, visit.id


def _server_visits(server: LiveServer) -> list[tuple[str, str | None]]:
    with server.session() as s:
        return [(v.scheduled_by, v.result) for v in s.execute(select(ServerVisit)).scalars()]


def test_the_chief_signs_off_at_his_own_workstation_once_the_result_has_come(
        live_server: LiveServer, workstations: Callable[[str], Workstation], clock: Clock) -> None:
    clock.at = FRIDAY
    counter, chief = _pair(live_server, workstations)
    case_id, visit_id = _reviewed_with_a_visit(counter)
    assert _server_visits(live_server) == [("wangyan", None)]
    assert chief.sync(CHIEF).ok
    pulled = case_site_visits(chief.ctx, chief.actor(CHIEF), case_id)
    assert [(v.id, v.day, v.inspectors, v.result) for v in pulled] == [(visit_id, VISIT_DAY, ("李建国", "赵敏"), None)]
    with pytest.raises(AppError) as err:
        sign_off(chief.ctx, chief.actor(CHIEF), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "site_visit_pending"

    clock.at = at_local(2026, 11, 25, 16)
    record_visit_result(counter.ctx, counter.actor("wangyan"), visit_id, VisitResultInput("meets", "场所布局、设施设备与申请一致",
                                                                       photos=(("场所.png", photo()),)))
    assert counter.sync("wangyan").rejected == 0 and chief.sync(CHIEF).ok
    assert _server_visits(live_server) == [("wangyan", "meets")]
    seen = case_site_visits(chief.ctx, chief.actor(CHIEF), case_id)[0]
    assert seen.result_label == "符合" and seen.result_by == "王䶮" and "场所布局" in seen.summary
    assert seen.photo_ids == () and "照片 1 张" in seen.summary  # the photo stays where it was taken; its count comes
    decided = sign_off(chief.ctx, chief.actor(CHIEF), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert decided.state == "approved"
    after = chief.sync(CHIEF)
    assert after.ok and after.rejected == 0
    with live_server.session() as s:
        assert s.execute(select(ServerCase.state).where(ServerCase.id == case_id)).scalar_one() == "approved"


def test_the_server_refuses_a_visit_its_catalog_does_not_call_for(
        live_server: LiveServer, workstations: Callable[[str], Workstation], clock: Clock) -> None:
    clock.at = FRIDAY
    counter, _chief = _pair(live_server, workstations)
    with counter.ctx.write() as s:  # a workstation whose catalog says otherwise (tampered, or out of date)
        s.execute(update(Item).where(Item.name == NO_VISIT).values(site_visit=True))
    clerk = counter.actor("wangyan")
    case = accept_case(counter.ctx, clerk, complete(item_named(counter.ctx, NO_VISIT)))
    schedule_site_visit(counter.ctx, clerk, case.case_id, visit_on(VISIT_DAY))
    outcome = counter.sync("wangyan")
    assert outcome.ok and outcome.rejected == 1
    refused = status.rejections(counter.ctx)
    assert [r.code for r in refused] == ["no_site_visit"]
    assert _server_visits(live_server) == []


def test_the_server_refuses_a_decision_while_its_own_record_of_the_visit_has_no_result(
        live_server: LiveServer, workstations: Callable[[str], Workstation], clock: Clock) -> None:
    clock.at = FRIDAY
    counter, chief = _pair(live_server, workstations)
    case_id, _visit_id = _reviewed_with_a_visit(counter)
    assert chief.sync(CHIEF).ok
    with chief.ctx.write() as s:  # the chief's workstation lost the visit (a restored backup, a hand edit)
        s.execute(delete(SiteVisit))
    sign_off(chief.ctx, chief.actor(CHIEF), case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    outcome = chief.sync(CHIEF)
    assert outcome.ok and outcome.rejected == 1
    assert [r.code for r in status.rejections(chief.ctx)] == ["site_visit_pending"]
    with live_server.session() as s:
        assert s.execute(select(ServerCase.state).where(ServerCase.id == case_id)).scalar_one() == \
            "awaiting_signoff"
    with chief.ctx.read() as s:
        assert s.get(Case, case_id).state == "awaiting_signoff"  # the server's record came back
