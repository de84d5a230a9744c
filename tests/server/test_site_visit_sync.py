"""Site visits through the real server (uvicorn on 127.0.0.1): the chief's own workstation gets the visit and its
result, and the server judges from its own records (catalog, visits), not from what a workstation says."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

import pytest
from case_dialog_kit import desk
from ow_testkit import at_local, complete, item_named
from pytestqt.qtbot import QtBot
from signoff_kit import APPROVE, FRIDAY
from sqlalchemy import delete, select, update
from sync_testkit import Clock, LiveServer, Workstation, counter_and_chief
from visit_kit import FOOD, NO_VISIT, photo, visit_on

from app.cases.attachments import read_attachment
from app.cases.site_visits import VisitResultInput, case_site_visits, record_visit_result, schedule_site_visit
from app.core.errors import AppError
from app.intake.outcomes import accept_case
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import status, visit_photos
from db.models import Case, Item, SiteVisit
from server.models import Blob
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


def test_the_photos_reach_the_server_and_the_chief_fetches_them_on_demand(
        live_server: LiveServer, workstations: Callable[[str], Workstation], clock: Clock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock.at = FRIDAY
    counter, chief = _pair(live_server, workstations)
    case_id, visit_id = _reviewed_with_a_visit(counter)
    clock.at = at_local(2026, 11, 25, 16)
    taken = (("冷库.png", photo((200, 30, 30))), ("操作间.png", photo((30, 30, 200))))
    record_visit_result(counter.ctx, counter.actor("wangyan"), visit_id,
                        VisitResultInput("rectify", "冷库温度记录缺失", date(2026, 12, 1), photos=taken))
    shas = tuple(hashlib.sha256(data).hexdigest() for _name, data in taken)
    assert counter.sync("wangyan").rejected == 0
    with live_server.session() as s:  # the files themselves, uploaded before the op that names them
        assert {b.sha256 for b in s.execute(select(Blob).where(Blob.sha256.in_(shas))).scalars()} == set(shas)
    assert chief.sync(CHIEF).ok
    seen = case_site_visits(chief.ctx, chief.actor(CHIEF), case_id)[0]
    assert (seen.photo_count, seen.photo_ids, seen.photos_on_server) == (2, (), shas)

    monkeypatch.setattr(visit_photos, "MAX_BYTES", 100)  # bounded: a file past the limit is not taken in
    with pytest.raises(AppError) as err:
        visit_photos.fetch_visit_photos(chief.ctx, chief.actor(CHIEF), chief.store, visit_id)
    assert err.value.code == "too_large"
    assert case_site_visits(chief.ctx, chief.actor(CHIEF), case_id)[0].photo_ids == ()
    monkeypatch.undo()

    assert visit_photos.fetch_visit_photos(chief.ctx, chief.actor(CHIEF), chief.store, visit_id) == 2
    fetched = case_site_visits(chief.ctx, chief.actor(CHIEF), case_id)[0]
    assert (len(fetched.photo_ids), fetched.photos_on_server, fetched.photo_count) == (2, (), 2)
    got = sorted(read_attachment(chief.ctx, chief.actor(CHIEF), a)[1] for a in fetched.photo_ids)
    assert got == sorted(data for _name, data in taken)
    assert visit_photos.fetch_visit_photos(chief.ctx, chief.actor(CHIEF), chief.store, visit_id) == 0
    again = chief.sync(CHIEF)  # the server has them: nothing is sent back, no op for the fetched copies
    assert again.ok and again.uploaded == 0 and again.pushed == 0
    taker = case_site_visits(counter.ctx, counter.actor("wangyan"), case_id)[0]
    assert counter.sync("wangyan").ok and len(taker.photo_ids) == 2 and taker.photos_on_server == ()


def test_the_chief_fetches_the_photos_from_the_case_detail(
        live_server: LiveServer, workstations: Callable[[str], Workstation], clock: Clock, qtbot: QtBot) -> None:
    clock.at = FRIDAY
    counter, chief = _pair(live_server, workstations)
    case_id, visit_id = _reviewed_with_a_visit(counter)
    clock.at = at_local(2026, 11, 25, 16)
    record_visit_result(counter.ctx, counter.actor("wangyan"), visit_id, VisitResultInput(
        "meets", photos=(("场所.png", photo()), ("冷库.png", photo((1, 2, 3))))))
    assert counter.sync("wangyan").rejected == 0 and chief.sync(CHIEF).ok
    view, _printer = desk(qtbot, chief.ctx, CHIEF, case_id)
    view.photo_store = chief.store
    button = view.buttons["photos"]
    assert button.isVisible() and button.text() == "获取现场照片（2 张）" and view.attachments.rowCount() == 0
    button.click()
    qtbot.waitUntil(lambda: view.attachments.rowCount() == 2, timeout=20_000)
    assert not button.isVisible()  # all here now: nothing left to fetch
