"""What the status bar and the sync panel show: enrolment, pending ops, history, rejections to act on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core import machine
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.outbox import pending_count
from app.sync import settings as keys
from app.sync.protocol import parse_ts
from db.models import Case, OutboxOp, SyncRun

ENTITY_LABELS = {"case": "办件", "certificate": "证照", "seal": "印章", "seal_authorization": "用印授权",
                 "delivery": "送达", "supervision": "监察报备"}


# What the clerk or the hall administrator does about a refusal, by the server's code (the reason says why).
_ADMIN = "请联系大厅管理员核对中心服务器上的记录后处理"
ADVICE = {
    "bad_text": "在本机打开该办件，删除所指字段中的不可见字符或过长内容，重新办理后将本条标记为已处理",
    "invalid_payload": "该操作的数据中心服务器无法保存：请联系信息管理员，勿重复办理",
    "conflict": "该办件已在另一工作站被办理：同步后查看办件的当前状态，按当前状态继续办理",
    "bad_state": "该办件在中心服务器上的状态不同：同步后按办件的当前状态继续办理",
    "already_final": "该办件已办结：同步后查看结果，无需再办",
    "duplicate_case_no": "办件编号与其他办件重复：请联系信息管理员重新编号（可能恢复了备份或复制了磁盘）",
    "unknown_case": "中心服务器没有该办件：先同步受理该办件的工作站，再重试本操作",
    "not_your_window": "该办件不属于本窗口：请转交所属窗口办理",
    "needs_signoff": "须经首席代表核准：请提交首席代表签批",
    "not_delegated": "该事项未授权首席代表签批：" + _ADMIN,
    "backoffice_only": "已转后台的办件由部门办理：等待部门决定同步回来",
    "unknown_actor": "中心服务器不认识办理人：" + _ADMIN,
    "op_id_conflict": "操作标识与其他设备冲突：请联系信息管理员",
}


def advice(code: str) -> str:
    """What to do about a refusal with this code (Chinese)."""
    return ADVICE.get(code, _ADMIN)


def status_line(s: SyncSummary, *, online: bool | None, running: bool, last_code: str | None,
                last_pushed: int) -> str:
    """The status bar: refused ops lead and it never says synced while one stands; some delivered before the
    network failed is "部分同步", not "离线"."""
    refused = f"{s.rejected_open} 条操作被中心服务器拒收（见同步页） · " if s.rejected_open else ""
    last = f"上次同步 {to_local(s.last_success):%m-%d %H:%M}" if s.last_success else "尚未同步"
    pending = f"待同步 {s.pending}"
    if not s.enrolled:
        return f"{refused}未登记中心服务器 · {pending}"
    if s.moved:
        return f"{refused}本机需重新登记（数据复制自另一台电脑） · {pending}"
    if running and online is None:
        return f"{refused}正在同步… · {pending}"
    if last_code == "need_login":
        return f"{refused}需登录中心服务器 · {pending} · {last}"
    if last_code == "clock_skew":
        return f"{refused}本机时间偏差过大，已停止同步 · {pending}"
    if last_code == "offline" and last_pushed > 0:
        return f"{refused}部分同步，尚有 {s.pending} 条待发 · {last}"
    state = {True: "在线", False: "离线", None: "未连接"}[online]
    return f"{refused}{state} · {pending} · {last}"


@dataclass(frozen=True)
class SyncSummary:
    enrolled: bool
    device_code: str
    server_url: str
    window_code: str
    pending: int
    rejected_open: int  # rejections nobody has marked as handled
    last_success: datetime | None
    reconciled: dict[str, object] | None
    moved: bool = False  # the database was copied from another machine: enrol again (app/core/machine.py)


@dataclass(frozen=True)
class RunRow:
    id: int
    started_at: datetime
    finished_at: datetime | None
    pushed: int
    pulled: int
    rejected: int
    error: str


@dataclass(frozen=True)
class Rejection:
    device_seq: int
    op_id: str
    what: str  # 办件 100120261122000001 · accept
    code: str
    reason: str
    at: datetime
    handled: bool
    advice: str = ""  # what to do about it (ADVICE)


def enrolled(ctx: AppContext) -> bool:
    """Whether this workstation is enrolled: one settings row, cheap enough to ask before every run."""
    with ctx.read() as s:
        return keys.enrolment(s) is not None


def summary(ctx: AppContext) -> SyncSummary:
    with ctx.read() as s:
        known = keys.enrolment(s)
        rejected = s.execute(select(func.count()).select_from(OutboxOp).where(
            OutboxOp.state == "rejected", OutboxOp.result_json.not_like('%"handled": true%'))).scalar_one()
        last = keys.get(s, keys.LAST_SUCCESS)
        reconciled = keys.get(s, keys.RECONCILED)
        return SyncSummary(known is not None, known.device_code if known else "", known.server_url if known else "",
                           known.window_code if known else "", pending_count(s), rejected,
                           parse_ts(last) if last else None, json.loads(reconciled) if reconciled else None,
                           machine.moved(s))


def history(ctx: AppContext, limit: int = 50) -> list[RunRow]:
    with ctx.read() as s:
        rows = s.execute(select(SyncRun).order_by(SyncRun.id.desc()).limit(limit)).scalars()
        # the stored error leads with its code for the log; the screen shows the sentence only
        return [RunRow(r.id, r.started_at, r.finished_at, r.pushed, r.pulled, r.rejected,
                       r.error.split(": ", 1)[-1] if r.error else r.error) for r in rows]


def rejections(ctx: AppContext, include_handled: bool = False) -> list[Rejection]:
    with ctx.read() as s:
        rows = s.execute(select(OutboxOp).where(OutboxOp.state == "rejected").order_by(OutboxOp.device_seq.desc())
                         ).scalars().all()
        case_nos = dict(s.execute(select(Case.id, Case.case_no).where(
            Case.id.in_([r.entity_id for r in rows if r.entity == "case"]))).all())
        out = []
        for r in rows:
            result = json.loads(r.result_json or "{}")
            if result.get("handled") and not include_handled:
                continue
            name = case_nos.get(r.entity_id, r.entity_id[:8]) if r.entity == "case" else r.entity_id[:18]
            out.append(Rejection(r.device_seq, r.op_id, f"{ENTITY_LABELS.get(r.entity, r.entity)} {name} · {r.op}",
                                 str(result.get("code", "")), str(result.get("reason", "")), r.acked_at or r.created_at,
                                 bool(result.get("handled")), advice(str(result.get("code", "")))))
        return out


def mark_handled(ctx: AppContext, actor: Actor, op_id: str, note: str = "") -> None:
    """The clerk has dealt with a rejection (it stays in the outbox, marked, with who and when)."""
    require(actor, Action.SYNC)
    with ctx.write() as s:
        row = s.execute(select(OutboxOp).where(OutboxOp.op_id == op_id, OutboxOp.state == "rejected")
                        ).scalar_one_or_none()
        if row is None:
            return
        result = json.loads(row.result_json or "{}")
        result.update(handled=True, handled_by=actor.username, handled_at=ctx.now().isoformat(), note=note)
        s.execute(update(OutboxOp).where(OutboxOp.op_id == op_id).values(
            result_json=json.dumps(result, ensure_ascii=False)))


def anchors_of_last_sync(session: Session) -> list[tuple[int, str]]:
    """The audit-chain heads the central server kept for this workstation, as the last sync brought them."""
    return [(int(i), str(h)) for i, h in json.loads(keys.get(session, keys.AUDIT_ANCHORS) or "[]")]


def hall_figures(ctx: AppContext) -> dict[str, object] | None:
    """The hall-wide figures of the last sync (they come from the server)."""
    with ctx.read() as s:
        raw = keys.get(s, keys.FIGURES)
    return json.loads(raw) if raw else None
