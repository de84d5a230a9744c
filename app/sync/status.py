"""What the status bar and the sync panel show: enrolment, pending ops, history, rejections to act on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from app.core import machine
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.outbox import pending_count
from app.sync import settings as keys
from app.sync.protocol import parse_ts
from db.models import Case, OutboxOp, SyncRun

ENTITY_LABELS = {"case": "办件", "certificate": "证照", "seal": "印章", "seal_authorization": "用印授权",
                 "delivery": "送达", "supervision": "监察报备"}


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
        return [RunRow(r.id, r.started_at, r.finished_at, r.pushed, r.pulled, r.rejected, r.error) for r in rows]


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
                                 bool(result.get("handled"))))
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


def hall_figures(ctx: AppContext) -> dict[str, object] | None:
    """The hall-wide figures of the last sync (they come from the server)."""
    with ctx.read() as s:
        raw = keys.get(s, keys.FIGURES)
    return json.loads(raw) if raw else None
