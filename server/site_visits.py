"""Site visits pushed by a window's workstation, checked against the server's own case, catalog and staff records.

The server does not take the workstation's word: the actor must be active clerk or chief staff of the pushing
device's window, the case must be that window's on the server and still under review, the server's own catalog
must mark the item as needing a site visit, two inspectors at least, the day within the case's legal deadline;
a result needs its visit (no second result) and its photos. Each visit goes to the window's other workstations
through the change feed (the chief signs off at his own), with its photos' hashes: the photos themselves were
uploaded before the op (a workstation sends its files first) and are read by the window's devices on demand.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import Op, OpResult, ProtocolError, parse_day, ts
from server import catalog_rules, changes
from server.models import Case, Device, SiteVisit, Staff

RESULTS = ("meets", "rectify", "fails")  # as app/cases/site_visits.py
SCHEDULABLE = ("accepted", "under_review")
MIN_INSPECTORS, MAX_INSPECTORS, MAX_PHOTOS, TEXT_LIMIT = 2, 6, 20, 1000
_SHA256 = re.compile(r"[0-9a-f]{64}")


class _No(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def open_visit(session: Session, case_id: str) -> SiteVisit | None:
    """A visit of the case without its result (a decision waits for it)."""
    return session.execute(select(SiteVisit).where(SiteVisit.case_id == case_id, SiteVisit.result.is_(None))
                           .limit(1)).scalar_one_or_none()


def _doc(v: SiteVisit, case_no: str) -> dict[str, Any]:
    sent = json.loads(v.record_json)
    return {"id": v.id, "case_id": v.case_id, "case_no": case_no, "window_code": v.window_code,
            "day": v.day.isoformat(), "place": sent.get("place", ""), "inspectors": sent.get("inspectors", []),
            "checks": sent.get("checks", ""), "scheduled_by": v.scheduled_by, "result": v.result,
            "note": sent.get("note", ""), "rectify_due": v.rectify_due.isoformat() if v.rectify_due else None,
            "result_by": v.result_by, "result_at": sent.get("result_at"), "photos": len(sent.get("photos") or []),
            # The window's other workstations fetch each photo by its hash when the clerk asks (GET /blobs).
            "photo_hashes": list(sent.get("photos") or [])}


def _text(p: dict[str, Any], key: str, required: bool = True) -> str:
    value = p.get(key) or ""
    if not isinstance(value, str) or len(value) > TEXT_LIMIT:
        raise ProtocolError(f"{key} 过长或格式不正确")
    if required and not value.strip():
        raise _No("invalid_payload", f"现场核查缺少 {key}")
    return value


def _case(session: Session, device: Device, p: dict[str, Any]) -> tuple[Case, dict[str, Any]]:
    case = session.get(Case, str(p.get("case_id") or ""))
    if case is None or case.window_code != device.window_code:
        raise _No("unknown_case", "中心服务器没有本窗口的该办件记录")
    return case, json.loads(case.record_json)


def apply_site_visit_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    actor = session.get(Staff, op.actor) if op.actor else None
    try:
        if (actor is None or not actor.active or actor.role not in ("clerk", "chief")
                or actor.window_code != device.window_code):
            raise _No("not_window_staff", "安排或录入现场核查的人员不是本窗口在岗工作人员")
        if op.payload.get("window_code") != device.window_code:
            raise _No("wrong_window", "现场核查记录不属于本机所在窗口")
        if op.op == "schedule":
            visit, case_no = _schedule(session, device, op, actor, now)
        elif op.op == "result":
            visit, case_no = _result(session, device, op, actor, now)
        else:
            raise _No("unknown_op", f"未知的现场核查操作 {op.op}")
    except _No as no:
        return OpResult(op.op_id, op.device_seq, "rejected", no.code, no.reason)
    doc = _doc(visit, case_no)
    changes.append(session, "site_visit", visit.id, visit.window_code, doc, now)
    return OpResult(op.op_id, op.device_seq, "applied", record=doc)


def _schedule(session: Session, device: Device, op: Op, actor: Staff, now: datetime) -> tuple[SiteVisit, str]:
    p = op.payload
    if session.get(SiteVisit, op.entity_id[:36]) is not None:
        raise _No("duplicate_visit", "该现场核查已登记")
    case, record = _case(session, device, p)
    item = (catalog_rules.items(session) or {}).get(case.item_code)
    if item is None or not item.get("site_visit"):
        raise _No("no_site_visit", f"事项目录中“{record.get('item_name', case.item_code)}”未规定现场核查")
    if case.state not in SCHEDULABLE:
        raise _No("bad_state", "办件已不在审查阶段，不能安排现场核查")
    if open_visit(session, case.id) is not None:
        raise _No("visit_open", "该办件已有一次现场核查尚未录入结果")
    inspectors = p.get("inspectors")
    names = {" ".join(n.split()) for n in inspectors if isinstance(n, str) and n.strip()} \
        if isinstance(inspectors, list) else set()
    if not MIN_INSPECTORS <= len(names) <= MAX_INSPECTORS or any(len(n) > 50 for n in names):
        raise _No("too_few_inspectors", "现场核查须由两名以上工作人员进行")
    day = parse_day(p.get("day"))
    if day is None:
        raise ProtocolError("day")
    legal = parse_day(record.get("legal_deadline"))
    if legal is not None and day > legal:
        raise _No("after_legal_deadline", f"核查日期晚于法定办结期限 {legal}")
    _text(p, "checks")
    _text(p, "place")
    visit = SiteVisit(id=op.entity_id[:36], case_id=case.id, window_code=device.window_code, day=day,
                      scheduled_by=actor.username, result=None, rectify_due=None, result_by=None,
                      record_json=json.dumps({k: p.get(k) for k in ("place", "inspectors", "checks", "document")},
                                             ensure_ascii=False, default=str), updated_at=now)
    session.add(visit)
    session.flush()
    return visit, case.case_no


def _result(session: Session, device: Device, op: Op, actor: Staff, now: datetime) -> tuple[SiteVisit, str]:
    p = op.payload
    visit = session.get(SiteVisit, op.entity_id[:36])
    if visit is None or visit.window_code != device.window_code:
        raise _No("unknown_visit", "中心服务器没有该现场核查安排")
    case, _record = _case(session, device, p)
    if case.id != visit.case_id:
        raise _No("invalid_payload", "现场核查与办件不一致")
    if visit.result is not None:
        raise _No("already_recorded", "该次现场核查的结果已录入")
    result = p.get("result")
    if result not in RESULTS:
        raise _No("invalid_payload", "核查结果应为符合、限期整改或不符合")
    due: date | None = parse_day(p.get("rectify_due")) if result == "rectify" else None
    if result == "rectify" and (due is None or due <= visit.day):
        raise _No("invalid_payload", "限期整改须给出核查日以后的整改期限")
    if result != "meets" and not _text(p, "note").strip():
        raise _No("invalid_payload", "须写明需整改的问题或不符合的情形")
    photos = p.get("photos")
    if (not isinstance(photos, list) or not 1 <= len(photos) <= MAX_PHOTOS
            or not all(isinstance(h, str) and _SHA256.fullmatch(h) for h in photos)):
        raise _No("no_photos", "现场核查结果须附现场照片")
    sent = json.loads(visit.record_json)
    sent.update(note=_text(p, "note", required=False), photos=photos, result_at=ts(now))
    visit.result, visit.rectify_due, visit.result_by = result, due, actor.username
    visit.record_json, visit.updated_at = json.dumps(sent, ensure_ascii=False, default=str), now
    return visit, case.case_no
