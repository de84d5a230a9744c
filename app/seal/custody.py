"""Custody of the window's seal: the custodian's standing authorisations, and the seal's status changes.

The custodian (Action.MANAGE_SEAL, and only for the seals they keep) grants and withdraws the clerks'
standing authorisation for routine notices. The administrator (Action.CHANGE_SEAL_STATUS) revokes a
seal, seals it away (封存, two people recorded) or declares it lost. Every change is audited and sent
to the server; app.seal.sealing.authorise refuses any seal that is not active.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core import audit, outbox
from app.core.auth import Action, may, password_matches, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, PermissionDenied, ValidationError
from app.seal.seals import STATUS_LABELS
from db.models import Seal, SealAuthorization, Staff, Window

# From each status, the statuses it may change to. A revoked seal is then sealed away; lost and sealed
# away are final. Nothing returns to active: a seal found again stays void and a new one is made.
NEXT_STATUS: dict[str, frozenset[str]] = {
    "active": frozenset({"revoked", "sealed_away", "lost"}),
    "revoked": frozenset({"sealed_away", "lost"}),
    "sealed_away": frozenset(),
    "lost": frozenset(),
}


@dataclass(frozen=True)
class SealRow:
    """A seal as the custody pages list it."""

    id: int
    code: str
    org_name: str
    purpose: str
    window_name: str
    custodian_id: int | None
    custodian_name: str
    status: str
    status_label: str
    status_changed_at: datetime | None  # hall local time


@dataclass(frozen=True)
class AuthorisationRow:
    """A standing authorisation of a clerk to seal routine notices."""

    id: int
    seal_code: str
    staff_id: int
    staff_name: str
    granted_by_name: str
    valid_from: date
    valid_to: date | None
    granted_at: datetime  # hall local time
    withdrawn_at: datetime | None
    withdrawn_by_name: str
    in_force: bool


def _local(at: datetime | None) -> datetime | None:
    return to_local(at).replace(tzinfo=None) if at else None


def _name(session: Session, staff_id: int | None) -> str:
    s = session.get(Staff, staff_id) if staff_id else None
    return s.name if s else ""


def _seal_row(session: Session, seal: Seal) -> SealRow:
    window = session.get(Window, seal.window_id)
    return SealRow(seal.id, seal.code, seal.org_name, seal.purpose, f"{window.number} {window.name}" if window else "",
                   seal.custodian_id, _name(session, seal.custodian_id), seal.status,
                   STATUS_LABELS.get(seal.status, seal.status), _local(seal.status_changed_at))


def list_seals(ctx: AppContext, actor: Actor) -> list[SealRow]:
    """The administrator sees every seal; a custodian the seals they keep."""
    if not may(actor, Action.CHANGE_SEAL_STATUS):
        require(actor, Action.MANAGE_SEAL)
    with ctx.read() as s:
        q = select(Seal).order_by(Seal.code)
        if not may(actor, Action.CHANGE_SEAL_STATUS):
            q = q.where(Seal.custodian_id == actor.staff_id)
        return [_seal_row(s, seal) for seal in s.execute(q).scalars()]


def custodian_of_window(ctx: AppContext, actor: Actor) -> SealRow | None:
    """The seal the actor's window uses (for the password prompt: whose password, which seal)."""
    if actor.window_id is None:
        return None
    with ctx.read() as s:
        seal = s.execute(select(Seal).where(Seal.window_id == actor.window_id)).scalar_one_or_none()
        return _seal_row(s, seal) if seal else None


def _own_seal(session: Session, actor: Actor, seal_id: int) -> Seal:
    require(actor, Action.MANAGE_SEAL)
    seal = session.get(Seal, seal_id)
    if seal is None:
        raise NotFound("印章不存在")
    if seal.custodian_id != actor.staff_id:
        raise PermissionDenied("只有该印章的保管人可以授权或撤回用印授权")
    return seal


def _in_force(a: SealAuthorization, today: date) -> bool:
    return a.withdrawn_at is None and a.valid_from <= today and (a.valid_to is None or today <= a.valid_to)


def list_authorisations(ctx: AppContext, actor: Actor, seal_id: int) -> list[AuthorisationRow]:
    """Every standing authorisation of one of the custodian's seals, withdrawn ones included."""
    today = ctx.today()
    with ctx.read() as s:
        seal = _own_seal(s, actor, seal_id) if not may(actor, Action.CHANGE_SEAL_STATUS) else s.get(Seal, seal_id)
        if seal is None:
            raise NotFound("印章不存在")
        rows = s.execute(select(SealAuthorization).where(SealAuthorization.seal_id == seal.id)
                         .order_by(SealAuthorization.id.desc())).scalars()
        return [AuthorisationRow(a.id, seal.code, a.staff_id, _name(s, a.staff_id), _name(s, a.granted_by_id),
                                 a.valid_from, a.valid_to, _local(a.granted_at) or datetime.min,
                                 _local(a.withdrawn_at), _name(s, a.withdrawn_by_id), _in_force(a, today))
                for a in rows]


def grant_authorisation(ctx: AppContext, actor: Actor, seal_id: int, staff_id: int, valid_from: date,
                        valid_to: date | None = None) -> AuthorisationRow:
    """The custodian authorises a clerk of the seal's window to seal routine notices for a period."""
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError("valid_to", "授权截止日期不能早于起始日期")
    with ctx.write("seal_custody") as s:
        seal = _own_seal(s, actor, seal_id)
        clerk = s.get(Staff, staff_id)
        if clerk is None or not clerk.active or clerk.role != "clerk" or clerk.window_id != seal.window_id:
            raise ValidationError("staff", "只能授权本窗口在岗的窗口工作人员")
        overlapping = s.execute(select(SealAuthorization.id).where(
            SealAuthorization.seal_id == seal.id, SealAuthorization.staff_id == staff_id,
            SealAuthorization.withdrawn_at.is_(None),
            or_(SealAuthorization.valid_to.is_(None), SealAuthorization.valid_to >= valid_from))).first()
        if overlapping is not None:
            raise AppError("already_authorised", f"{clerk.name}已有有效的常规用印授权，请先撤回原授权", "staff")
        now = ctx.now()
        row = SealAuthorization(seal_id=seal.id, staff_id=staff_id, granted_by_id=actor.staff_id,
                                valid_from=valid_from, valid_to=valid_to, granted_at=now)
        s.add(row)
        s.flush()
        detail = {"seal": seal.code, "staff_id": staff_id, "staff": clerk.name, "valid_from": valid_from,
                  "valid_to": valid_to}
        outbox.enqueue(s, "seal_authorization", str(row.id), "grant", detail, now)
        audit.record(s, actor.staff_id, "seal_auth_grant", seal.code, detail, at=now)
        return AuthorisationRow(row.id, seal.code, staff_id, clerk.name, actor.name, valid_from, valid_to,
                                _local(now) or now, None, "", _in_force(row, ctx.today()))


def withdraw_authorisation(ctx: AppContext, actor: Actor, authorisation_id: int, reason: str) -> None:
    """The custodian withdraws a standing authorisation, with a reason; the row stays, marked."""
    if not reason.strip():
        raise ValidationError("reason", "请填写撤回原因")
    with ctx.write("seal_custody") as s:
        row = s.get(SealAuthorization, authorisation_id)
        if row is None:
            raise NotFound("授权记录不存在")
        seal = _own_seal(s, actor, row.seal_id)
        if row.withdrawn_at is not None:
            raise AppError("already_withdrawn", "该授权已撤回")
        now = ctx.now()
        row.withdrawn_at, row.withdrawn_by_id = now, actor.staff_id
        detail = {"seal": seal.code, "staff_id": row.staff_id, "reason": reason.strip()}
        outbox.enqueue(s, "seal_authorization", str(row.id), "withdraw", detail, now)
        audit.record(s, actor.staff_id, "seal_auth_withdraw", seal.code, detail, at=now)


def _change_status(ctx: AppContext, actor: Actor, seal_id: int, status: str, reason: str,
                   witness: Staff | None = None) -> SealRow:
    with ctx.write("seal_status") as s:
        seal = s.get(Seal, seal_id)
        if seal is None:
            raise NotFound("印章不存在")
        if status not in NEXT_STATUS[seal.status]:
            raise AppError("bad_seal_status", f"印章{STATUS_LABELS[seal.status]}，不能变更为“{STATUS_LABELS[status]}”")
        now = ctx.now()
        old = seal.status
        seal.status = status
        # status_changed_at is the moment the seal stopped being usable (SealInfo.active_at): a revoked
        # seal later sealed away keeps its revocation time, or verification would count the gap as active.
        if old == "active":
            seal.status_changed_at = now
        detail = {"from": old, "to": status, "reason": reason, "at": now}
        if witness is not None:
            detail |= {"witness_id": witness.id, "witness": witness.name}
        outbox.enqueue(s, "seal", seal.code, "status", detail, now)
        audit.record(s, actor.staff_id, f"seal_{status}", seal.code, detail, at=now)
        return _seal_row(s, seal)


def _admin_checks(actor: Actor, reason: str) -> str:
    require(actor, Action.CHANGE_SEAL_STATUS)
    if not reason.strip():
        raise ValidationError("reason", "请填写原因（如：机构调整、印章更换、遗失情况）")
    return reason.strip()


def revoke_seal(ctx: AppContext, actor: Actor, seal_id: int, reason: str) -> SealRow:
    """Withdraw the seal from use (撤销); it is then to be sealed away."""
    return _change_status(ctx, actor, seal_id, "revoked", _admin_checks(actor, reason))


def declare_lost(ctx: AppContext, actor: Actor, seal_id: int, reason: str) -> SealRow:
    """A lost seal is declared void at once: nothing may be sealed with it again."""
    return _change_status(ctx, actor, seal_id, "lost", _admin_checks(actor, reason))


def seal_away(ctx: AppContext, actor: Actor, seal_id: int, reason: str, witness_username: str,
              witness_password: str) -> SealRow:
    """封存: done by two people; the second signs in with their own password here, and both are recorded."""
    why = _admin_checks(actor, reason)
    with ctx.read() as s:
        witness = s.execute(select(Staff).where(Staff.username == witness_username.strip())).scalar_one_or_none()
        ok = witness is not None and witness.active and password_matches(witness, witness_password)
        if witness is not None:
            s.expunge(witness)
    if not ok:
        with ctx.write() as s:
            audit.record(s, actor.staff_id, "seal_witness_failed", witness_username.strip()[:100],
                         {"seal_id": seal_id}, at=ctx.now())
        raise AppError("bad_witness", "第二见证人的用户名或密码不正确", "witness_password")
    assert witness is not None
    if witness.id == actor.staff_id:
        raise AppError("same_witness", "封存须由两人共同办理，见证人不能是本人", "witness_username")
    return _change_status(ctx, actor, seal_id, "sealed_away", why, witness)


def grantable_staff(ctx: AppContext, actor: Actor, seal_id: int) -> list[tuple[int, str]]:
    """(id, name) of the active clerks of the seal's window: who the custodian may authorise."""
    with ctx.read() as s:
        seal = _own_seal(s, actor, seal_id)
        rows = s.execute(select(Staff.id, Staff.name).where(Staff.window_id == seal.window_id, Staff.role == "clerk",
                                                            Staff.active.is_(True)).order_by(Staff.id))
        return [(i, n) for i, n in rows]
