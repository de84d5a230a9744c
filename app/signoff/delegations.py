"""Who may sign off which item today: the department's delegations to chief representatives, and deputies.

The department delegates items to a chief representative for a period; a deputy named for the
chief's absence signs on the chief's behalf, within the chief's delegations only. A deputy must hold
the chief's authority: another chief representative of the department, or a person the department
names for it in writing (`Deputy.named_by`); a clerk the hall merely listed signs nothing. The
server sends both lists (reference_data.load_hall); here they are only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.auth import Action, may, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, PermissionDenied
from app.documents.legal_text import cn_date
from db.models import Delegation, Deputy, Item, Staff


@dataclass(frozen=True)
class DelegationInfo:
    """One delegated item as the chief's page lists it."""

    id: int
    item_code: str
    item_name: str
    chief_id: int
    chief_name: str
    valid_from: date
    valid_to: date | None
    revoked: bool
    valid_today: bool


@dataclass(frozen=True)
class DeputyInfo:
    """A deputy named for a chief's absence."""

    id: int
    chief_id: int
    chief_name: str
    deputy_id: int
    deputy_name: str
    valid_from: date
    valid_to: date
    reason: str
    active_today: bool
    named_by: str = ""
    problem: str = ""  # why this naming gives no authority to sign ("" when it does)


@dataclass(frozen=True)
class Authority:
    """Why this person may sign this item today: their own delegation, or as a chief's deputy."""

    signer_id: int
    chief_id: int  # whose delegation it is
    on_behalf_of_id: int | None  # set when a deputy signs for the chief
    basis: str = ""  # a deputy's: being a chief representative, or the department's naming document


def _valid_on(d: Delegation, today: date) -> bool:
    return d.revoked_at is None and d.valid_from <= today and (d.valid_to is None or today <= d.valid_to)


def valid_delegation(session: Session, chief_id: int, item_code: str, today: date) -> Delegation | None:
    """The chief's delegation of this item that is in force today, if any."""
    rows = session.execute(select(Delegation).where(Delegation.chief_id == chief_id,
                                                    Delegation.item_code == item_code)).scalars()
    return next((d for d in rows if _valid_on(d, today)), None)


def delegated_to_anyone(session: Session, item_code: str, today: date) -> bool:
    """Whether any chief representative may decide this item today (else it is forwarded, 上报)."""
    rows = session.execute(select(Delegation).where(Delegation.item_code == item_code)).scalars()
    return any(_valid_on(d, today) for d in rows)


def delegated_items(session: Session, today: date) -> set[str]:
    """The items some chief representative may decide today, in one query (a desk asks for all at once)."""
    return {d.item_code for d in session.execute(select(Delegation)).scalars() if _valid_on(d, today)}


def _why_not(session: Session, chief_id: int, item_code: str, today: date) -> str:
    """The reason the chief's delegation of this item is not in force, in words."""
    rows = list(session.execute(select(Delegation).where(Delegation.chief_id == chief_id,
                                                         Delegation.item_code == item_code)).scalars())
    if not rows:
        return "部门未授权"
    latest = max(rows, key=lambda d: d.valid_from)
    if latest.revoked_at is not None:
        return "授权已被撤销"
    if today < latest.valid_from:
        return f"授权自{cn_date(latest.valid_from)}起生效"
    return f"授权已于{cn_date(latest.valid_to)}到期" if latest.valid_to else "授权不在有效期内"


def active_deputyships(session: Session, deputy_id: int, today: date) -> list[Deputy]:
    """The chiefs this person is named to stand in for today (whether the naming holds: deputy_problem)."""
    return list(session.execute(select(Deputy).where(Deputy.deputy_id == deputy_id, Deputy.valid_from <= today,
                                                     Deputy.valid_to >= today)).scalars())


def deputy_problem(session: Session, dep: Deputy) -> str:
    """Why this naming gives the deputy no authority to sign off for the chief ("" when it does).

    核准签发 is the chief representative's delegated power: whoever stands in must hold it too.
    """
    deputy, chief = session.get(Staff, dep.deputy_id), session.get(Staff, dep.chief_id)
    if deputy is None or chief is None or not deputy.active:
        return "代签人员不存在或已停用"
    if deputy.id == chief.id:
        return "首席代表不能指定本人代签"
    if deputy.department_id != chief.department_id:
        return f"{deputy.name}不是{chief.name}所在部门的人员"
    if deputy.role != "chief" and not dep.named_by.strip():
        return f"{deputy.name}不是首席代表，部门也未书面指定其代为核准签发"
    return ""


def _deputy_basis(session: Session, dep: Deputy) -> str:
    deputy = session.get(Staff, dep.deputy_id)
    if deputy is not None and deputy.role == "chief":
        return f"{deputy.name}系本部门首席代表"
    return f"经部门书面指定，{dep.named_by.strip()}"


def signing_authority(session: Session, actor: Actor, item_code: str, item_name: str, today: date) -> Authority:
    """The authority under which the actor signs this item today; raise with the reason when there is none.

    A chief signs under their own delegation; a deputy only holding the chief's authority (deputy_problem),
    within the period they were named for, and only items the absent chief holds a delegation for.
    """
    named = active_deputyships(session, actor.staff_id, today)
    problems = {dep.id: deputy_problem(session, dep) for dep in named}
    deputyships = [dep for dep in named if not problems[dep.id]]
    if not deputyships:
        if named and not may(actor, Action.SIGN_OFF):
            raise PermissionDenied(f"不能代为核准签发：{'；'.join(problems.values())}")
        require(actor, Action.SIGN_OFF)
    if may(actor, Action.SIGN_OFF) and valid_delegation(session, actor.staff_id, item_code, today):
        return Authority(actor.staff_id, actor.staff_id, None)
    for dep in deputyships:
        if valid_delegation(session, dep.chief_id, item_code, today):
            return Authority(actor.staff_id, dep.chief_id, dep.chief_id, _deputy_basis(session, dep))
    reasons = []
    if may(actor, Action.SIGN_OFF):
        reasons.append(f"您：{_why_not(session, actor.staff_id, item_code, today)}")
    for dep in deputyships:
        chief = session.get(Staff, dep.chief_id)
        reasons.append(f"{chief.name if chief else '首席代表'}：{_why_not(session, dep.chief_id, item_code, today)}")
    raise AppError("not_delegated", f"事项“{item_name}”不在可签批的授权范围内（{'；'.join(reasons)}），"
                   "请上报部门决定")


def _name(session: Session, staff_id: int) -> str:
    s = session.get(Staff, staff_id)
    return s.name if s else ""


def _item_names(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Item.code, Item.name))}


def list_delegations(ctx: AppContext, actor: Actor, chief_id: int | None = None) -> list[DelegationInfo]:
    """Delegations (all, or one chief's), newest period first within each item."""
    require(actor, Action.VIEW_CASES)
    today = ctx.today()
    with ctx.read() as s:
        q = select(Delegation).order_by(Delegation.chief_id, Delegation.item_code, Delegation.valid_from.desc())
        if chief_id is not None:
            q = q.where(Delegation.chief_id == chief_id)
        names = _item_names(s)
        return [DelegationInfo(d.id, d.item_code, names.get(d.item_code, d.item_code), d.chief_id,
                               _name(s, d.chief_id), d.valid_from, d.valid_to, d.revoked_at is not None,
                               _valid_on(d, today)) for d in s.execute(q).scalars()]


def list_deputies(ctx: AppContext, actor: Actor) -> list[DeputyInfo]:
    """Every deputy named, with whether the naming is in force today."""
    require(actor, Action.VIEW_CASES)
    today = ctx.today()
    with ctx.read() as s:
        rows = s.execute(select(Deputy).order_by(Deputy.valid_from.desc())).scalars()
        return [DeputyInfo(d.id, d.chief_id, _name(s, d.chief_id), d.deputy_id, _name(s, d.deputy_id),
                           d.valid_from, d.valid_to, d.reason, d.valid_from <= today <= d.valid_to, d.named_by,
                           deputy_problem(s, d)) for d in rows]
