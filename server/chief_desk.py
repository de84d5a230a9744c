"""核准签发 across a department's windows: the chief representative sits at one window of the department and
signs the items delegated to them wherever in the department they were reviewed (a 一件事 part routed to the
department's other window, say). Who may is decided from this server's own staff, delegation and deputy
records — never from what the workstation says."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import changes
from server.models import Delegation, Deputy, Staff, Window

# What a chief's desk does to a case awaiting sign-off: approve, deny, or return it to the reviewer.
SIGNING_TARGETS = frozenset({"approved", "denied", "under_review"})


def staff(session: Session, username: str) -> Staff | None:
    # Not filtered on `active`: ops a person queued offline before leaving still count as theirs.
    return session.get(Staff, username) if username else None


def _valid(dl: Delegation, on: date) -> bool:
    return dl.revoked_at is None and dl.valid_from <= on and (dl.valid_to is None or on <= dl.valid_to)


def may_sign_off(session: Session, actor: Staff, item_code: str, on: date) -> bool:
    """A chief with a delegation for the item on that day, or the deputy named for such a chief."""
    chiefs = [actor.username] if actor.role == "chief" else []
    for d in session.execute(select(Deputy).where(Deputy.deputy == actor.username, Deputy.valid_from <= on,
                                                  Deputy.valid_to >= on)).scalars():
        chief = staff(session, d.chief)
        # A deputy holds the chief's authority: a chief representative of the department, or named for it
        # in writing by the department (the same rule as the workstation's).
        if chief is not None and actor.department_code == chief.department_code and (
                actor.role == "chief" or d.named_by.strip()):
            chiefs.append(d.chief)
    for chief in chiefs:
        for dl in session.execute(select(Delegation).where(Delegation.item_code == item_code,
                                                           Delegation.chief == chief)).scalars():
            if _valid(dl, on):
                return True
    return False


def signs_elsewhere(session: Session, device_window: str, actor: Staff, case_window: str,
                    record: dict[str, Any], target: str, on: date) -> bool:
    """A delegated chief (or deputy), at a workstation of their own window, acting on a case awaiting sign-off
    at another window of their own department."""
    if target not in SIGNING_TARGETS or record.get("state") != "awaiting_signoff" or case_window == device_window:
        return False
    window = session.get(Window, case_window)
    return (actor.window_code == device_window and window is not None
            and window.department_code == actor.department_code
            and may_sign_off(session, actor, str(record.get("item_code", "")), on))


def chief_windows(session: Session, item_code: str, on: date) -> set[str]:
    """The windows where the item's delegated chiefs (and their deputies) sit on that day."""
    chiefs = {dl.chief for dl in session.execute(select(Delegation).where(Delegation.item_code == item_code))
              .scalars() if _valid(dl, on)}
    if not chiefs:
        return set()
    names = set(chiefs) | set(session.execute(select(Deputy.deputy).where(
        Deputy.chief.in_(chiefs), Deputy.valid_from <= on, Deputy.valid_to >= on)).scalars())
    return {s.window_code for s in session.execute(select(Staff).where(Staff.username.in_(names))).scalars()
            if s.window_code and s.active}


def fan_out(session: Session, case_id: str, window_code: str, record: dict[str, Any], before: str | None,
            now: datetime, on: date) -> None:
    """A case entering or leaving 待首席代表签批 also goes down to the windows where its chiefs sit, so the chief's
    queue shows it and clears it (the bundle's comprehensive window has it already, see themes.fan_out)."""
    if "awaiting_signoff" not in (record.get("state"), before):
        return
    others = chief_windows(session, str(record.get("item_code", "")), on) - {window_code,
                                                                              record.get("bundle_window")}
    for code in sorted(others):
        changes.append(session, "case", case_id, code, record, now)
