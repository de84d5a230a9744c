"""Deputies for 核准签发: only someone holding the chief's authority stands in, never for a case they examined,
and every deputised sign-off says so on the decision and in the audit log.

The demo's deputy: 刘婷 (a clerk of the chief's window A01) signs for 周建华 from Mon 2026-12-14 to Fri 2026-12-25, named
for it in writing by the department (云市监人〔2026〕57号). Dates by hand: 12-12/13 and 12-19/20 are weekends.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from signoff_kit import (
    APPROVE,
    CHIEF,
    accepted,
    at_local,
    case_row,
    documents,
    pdf_text,
    reviewed,
    start,
    who,
)
from sqlalchemy import select, update

from app.core.context import AppContext
from app.core.errors import AppError, PermissionDenied
from app.signoff.decisions import DecisionInput
from app.signoff.delegations import list_deputies
from app.signoff.queue import signoff_queue
from app.signoff.review import record_review, sign_off, start_review
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, Deputy, Staff

SIGN = DecisionInput("approve", "同意")
DEPUTY = "liuting"


def _staff_id(ctx: AppContext, username: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def _name_deputy(ctx: AppContext, username: str, named_by: str = "") -> None:
    """Name `username` 周建华's deputy for December, as the hall's reference data would."""
    with ctx.write() as s:
        naming = {"named_by": named_by} if named_by else {}  # unnamed: the row as the hall used to send it
        s.add(Deputy(chief_id=_staff_id(ctx, CHIEF), deputy_id=_staff_id(ctx, username), valid_from=date(2026, 12, 1),
                     valid_to=date(2026, 12, 31), reason="外出学习", **naming))


def test_a_clerk_listed_as_deputy_without_the_departments_naming_cannot_sign(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 11, 10))  # Friday; the case was reviewed before the weekend
    case_id = reviewed(ctx, by="wangyan")
    _name_deputy(ctx, "zhangmin")  # a clerk, no document of the department
    start(ctx, at_local(2026, 12, 14, 9))  # Monday
    zhang = who(ctx, "zhangmin")
    row = signoff_queue(ctx, zhang)[0]
    assert not row.can_sign and "部门也未书面指定" in row.blocker
    with pytest.raises(PermissionDenied, match="不是首席代表，部门也未书面指定其代为核准签发"):
        sign_off(ctx, zhang, case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert case_row(ctx, case_id).state == "awaiting_signoff"
    info = next(d for d in list_deputies(ctx, who(ctx, CHIEF)) if d.deputy_name == "张敏")
    assert "未书面指定" in info.problem
    # The department's naming in writing gives her the authority.
    with ctx.write() as s:
        s.execute(update(Deputy).where(Deputy.deputy_id == zhang.staff_id).values(named_by="云市监人〔2026〕60号"))
    assert sign_off(ctx, zhang, case_id, SIGN, custodian_password=DEMO_PASSWORD).on_behalf_of == "周建华"


def test_a_chief_of_another_department_is_no_deputy(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 11, 10))
    case_id = reviewed(ctx, by="wangyan")
    _name_deputy(ctx, "sunlijuan")  # 卫健委's chief representative: a chief, but not of this department
    start(ctx, at_local(2026, 12, 14, 9))
    with pytest.raises(AppError) as err:
        sign_off(ctx, who(ctx, "sunlijuan"), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "not_delegated"
    assert case_row(ctx, case_id).state == "awaiting_signoff"


def test_a_deputised_sign_off_says_so_on_the_decision_and_in_the_audit_log(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 12, 11, 16))  # accepted and reviewed on Friday
    case_id = reviewed(ctx, by="wangyan")
    start(ctx, at_local(2026, 12, 15, 10))  # Tuesday, inside the deputy period
    result = sign_off(ctx, who(ctx, DEPUTY), case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert result.on_behalf_of == "周建华"
    # Art. 44 from the decision day 12-15: 12-16, 17, 18, 21, 22, 23, 24, 25, 28, 29 → 2026-12-29.
    assert result.issue_deadline == date(2026, 12, 29)
    (doc,) = documents(ctx, case_id, "approval_decision")
    text = pdf_text(Path(ctx.data.root) / doc.path)
    assert "本决定由刘婷代首席代表周建华核准签发（经部门书面指定，云市监人〔2026〕57号）" in text
    with ctx.read() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "sign_off")).scalar_one()
    detail = json.loads(entry.detail_json)
    assert entry.staff_id == _staff_id(ctx, DEPUTY)
    assert (detail["on_behalf_of"], detail["on_behalf_of_name"]) == (_staff_id(ctx, CHIEF), "周建华")
    assert detail["deputy_basis"] == "经部门书面指定，云市监人〔2026〕57号"


def test_opening_a_case_for_review_counts_as_reviewing_it(ctx: AppContext) -> None:
    """docs/decisions.md: whoever took the case up for review examined it (art. 34)."""
    start(ctx, at_local(2026, 12, 11, 10))  # Friday
    case_id = accepted(ctx)
    start_review(ctx, who(ctx, CHIEF), case_id)  # the chief opens it for review …
    start(ctx, at_local(2026, 12, 14, 9))  # … and on Monday a clerk writes the opinion
    record_review(ctx, who(ctx, "wangyan"), case_id, APPROVE)
    chief = who(ctx, CHIEF)
    assert not signoff_queue(ctx, chief)[0].can_sign
    with pytest.raises(AppError) as err:
        sign_off(ctx, chief, case_id, SIGN, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "same_person"
    assert case_row(ctx, case_id).state == "awaiting_signoff"
    # Someone else with the authority signs: the deputy the department named.
    assert sign_off(ctx, who(ctx, DEPUTY), case_id, SIGN, custodian_password=DEMO_PASSWORD).state == "approved"
