"""Sign-in from the stored hash, lock-out, and what each role may do — all in the core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.auth import Action, hash_password, login, may, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, PermissionDenied
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry, Staff


def _user_of_role(ctx: AppContext, role: str) -> str:
    with ctx.read() as s:
        return s.execute(select(Staff.username).where(Staff.role == role).order_by(Staff.id)).scalars().first()


def test_login_with_demo_password(ctx: AppContext) -> None:
    actor = login(ctx, _user_of_role(ctx, "clerk"), DEMO_PASSWORD)
    assert actor.role == "clerk" and actor.window_id is not None and actor.window_name


def test_password_is_stored_as_argon2id_hash(ctx: AppContext) -> None:
    with ctx.read() as s:
        hashes = s.execute(select(Staff.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(DEMO_PASSWORD not in h for h in hashes)
    assert len(set(hashes)) == len(hashes), "each hash has its own salt"


def test_wrong_password_is_refused_and_counted(ctx: AppContext) -> None:
    user = _user_of_role(ctx, "clerk")
    with pytest.raises(AppError) as err:
        login(ctx, user, "not-the-password")
    assert err.value.code == "bad_login" and err.value.field == "password"
    assert err.value.message == "用户名或密码错误"
    with ctx.read() as s:
        assert s.execute(select(Staff.failed_logins).where(Staff.username == user)).scalar() == 1
        assert s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc())).scalars().first() == "login_failed"


def test_unknown_user_gets_the_same_message(ctx: AppContext) -> None:
    with pytest.raises(AppError, match="用户名或密码错误"):
        login(ctx, "nobody", DEMO_PASSWORD)


def test_five_failures_lock_the_account_for_five_minutes(ctx: AppContext) -> None:
    user = _user_of_role(ctx, "chief")
    base = ctx.now()
    ctx.clock = lambda: base
    for _ in range(5):
        with pytest.raises(AppError):
            login(ctx, user, "wrong-password")
    with pytest.raises(AppError) as err:
        login(ctx, user, DEMO_PASSWORD)  # even the right password waits
    assert err.value.code == "locked" and "锁定" in err.value.message
    ctx.clock = lambda: base + timedelta(minutes=5, seconds=1)
    assert login(ctx, user, DEMO_PASSWORD).username == user


def test_empty_username_points_at_the_field(ctx: AppContext) -> None:
    with pytest.raises(AppError) as err:
        login(ctx, "  ", "x")
    assert err.value.field == "username"


def test_short_password_refused() -> None:
    with pytest.raises(AppError, match="至少 8 位"):
        hash_password("1234567")


def _actor(role: str) -> Actor:
    return Actor(1, "u", "名", role, 1, "A01", 1, "部门")


# The policy, written out independently of app.core.auth.PERMISSIONS: (action, clerk, chief, admin).
POLICY = [
    (Action.BROWSE_CATALOG, True, True, True),
    (Action.VIEW_CASES, True, True, True),
    (Action.INTAKE, True, True, False),
    (Action.ISSUE_NOTICE, True, True, False),
    (Action.REFUSE, True, True, False),
    (Action.REVIEW, True, True, False),
    (Action.DECIDE_SINGLE, True, True, False),
    (Action.SIGN_OFF, False, True, False),
    (Action.FORWARD, True, True, False),
    (Action.SUSPEND, True, True, False),
    (Action.APPROVE_EXTENSION, False, True, False),
    (Action.OVERRIDE_NOTICE, False, True, False),
    (Action.MANAGE_SEAL, False, True, False),
    (Action.CHANGE_SEAL_STATUS, False, False, True),
    (Action.ISSUE_CERTIFICATE, True, True, False),
    (Action.DELIVER, True, True, False),
    (Action.REPRINT, True, True, False),
    (Action.VOID_DOCUMENT, False, True, False),
    (Action.VOID_CERTIFICATE, False, True, False),
    (Action.RECORD_RATING, True, True, False),
    (Action.VIEW_STATS, True, True, True),
    (Action.VIEW_AUDIT, False, True, True),
    (Action.MANAGE_STAFF, False, False, True),
    (Action.MANAGE_SETTINGS, False, False, True),
    (Action.SYNC, True, True, True),
    (Action.CONSULT, True, True, False),
    (Action.SITE_VISIT, True, True, False),  # 现场核查: the window schedules it and records its result
    (Action.CHECK_COMMITMENT, True, True, False),
    (Action.REVOKE_APPROVAL, False, True, False),
]


def test_policy_covers_every_action() -> None:
    assert {row[0] for row in POLICY} == set(Action)


@pytest.mark.parametrize(("action", "clerk", "chief", "admin"), POLICY)
def test_role_action_matrix(action: Action, clerk: bool, chief: bool, admin: bool) -> None:
    for role, allowed in (("clerk", clerk), ("chief", chief), ("admin", admin)):
        assert may(_actor(role), action) is allowed, (role, action)
        if allowed:
            require(_actor(role), action)
        else:
            with pytest.raises(PermissionDenied, match="无权"):
                require(_actor(role), action)
