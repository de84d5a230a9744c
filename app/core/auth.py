"""Staff sign-in (offline, from a slow salted hash) and what each role may do."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import audit, kdf, op_keys
from app.core.context import Actor, AppContext
from app.core.errors import AppError, PermissionDenied
from db.models import Department, Staff, Window

# argon2id at OWASP's m=19 MiB, t=2, p=1 (app.core.kdf): slow enough to make a stolen database file
# expensive to attack, quick enough at the counter. A hash made under the old 64 MiB profile still
# verifies (the cost is read from the hash) and is redone at that person's next successful sign-in.
_HASHER = kdf.password_hasher()
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8


class Role(StrEnum):
    CLERK = "clerk"
    CHIEF = "chief"
    ADMIN = "admin"


ROLE_LABELS = {Role.CLERK: "窗口工作人员", Role.CHIEF: "首席代表", Role.ADMIN: "大厅管理员"}


class Action(StrEnum):
    """Every action a role may or may not take; checked in the core before anything is written."""

    BROWSE_CATALOG = "browse_catalog"
    VIEW_CASES = "view_cases"
    INTAKE = "intake"
    ISSUE_NOTICE = "issue_notice"
    REFUSE = "refuse"
    REVIEW = "review"
    DECIDE_SINGLE = "decide_single"
    SIGN_OFF = "sign_off"
    FORWARD = "forward"
    SUSPEND = "suspend"
    APPROVE_EXTENSION = "approve_extension"
    OVERRIDE_NOTICE = "override_notice"
    MANAGE_SEAL = "manage_seal"
    CHANGE_SEAL_STATUS = "change_seal_status"  # revoke, seal away (封存), declare lost: the administrator
    ISSUE_CERTIFICATE = "issue_certificate"
    DELIVER = "deliver"
    REPRINT = "reprint"
    VOID_DOCUMENT = "void_document"
    VOID_CERTIFICATE = "void_certificate"
    RECORD_RATING = "record_rating"
    VIEW_STATS = "view_stats"
    VIEW_AUDIT = "view_audit"
    MANAGE_STAFF = "manage_staff"
    MANAGE_SETTINGS = "manage_settings"
    SYNC = "sync"
    CONSULT = "consult"  # record a consultation (首问负责制) and print its 一次性告知单
    SITE_VISIT = "site_visit"  # schedule a 现场核查, print its notice, record its result (#21 part 4)
    CHECK_COMMITMENT = "check_commitment"  # record the post-check of a 告知承诺 case (属实 / 不属实 / 暂无法核实)
    REVOKE_APPROVAL = "revoke_approval"  # 撤销 an approval obtained on a false commitment: the chief


_C, _K, _A = Role.CLERK, Role.CHIEF, Role.ADMIN
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.BROWSE_CATALOG: frozenset({_C, _K, _A}),
    Action.VIEW_CASES: frozenset({_C, _K, _A}),
    Action.INTAKE: frozenset({_C, _K}),
    Action.ISSUE_NOTICE: frozenset({_C, _K}),
    Action.REFUSE: frozenset({_C, _K}),
    Action.REVIEW: frozenset({_C, _K}),
    Action.DECIDE_SINGLE: frozenset({_C, _K}),
    Action.SIGN_OFF: frozenset({_K}),
    Action.FORWARD: frozenset({_C, _K}),
    Action.SUSPEND: frozenset({_C, _K}),
    Action.APPROVE_EXTENSION: frozenset({_K}),
    Action.OVERRIDE_NOTICE: frozenset({_K}),
    Action.MANAGE_SEAL: frozenset({_K}),
    Action.CHANGE_SEAL_STATUS: frozenset({_A}),
    Action.ISSUE_CERTIFICATE: frozenset({_C, _K}),
    Action.DELIVER: frozenset({_C, _K}),
    Action.REPRINT: frozenset({_C, _K}),
    Action.VOID_DOCUMENT: frozenset({_K}),
    Action.VOID_CERTIFICATE: frozenset({_K}),
    Action.RECORD_RATING: frozenset({_C, _K}),
    Action.VIEW_STATS: frozenset({_C, _K, _A}),
    Action.VIEW_AUDIT: frozenset({_K, _A}),
    Action.MANAGE_STAFF: frozenset({_A}),
    Action.MANAGE_SETTINGS: frozenset({_A}),
    Action.SYNC: frozenset({_C, _K, _A}),
    Action.CONSULT: frozenset({_C, _K}),
    Action.SITE_VISIT: frozenset({_C, _K}),
    Action.CHECK_COMMITMENT: frozenset({_C, _K}),
    Action.REVOKE_APPROVAL: frozenset({_K}),
}

ACTION_LABELS: dict[Action, str] = {
    Action.BROWSE_CATALOG: "查阅事项目录", Action.VIEW_CASES: "查看办件", Action.INTAKE: "受理",
    Action.ISSUE_NOTICE: "出具一次性告知书", Action.REFUSE: "不予受理", Action.REVIEW: "审查",
    Action.DECIDE_SINGLE: "一审制决定", Action.SIGN_OFF: "核准签发", Action.FORWARD: "上报",
    Action.SUSPEND: "特别程序", Action.APPROVE_EXTENSION: "批准延期", Action.OVERRIDE_NOTICE: "补正追加材料",
    Action.MANAGE_SEAL: "管理印章", Action.CHANGE_SEAL_STATUS: "变更印章状态",
    Action.ISSUE_CERTIFICATE: "制发证照", Action.DELIVER: "送达",
    Action.REPRINT: "补打", Action.VOID_DOCUMENT: "作废文书", Action.VOID_CERTIFICATE: "作废证照",
    Action.RECORD_RATING: "登记评价", Action.VIEW_STATS: "查看统计", Action.VIEW_AUDIT: "查看审计日志",
    Action.MANAGE_STAFF: "管理人员", Action.MANAGE_SETTINGS: "管理设置", Action.SYNC: "同步",
    Action.CONSULT: "登记咨询", Action.SITE_VISIT: "安排现场核查",
    Action.CHECK_COMMITMENT: "登记承诺核查结果", Action.REVOKE_APPROVAL: "撤销行政许可",
}


def may(actor: Actor, action: Action) -> bool:
    """Whether the actor's role allows the action (the UI asks this to grey buttons out)."""
    return Role(actor.role) in PERMISSIONS[action]


def require(actor: Actor, action: Action) -> None:
    """Raise PermissionDenied unless the actor's role allows the action."""
    if not may(actor, action):
        raise PermissionDenied(
            f"{ROLE_LABELS[Role(actor.role)]}无权{ACTION_LABELS[action]}"
        )


def hash_password(password: str) -> str:
    """A new argon2id hash with its own random salt."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AppError("weak_password", f"密码至少 {MIN_PASSWORD_LENGTH} 位", "password")
    return _HASHER.hash(password)


def password_matches(staff: Staff | None, password: str) -> bool:
    """Check a password against a member of staff's hash (a missing person simply does not match)."""
    try:
        return staff is not None and _HASHER.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def actor_for(session: Session, staff: Staff) -> Actor:
    """The Actor DTO of a staff row."""
    window = session.get(Window, staff.window_id) if staff.window_id else None
    dept = session.get(Department, staff.department_id) if staff.department_id else None
    return Actor(staff.id, staff.username, staff.name, staff.role, staff.window_id,
                 f"{window.number} {window.name}" if window else "",
                 dept.id if dept else None, dept.name if dept else "")


def login(ctx: AppContext, username: str, password: str) -> Actor:
    """Check the password against the stored hash (no network); lock after repeated failures.

    A failure is committed (counter and audit row) before it is raised, so five wrong
    guesses lock the account even though each attempt ends in an error.
    """
    username = username.strip()
    if not username:
        raise AppError("no_username", "请输入用户名", "username")
    now = ctx.now()
    failure: AppError | None = None
    with ctx.write() as s:
        staff = s.execute(select(Staff).where(Staff.username == username)).scalar_one_or_none()
        if staff is None or not staff.active:
            audit.record(s, None, "login_failed", username, {"reason": "unknown"}, at=now)
            failure = AppError("bad_login", "用户名或密码错误", "password")
        elif staff.locked_until and staff.locked_until > now:
            minutes = int((staff.locked_until - now).total_seconds() // 60) + 1
            failure = AppError("locked", f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试", "password")
        else:
            try:
                _HASHER.verify(staff.password_hash, password)
            except (VerificationError, InvalidHashError):
                staff.failed_logins += 1
                if staff.failed_logins >= MAX_FAILURES:
                    staff.locked_until = now + LOCKOUT
                    staff.failed_logins = 0
                audit.record(s, staff.id, "login_failed", username, {"reason": "password"}, at=now)
                failure = AppError("bad_login", "用户名或密码错误", "password")
            else:
                staff.failed_logins = 0
                staff.locked_until = None
                if _HASHER.check_needs_rehash(staff.password_hash):
                    staff.password_hash = _HASHER.hash(password)
                audit.record(s, staff.id, "login", username, at=now)
                op_keys.unlock(ctx, s, staff.username, password, now)
                actor = actor_for(s, staff)
    kdf.give_back_memory()  # the argon2 blocks of this check (and of the key's unsealing)
    if failure is not None:
        raise failure
    for hook in ctx.on_sign_in:
        hook(actor.username, password)
    return actor


def unlock(ctx: AppContext, actor: Actor, password: str) -> None:
    """Unlock the idle-locked screen: only the signed-in person's own password does it."""
    login(ctx, actor.username, password)


def sign_out(ctx: AppContext, actor: Actor) -> None:
    """注销（换班）or closing the program: this person's opened signing key leaves memory, so nothing more can
    be signed in their name until they sign in again with their password (the next person at the counter
    shares the OS session and this process). No permission to check: anyone may end their own turn."""
    op_keys.forget(ctx, actor.username)
    with ctx.write() as s:
        audit.record(s, actor.staff_id, "logout", actor.username, at=ctx.now())
