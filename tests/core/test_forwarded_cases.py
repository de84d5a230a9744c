"""A forwarded (上报) case is decided by the department only; the window then issues that decision's document.

Dates by hand on the official calendar: National Day 2026 is 10-01…10-07 off, Saturday 10-10 worked.
"""

from __future__ import annotations

from datetime import date

import pytest
from ow_testkit import at_local
from signoff_kit import APPROVE, accepted, audit_actions, case_row, documents, start, who
from sqlalchemy import select

from app.core.context import AppContext
from app.core.errors import AppError
from app.signoff.decisions import decide_single, issue_decision, record_backoffice_decision
from app.signoff.review import forward_case
from app.station.bootstrap import DEMO_PASSWORD
from db.models import CaseEvent

CHANGE = "食品经营许可变更"  # 承诺件, 一审制: promised 3, legal 10 working days


def test_a_forwarded_case_cannot_be_decided_at_the_window(ctx: AppContext) -> None:
    start(ctx, at_local(2026, 9, 30, 10))  # Wednesday before National Day
    case_id = accepted(ctx, CHANGE)
    row = case_row(ctx, case_id)
    # promised from 09-30: 10-08, 10-09, Sat 10-10; legal: … 10-12, 13, 14, 15, 16, 19, 20.
    assert (row.promised_deadline, row.legal_deadline) == (date(2026, 10, 10), date(2026, 10, 20))
    clerk = who(ctx, "wangyan")
    start(ctx, at_local(2026, 10, 8, 9))
    assert forward_case(ctx, clerk, case_id, "涉及跨区域经营，报局机关决定").state == "forwarded"

    start(ctx, at_local(2026, 10, 8, 15))
    with pytest.raises(AppError) as err:
        decide_single(ctx, clerk, case_id, APPROVE, custodian_password=DEMO_PASSWORD)
    assert err.value.code == "forwarded"
    assert case_row(ctx, case_id).state == "forwarded" and case_row(ctx, case_id).decision is None
    assert documents(ctx, case_id, "approval_decision") == [], "no sealed decision of the window's own"
    assert "decide" not in audit_actions(ctx)

    # The department's decision, made on Friday 10-09, arrives through sync on Saturday 10-10 (a working day).
    start(ctx, at_local(2026, 10, 10, 9))
    decided = record_backoffice_decision(ctx, case_id, "approve", decided_at=at_local(2026, 10, 9, 16),
                                         decided_by="云岫市市场监督管理局", opinion="同意变更",
                                         content=APPROVE.content, validity=APPROVE.validity)
    assert decided.state == "approved"
    issued = issue_decision(ctx, clerk, case_id, custodian_password=DEMO_PASSWORD)
    assert len(issued.document_ids) == 1 and len(documents(ctx, case_id, "approval_decision")) == 1
    with ctx.read() as s:
        kinds = s.execute(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)
                          .order_by(CaseEvent.id)).scalars().all()
    assert kinds == ["accepted", "forwarded", "backoffice_decision", "decision_issued"]
