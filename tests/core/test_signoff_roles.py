"""Every role × every new use case, called on the core directly: allowed ones succeed, the rest are refused.

The expectations are written out here, independently of app.core.auth.PERMISSIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from signoff_kit import ADMIN, APPROVE, CHIEF, accepted, reviewed, start, who
from sqlalchemy import select

from app.core.context import Actor, AppContext
from app.core.errors import PermissionDenied
from app.seal import custody as seal_custody
from app.seal import usage_register as seal_register
from app.signoff import delegations
from app.signoff import queue as signoff_queue
from app.signoff import review as signoff
from app.signoff.decisions import DecisionInput, decide_single, issue_decision, record_backoffice_decision
from app.station.bootstrap import DEMO_PASSWORD
from app.tools import audit_search as audit_view
from db.models import Seal, SealAuthorization, Staff

CLERK = "liuting"  # an A01 clerk who reviews nothing here and stands in for nobody
ROLES = {"clerk": CLERK, "chief": CHIEF, "admin": ADMIN}
SIGN = DecisionInput("approve", "同意")
PW = DEMO_PASSWORD


def _seal_id(ctx: AppContext) -> int:
    with ctx.read() as s:
        return s.execute(select(Seal.id).where(Seal.code == "3309990018201")).scalar_one()


def _staff(ctx: AppContext, username: str) -> int:
    with ctx.read() as s:
        return s.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def _authorisation_of(ctx: AppContext, username: str) -> int:
    with ctx.read() as s:
        return s.execute(select(SealAuthorization.id).where(
            SealAuthorization.staff_id == _staff(ctx, username), SealAuthorization.withdrawn_at.is_(None))).scalar_one()


def _withdrawn_liuting(ctx: AppContext) -> tuple[int, int]:
    seal_custody.withdraw_authorisation(ctx, who(ctx, CHIEF), _authorisation_of(ctx, CLERK), "调岗")
    return _seal_id(ctx), _staff(ctx, CLERK)


def _forwarded_and_decided(ctx: AppContext) -> str:
    case_id = reviewed(ctx, item="第三类医疗器械经营许可")
    record_backoffice_decision(ctx, case_id, "approve", decided_at=ctx.now(), decided_by="云岫市市场监督管理局",
                               opinion="准予", content="经营范围：第三类医疗器械（体外诊断试剂除外）")
    return case_id


def _immediate(ctx: AppContext) -> str:
    return accepted(ctx, "个体工商户设立登记")


@dataclass(frozen=True)
class UseCase:
    setup: Callable[[AppContext], Any]
    call: Callable[[AppContext, Actor, Any], Any]
    allowed: frozenset[str]


ALL, WINDOW, CHIEF_ONLY, ADMIN_ONLY = (frozenset({"clerk", "chief", "admin"}), frozenset({"clerk", "chief"}),
                                       frozenset({"chief"}), frozenset({"admin"}))
SUPERVISORS = frozenset({"chief", "admin"})


def _none(ctx: AppContext) -> None:
    return None


CASES: dict[str, UseCase] = {
    "start_review": UseCase(accepted, lambda c, a, x: signoff.start_review(c, a, x), WINDOW),
    "record_review": UseCase(accepted, lambda c, a, x: signoff.record_review(c, a, x, APPROVE), WINDOW),
    "forward_case": UseCase(accepted, lambda c, a, x: signoff.forward_case(c, a, x, "报部门"), WINDOW),
    "sign_off": UseCase(reviewed, lambda c, a, x: signoff.sign_off(c, a, x, SIGN, custodian_password=PW), CHIEF_ONLY),
    "batch_sign_off": UseCase(reviewed, lambda c, a, x: signoff.batch_sign_off(c, a, [x], custodian_password=PW),
                              CHIEF_ONLY),
    "return_for_review": UseCase(reviewed, lambda c, a, x: signoff.return_for_review(c, a, x, "补充意见"), CHIEF_ONLY),
    "decide_single": UseCase(lambda c: accepted(c, "食品经营许可变更"),
                             lambda c, a, x: decide_single(c, a, x, APPROVE, custodian_password=PW), WINDOW),
    "decide_on_spot": UseCase(_immediate, lambda c, a, x: signoff.decide_on_spot(c, a, x, APPROVE, custodian_password=PW),
                              WINDOW),
    "issue_decision": UseCase(_forwarded_and_decided,
                              lambda c, a, x: issue_decision(c, a, x, custodian_password=PW), WINDOW),
    "signoff_queue": UseCase(reviewed, lambda c, a, x: signoff_queue.signoff_queue(c, a), ALL),
    "review_desk": UseCase(accepted, lambda c, a, x: signoff_queue.review_desk(c, a), ALL),
    "list_delegations": UseCase(_none, lambda c, a, x: delegations.list_delegations(c, a), ALL),
    "list_deputies": UseCase(_none, lambda c, a, x: delegations.list_deputies(c, a), ALL),
    "list_seals": UseCase(_none, lambda c, a, x: seal_custody.list_seals(c, a), SUPERVISORS),
    "list_authorisations": UseCase(_seal_id, lambda c, a, x: seal_custody.list_authorisations(c, a, x), SUPERVISORS),
    "grant_authorisation": UseCase(_withdrawn_liuting, lambda c, a, x: seal_custody.grant_authorisation(
        c, a, x[0], x[1], c.today()), CHIEF_ONLY),
    "withdraw_authorisation": UseCase(lambda c: _authorisation_of(c, CLERK),
                                      lambda c, a, x: seal_custody.withdraw_authorisation(c, a, x, "调岗"), CHIEF_ONLY),
    "revoke_seal": UseCase(_seal_id, lambda c, a, x: seal_custody.revoke_seal(c, a, x, "印章更换"), ADMIN_ONLY),
    "declare_lost": UseCase(_seal_id, lambda c, a, x: seal_custody.declare_lost(c, a, x, "印章遗失"), ADMIN_ONLY),
    "seal_away": UseCase(_seal_id, lambda c, a, x: seal_custody.seal_away(c, a, x, "机构调整", "yangfan", PW),
                         ADMIN_ONLY),
    "search_seal_uses": UseCase(accepted, lambda c, a, x: seal_register.search_seal_uses(
        c, a, seal_register.RegisterQuery()), SUPERVISORS),
    "register_pdf": UseCase(accepted, lambda c, a, x: seal_register.register_pdf(c, a, seal_register.RegisterQuery()),
                            SUPERVISORS),
    "export_register": UseCase(accepted, lambda c, a, x: seal_register.export_register(
        c, a, seal_register.RegisterQuery(), Path(c.data.root) / "register.xlsx"), SUPERVISORS),
    "search_audit": UseCase(_none, lambda c, a, x: audit_view.search_audit(c, a, audit_view.AuditQuery()),
                            SUPERVISORS),
    "chain_status": UseCase(_none, lambda c, a, x: audit_view.chain_status(c, a), SUPERVISORS),
    "known_actions": UseCase(_none, lambda c, a, x: audit_view.known_actions(c, a), SUPERVISORS),
}


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(CASES))
def test_role_may_or_may_not(ctx: AppContext, name: str, role: str) -> None:
    start(ctx)
    case = CASES[name]
    arg = case.setup(ctx)
    actor = who(ctx, ROLES[role])
    if role in case.allowed:
        case.call(ctx, actor, arg)  # succeeds: no refusal of any kind
    else:
        with pytest.raises(PermissionDenied):
            case.call(ctx, actor, arg)
