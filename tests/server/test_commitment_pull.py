"""告知承诺 checks and credit records reach the window's other workstation through the real server (uvicorn on
127.0.0.1): the counter records the check, the chief's own workstation pulls it and revokes there, and the credit
record comes back to the counter. The server judges each op from its own staff records, not the workstation's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select, update
from sync_testkit import LiveServer, Workstation, counter_and_chief
from tests_commitment_terms import decided_on_commitment

from app.cases.commitments import check_info, open_checks, record_check
from app.certificates.revocation import revoke_on_false_commitment
from app.figures.commitments import commitment_figures
from app.station.bootstrap import DEMO_PASSWORD
from app.sync import status
from db.models import CreditRecord
from server.models import Commitment
from server.models import CreditRecord as ServerCredit
from server.models import Staff as ServerStaff

CHIEF = "zhoujianhua"
FINDING = "经现场核查，未设置冷藏冷冻设施，与承诺不符"


def _decided(ws: Workstation) -> str:
    """A 告知承诺 case decided on the spot at the counter, and pushed."""
    case_id = decided_on_commitment(ws)
    outcome = ws.sync("wangyan")
    assert outcome.ok and outcome.rejected == 0, status.rejections(ws.ctx)
    return case_id


def _credits(ws: Workstation) -> list[tuple[str, str, str]]:
    with ws.ctx.read() as s:
        return [(r.case_id, r.kind, r.reason) for r in s.execute(select(CreditRecord)).scalars()]


def test_a_check_reaches_the_chiefs_workstation_and_his_revocation_brings_the_credit_record_back(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    counter, chief = counter_and_chief(live_server, workstations)
    case_id = _decided(counter)
    assert chief.sync(CHIEF).ok
    pulled = check_info(chief.ctx, chief.actor(CHIEF), case_id)
    assert pulled is not None and pulled.result is None  # the task is on his desk too, still to do
    assert [r.case_id for r in open_checks(chief.ctx, chief.actor(CHIEF), None)] == [case_id]

    record_check(counter.ctx, counter.actor("wangyan"), case_id, "false", FINDING)
    assert counter.sync("wangyan").rejected == 0
    assert chief.sync(CHIEF).ok
    seen = check_info(chief.ctx, chief.actor(CHIEF), case_id)
    assert seen is not None and (seen.result, seen.note, seen.on_time) == ("false", FINDING, True)
    assert [r.status_label for r in open_checks(chief.ctx, chief.actor(CHIEF), None)] == ["不属实，待撤销"]

    revoke_on_false_commitment(chief.ctx, chief.actor(CHIEF), case_id, custodian_password=DEMO_PASSWORD)
    after = chief.sync(CHIEF)
    assert after.ok and after.rejected == 0, status.rejections(chief.ctx)
    with live_server.session() as s:
        credit = s.get(ServerCredit, case_id)
        assert (credit.window_code, credit.kind, credit.reason, credit.recorded_by) == (
            "W01", "false_commitment", FINDING, CHIEF)
        assert credit.subject_name
    assert counter.sync("wangyan").ok
    assert _credits(counter) == [(case_id, "false_commitment", FINDING)]
    done = check_info(counter.ctx, counter.actor("wangyan"), case_id)
    assert done is not None and done.revoked
    assert open_checks(counter.ctx, counter.actor("wangyan"), None) == ()
    today = counter.ctx.today()
    figures = commitment_figures(counter.ctx, counter.actor("zhangmin"), date(today.year, 1, 1), today)
    assert (figures.cases, figures.checked, figures.found_false, figures.revoked, figures.credit_records) == (
        1, 1, 1, 1, 1)
    assert chief.sync(CHIEF).ok and _credits(chief) == [(case_id, "false_commitment", FINDING)]  # not twice


def test_the_server_refuses_a_check_by_someone_its_records_do_not_hold_as_window_staff(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    counter, chief = counter_and_chief(live_server, workstations)
    case_id = _decided(counter)
    with live_server.session() as s:  # the hall made her the information admin; her workstation has not heard yet
        s.execute(update(ServerStaff).where(ServerStaff.username == "wangyan").values(role="admin"))
        s.commit()
    record_check(counter.ctx, counter.actor("wangyan"), case_id, "true", "")
    counter.sync("wangyan")
    assert [r.code for r in status.rejections(counter.ctx)] == ["not_window_staff"]
    with live_server.session() as s:
        assert s.get(Commitment, case_id).result is None
        assert s.execute(select(func.count()).select_from(ServerCredit)).scalar_one() == 0
    assert chief.sync(CHIEF).ok
    still = check_info(chief.ctx, chief.actor(CHIEF), case_id)
    assert still is not None and still.result is None  # the refused check never reached the window's desk
