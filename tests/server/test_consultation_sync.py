"""Consultations reach the real server (uvicorn on 127.0.0.1), which checks them from its own staff records."""

from __future__ import annotations

import json
from collections.abc import Callable

from ow_testkit import complete, item_named, person
from sqlalchemy import select, update
from sync_testkit import LiveServer, Workstation, enrolment_code

from app.intake.consultations import ConsultationInput, intake_start, record_consultation
from app.intake.input_checks import IntakeInput
from app.intake.outcomes import accept_case
from app.sync import status
from server.models import Consultation, Staff

FOOD, HYGIENE = "食品经营许可", "公共场所卫生许可"  # A01 (W01) handles food; hygiene is B01's (W03)


def _ask(ws: Workstation, *names: str, by: str = "wangyan", **kw: str) -> str:
    ids = tuple(item_named(ws.ctx, n).id for n in names)
    return record_consultation(ws.ctx, ws.actor(by), ConsultationInput(ids, "材料齐全可当场受理", **kw)).id


def _server_rows(server: LiveServer) -> dict[str, Consultation]:
    with server.session() as s:
        rows = {c.id: c for c in s.execute(select(Consultation)).scalars()}
        for c in rows.values():
            s.expunge(c)
        return rows


def test_a_consultation_and_the_intake_it_became_reach_the_server(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    ws = workstations("a")
    ws.enrol(live_server, enrolment_code(live_server, "W01"))
    ws.sign_in("wangyan")
    asked = _ask(ws, FOOD, HYGIENE, person_name="李娜", person_phone="13900002222")
    outcome = ws.sync("wangyan")
    assert outcome.ok and outcome.rejected == 0
    row = _server_rows(live_server)[asked]
    assert (row.window_code, row.staff, row.referral_window_code) == ("W01", "wangyan", "W03")
    assert json.loads(row.item_codes) == [item_named(ws.ctx, n).code for n in (FOOD, HYGIENE)]
    assert json.loads(row.record_json)["person_name"] == "李娜" and row.case_no is None

    begun = intake_start(ws.ctx, ws.actor("wangyan"), asked)
    base = complete(item_named(ws.ctx, FOOD), person(begun.person_name, phone=begun.person_phone))
    case = accept_case(ws.ctx, ws.actor("wangyan"), IntakeInput(base.item_id, base.applicant, base.materials,
                                                                consultation_id=asked))
    after = ws.sync("wangyan")
    assert after.ok and after.rejected == 0
    assert _server_rows(live_server)[asked].case_no == case.case_no


def test_the_server_refuses_a_consultation_by_someone_no_longer_at_the_window(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    ws = workstations("a")
    ws.enrol(live_server, enrolment_code(live_server, "W01"))
    ws.sign_in("wangyan")
    _ask(ws, FOOD)
    # The hall moved 王䶮 to B01 on the server; the workstation has not heard of it yet.
    with live_server.session() as s:
        s.execute(update(Staff).where(Staff.username == "wangyan").values(window_code="W03"))
        s.commit()
    ws.sign_in("zhangmin")  # a colleague of the window sends the queue
    outcome = ws.sync("zhangmin")
    assert outcome.ok and outcome.rejected == 1
    refused = status.rejections(ws.ctx)
    assert len(refused) == 1 and refused[0].code == "unknown_actor"
    assert _server_rows(live_server) == {}


def test_a_consultation_reaches_the_windows_other_workstation_and_becomes_an_intake_there(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    from app.intake.consultations import recent_consultations
    from db.models import Consultation as LocalConsultation

    a, b = workstations("a"), workstations("b")
    a.enrol(live_server, enrolment_code(live_server, "W01"))
    b.enrol(live_server, enrolment_code(live_server, "W01"))
    a.sign_in("wangyan")
    b.sign_in("zhangmin")
    asked = _ask(a, FOOD, HYGIENE, person_name="李娜", person_phone="13900002222")
    assert a.sync("wangyan").ok and b.sync("zhangmin").ok
    lines = {line.id: line for line in recent_consultations(b.ctx, b.actor("zhangmin"))}
    assert asked in lines and lines[asked].staff == "王䶮" and "13900002222" in lines[asked].person
    assert lines[asked].referral.startswith("B01")  # 首问负责: the referral the first person made, as made
    # the visitor comes back to b's counter: nothing typed twice, and a sees the link after its next pull
    begun = intake_start(b.ctx, b.actor("zhangmin"), asked)
    assert (begun.person_name, begun.item_id) == ("李娜", item_named(b.ctx, FOOD).id)
    base = complete(item_named(b.ctx, FOOD), person(begun.person_name, phone=begun.person_phone))
    case = accept_case(b.ctx, b.actor("zhangmin"), IntakeInput(base.item_id, base.applicant, base.materials,
                                                               consultation_id=asked))
    assert b.sync("zhangmin").ok and a.sync("wangyan").ok
    assert _server_rows(live_server)[asked].case_no == case.case_no
    with a.ctx.read() as s:
        assert s.get(LocalConsultation, asked).case_id == case.case_id
