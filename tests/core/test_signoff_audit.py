"""The sign-off flow leaves audit rows the chain protects: edited, deleted or cut-off rows are each detected."""

from __future__ import annotations

from datetime import date

import pytest
from signoff_kit import ADMIN, CHIEF, reviewed, start, who
from sqlalchemy import text

from app.core.context import AppContext
from app.signoff.decisions import DecisionInput
from app.signoff.review import sign_off
from app.station.bootstrap import DEMO_PASSWORD
from app.tools.audit_search import AuditQuery, chain_status, known_actions, search_audit
from app.tools.doctor import check_audit


def _signed(ctx: AppContext) -> str:
    start(ctx)
    case_id = reviewed(ctx)
    return sign_off(ctx, who(ctx, CHIEF), case_id, DecisionInput("approve", "同意"),
                    custodian_password=DEMO_PASSWORD).case_no


def _id_of(ctx: AppContext, action: str) -> int:
    with ctx.read() as s:
        return s.execute(text("SELECT max(id) FROM audit_log WHERE action = :a"), {"a": action}).scalar_one()


def test_flow_is_audited_and_the_chain_holds(ctx: AppContext) -> None:
    case_no = _signed(ctx)
    admin = who(ctx, ADMIN)
    report = chain_status(ctx, admin)
    assert report.ok and report.entries == 5  # demo loaded, seal use, review, seal use, sign-off
    assert check_audit(ctx.data.root).ok
    rows = search_audit(ctx, admin, AuditQuery(text=case_no))
    assert [r.action for r in rows] == ["sign_off", "review"]  # newest first
    assert rows[0].staff_name == "周建华" and rows[0].action_label == "核准签发" and "结果：准予" in rows[0].detail
    assert {r.action for r in search_audit(ctx, admin, AuditQuery(person="周建华"))} >= {"sign_off", "seal_use"}
    assert search_audit(ctx, admin, AuditQuery(action="seal_use"))[0].target.startswith("云市监许")
    assert search_audit(ctx, admin, AuditQuery(date_from=date(2026, 11, 19), date_to=date(2026, 11, 19))) == []
    assert len(search_audit(ctx, admin, AuditQuery(date_from=date(2026, 11, 20), date_to=date(2026, 11, 20)))) > 0
    assert ("sign_off", "核准签发") in known_actions(ctx, admin)


@pytest.mark.parametrize(("tamper", "problem"), [
    ("UPDATE audit_log SET detail_json = replace(detail_json, '同意', '不同意') WHERE id = {sign_off}", "edited"),
    ("DELETE FROM audit_log WHERE id = {seal_use}", "deleted"),
    ("DELETE FROM audit_log WHERE id >= {seal_use}", "truncated"),
])
def test_tampering_with_the_sign_off_rows_is_detected(ctx: AppContext, tamper: str, problem: str) -> None:
    _signed(ctx)
    ids = {"sign_off": _id_of(ctx, "sign_off"), "seal_use": _id_of(ctx, "seal_use")}
    with ctx.write() as s:
        s.execute(text(tamper.format(**ids)))
    report = chain_status(ctx, who(ctx, ADMIN)) if problem != "truncated" else None
    if report is None:  # signing in would append a row and hide the cut: read the chain without a login
        from app.core.audit import verify_chain

        with ctx.read() as s:
            report = verify_chain(s, ctx.data.audit_head)
    assert not report.ok and report.problem == problem
    assert not check_audit(ctx.data.root).ok
