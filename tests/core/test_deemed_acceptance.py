"""行政许可法 art. 32(1)(4) on every path: an incomplete 收件 is deemed accepted too, each case in its own
transaction, and housekeeping goes on (and makes its backup) whatever one case does.

Dates worked out by hand on the official calendar: 2026-11 has no holiday (weekend 11-07/08, 11-14/15);
National Day 2026 is 10-01…10-07 off with Saturday 10-10 worked (国办发明电〔2025〕7号).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock, with_status
from signoff_kit import ADMIN, pdf_text, who
from sqlalchemy import select

from app.core.context import AppContext, to_local
from app.core.errors import AppError
from app.intake.outcomes import decide_received, receive_case
from app.seal.custody import revoke_seal
from app.station.housekeeping import run_housekeeping
from db.models import Case, CaseEvent, CaseMaterial, Document, Seal, Window

FOOD = "食品经营许可"  # promised 5, legal 10 working days, six materials


def _case(ctx: AppContext, case_id: str) -> Case:
    with ctx.read() as s:
        case = s.get(Case, case_id)
        s.expunge(case)
        return case


def _material_status(ctx: AppContext, case_id: str) -> dict[int, str]:
    with ctx.read() as s:
        return dict(s.execute(select(CaseMaterial.seq, CaseMaterial.status).where(CaseMaterial.case_id == case_id))
                    .all())


def _acceptance_notice(ctx: AppContext, case_id: str) -> Path:
    with ctx.read() as s:
        doc = s.execute(select(Document).where(Document.case_id == case_id,
                                               Document.kind == "acceptance_notice")).scalar_one()
        return Path(ctx.data.root) / doc.path


def _no_backup_yet(ctx: AppContext) -> None:
    """The demo copy carries today's backup from its first start: remove it to see housekeeping make one."""
    for old in ctx.data.backups.glob("onewindow-*-daily.sqlite"):
        old.unlink()


def test_incomplete_received_case_is_deemed_accepted_and_does_not_block_the_others(ctx: AppContext) -> None:
    item = item_named(ctx, FOOD)
    actor = clerk(ctx)
    # Thu 11-05 09:00, material 2 missing. Notice due: 11-06, 11-09, 11-10, 11-11, 11-12 → Thu 11-12.
    set_clock(ctx, at_local(2026, 11, 5, 9))
    stuck = receive_case(ctx, actor, complete(item, overrides=with_status(item, 2, "missing")))
    assert stuck.notice_due == date(2026, 11, 12)
    # Fri 11-06, everything there. Notice due: 11-09 … 11-13 → Fri 11-13.
    set_clock(ctx, at_local(2026, 11, 6, 10))
    whole = receive_case(ctx, actor, complete(item))
    assert whole.notice_due == date(2026, 11, 13)

    set_clock(ctx, at_local(2026, 11, 16, 8, 30))  # Monday: both notice days have passed
    _no_backup_yet(ctx)
    result = run_housekeeping(ctx, 60)
    assert result.failed == ()
    assert set(result.deemed_accepted) == {stuck.case_no, whole.case_no}
    assert result.backup_made and list(ctx.data.backups.glob("onewindow-*-daily.sqlite"))

    a, b = _case(ctx, stuck.case_id), _case(ctx, whole.case_id)
    assert a.state == b.state == "accepted" and a.deemed_accepted and b.deemed_accepted
    # Accepted from the day of receipt (the day itself not counted):
    # A 11-05 → promised 11-06, 09, 10, 11, 12 = 11-12; legal … 13, 16, 17, 18, 19 = 11-19.
    # B 11-06 → promised 11-09 … 11-13 = 11-13; legal 11-16 … 11-20 = 11-20.
    assert (a.clock_start, a.promised_deadline, a.legal_deadline) == (date(2026, 11, 5), date(2026, 11, 12),
                                                                       date(2026, 11, 19))
    assert (b.clock_start, b.promised_deadline, b.legal_deadline) == (date(2026, 11, 6), date(2026, 11, 13),
                                                                       date(2026, 11, 20))
    assert to_local(a.accepted_at).date() == date(2026, 11, 5) and to_local(b.accepted_at).date() == date(2026, 11, 6)
    # What is missing stays on file, to be dealt with inside the procedure.
    assert _material_status(ctx, stuck.case_id)[2] == "missing"

    # The clerk's examination now says what happened instead of failing whatever is chosen.
    with pytest.raises(AppError) as err:
        decide_received(ctx, actor, stuck.case_id, "accept")
    assert err.value.code == "bad_state" or err.value.code == "deemed_accepted"


def test_the_deemed_notice_says_so_and_dates_acceptance_from_receipt(ctx: AppContext) -> None:
    item = item_named(ctx, FOOD)
    actor = clerk(ctx)
    # Mon 09-28, material 3 defective. Notice due (National Day): 09-29, 09-30, 10-08, 10-09, Sat 10-10.
    set_clock(ctx, at_local(2026, 9, 28, 9, 5))
    r = receive_case(ctx, actor, complete(item, overrides=with_status(item, 3, "defective", "复印件不清晰")))
    assert r.notice_due == date(2026, 10, 10)
    set_clock(ctx, at_local(2026, 10, 12, 9))  # Monday after: too late
    with pytest.raises(AppError) as err:  # the examination finds the deemed acceptance, whatever it chooses
        decide_received(ctx, actor, r.case_id, "notify", (with_status(item, 3, "defective", "复印件不清晰")[3],))
    assert err.value.code == "deemed_accepted"
    case = _case(ctx, r.case_id)
    # promised from 09-28: 09-29, 09-30, 10-08, 10-09, 10-10; legal: … 10-12, 13, 14, 15, 16.
    assert case.state == "accepted" and case.deemed_accepted
    assert (case.promised_deadline, case.legal_deadline) == (date(2026, 10, 10), date(2026, 10, 16))
    text = pdf_text(_acceptance_notice(ctx, r.case_id))
    assert "视为受理" in text and "第三十二条第一款第（四）项" in text
    assert "自收到申请材料之日即2026年9月28日起即为受理" in text
    assert "申请材料齐全、符合法定形式" not in text, "not the ordinary wording"
    assert "受理时间2026年9月28日（视为受理）" in text, "the day of receipt, not the sweep's time"
    assert "待补正：复印件不清晰" in text
    with ctx.read() as s:
        events = s.execute(select(CaseEvent.kind, CaseEvent.at).where(CaseEvent.case_id == r.case_id)
                           .order_by(CaseEvent.id)).all()
    assert [k for k, _at in events] == ["received", "deemed_accepted"]
    assert to_local(events[1][1]).date() == date(2026, 10, 12), "when the sweep found it is on the event"


def test_a_case_housekeeping_cannot_handle_is_listed_and_the_rest_goes_on(ctx: AppContext) -> None:
    item = item_named(ctx, FOOD)
    set_clock(ctx, at_local(2026, 11, 2, 9))  # Monday; notice due 11-09
    blocked = receive_case(ctx, clerk(ctx), complete(item))  # window A01
    fine = receive_case(ctx, clerk(ctx, "lina"), complete(item))  # window A02, its own seal
    with ctx.read() as s:
        seal_id = s.execute(select(Seal.id).join(Window, Window.id == Seal.window_id)
                            .where(Window.number == "A01")).scalar_one()
    revoke_seal(ctx, who(ctx, ADMIN), seal_id, "印章更换")  # A01 can seal no acceptance notice now

    set_clock(ctx, at_local(2026, 11, 10, 8))
    _no_backup_yet(ctx)
    result = run_housekeeping(ctx, 60)
    assert result.deemed_accepted == (fine.case_no,)
    assert [(case_id, no) for case_id, no, _why in result.failed] == [(blocked.case_id, blocked.case_no)]
    assert "印章" in result.failed[0][2]
    assert result.backup_made, "the daily backup is made whatever a case does"
    assert _case(ctx, blocked.case_id).state == "received", "the failed case's transaction left nothing"
    assert _case(ctx, fine.case_id).state == "accepted"
