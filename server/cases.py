"""The server's own case state machine: ops are commands, checked in arrival order against the hall's record.

The server never trusts a workstation's idea of the current state: "from_state" must match the
record, the transition must be one of the machine's, a decided case cannot be decided again, and a
sign-off needs a chief representative with a delegation for the item (or their named deputy).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import CASE_STATES, Op, OpResult, ProtocolError, parse_day, parse_ts, ts
from server import catalog_rules, changes, chief_desk, site_visits, themes
from server.catalog_rules import CATALOG_FIELDS
from server.config import local_day
from server.models import Case, Device, Staff
from server.review_record import SAME_PERSON, NotAProposal, note_review, proposal_of, reviewed_by

_N = None
TRANSITIONS: dict[str | None, frozenset[str]] = {
    _N: frozenset({"received", "accepted", "notified", "refused"}),
    "received": frozenset({"accepted", "notified", "refused", "withdrawn"}),
    "notified": frozenset({"accepted", "closed_unanswered", "withdrawn"}),
    "accepted": frozenset({"under_review", "approved", "denied", "forwarded", "withdrawn", "stopped"}),
    "under_review": frozenset({"suspended", "awaiting_signoff", "forwarded", "approved", "denied", "withdrawn"}),
    "suspended": frozenset({"under_review", "withdrawn"}),
    "awaiting_signoff": frozenset({"approved", "denied", "under_review", "forwarded", "withdrawn"}),
    "forwarded": frozenset({"approved", "denied", "withdrawn"}),
    "approved": frozenset({"certificate_issued", "delivered"}),
    "denied": frozenset({"delivered"}),
    "certificate_issued": frozenset({"delivered"}),
}
OPEN_STATES = frozenset({"received", "notified", "accepted", "under_review", "suspended", "awaiting_signoff",
                         "forwarded"})
LABELS = {"received": "已收件", "notified": "已一次性告知", "accepted": "已受理", "refused": "不予受理",
          "closed_unanswered": "逾期未补正办结", "under_review": "审查中", "suspended": "特别程序中",
          "awaiting_signoff": "待首席代表签批", "forwarded": "已上报", "approved": "准予许可",
          "denied": "不予许可", "certificate_issued": "已制证", "delivered": "已送达", "withdrawn": "已撤回",
          "stopped": "前置未准予，终止办理"}

# Ops that make the decision: on a case already decided they are a second sign-off, refused. Other ops
# may restate a closed case (a decision document issued, a reissued certificate handed over).
DECIDING_OPS = frozenset({"sign_off", "decide", "decide_on_spot"})
# Fields a workstation may set; everything else in a payload is ignored.
TEXT_FIELDS = {"case_no": 32, "item_code": 64, "item_name": 200, "department_code": 32, "processing_type": 16,
               "review_mode": 16, "applicant_kind": 8, "applicant_name": 200, "applicant_id_type": 32,
               "applicant_id_number": 40, "applicant_phone": 40, "applicant_address": 300, "legal_rep": 100,
               "agent_name": 100, "agent_id_type": 32, "agent_id_number": 40, "agent_phone": 40,
               "calendar_version": 64, "decision": 16, "clerk": 64, "reviewer": 64, "approver": 64,
               "refusal_reason": 4000, "refusal_basis": 4000, "competent_authority": 200, "origin_device": 16,
               "opinion": 4000, "decision_content": 4000, "decision_validity": 200,
               "bundle_id": 36, "bundle_after": 400}
INSTANT_FIELDS = ("received_at", "accepted_at", "decided_at", "closed_at", "forwarded_at")
DAY_FIELDS = ("clock_start", "notice_due", "promised_deadline", "legal_deadline", "issue_deadline",
              "printed_promised", "forward_due")  # forward_due / forwarded_at: 上报 (#21), for the other workstations
INT_FIELDS = ("legal_days", "promised_days", "extension_days")
BOOL_FIELDS = ("deemed_accepted", "deadline_provisional", "deadline_moved")
LIST_FIELDS = ("materials", "documents")


class Rejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def clean_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload's known fields, type- and length-checked (raises Rejected on bad data)."""
    out: dict[str, Any] = {}
    try:
        for key, limit in TEXT_FIELDS.items():
            if key in payload and payload[key] is not None:
                value = str(payload[key])
                if len(value) > limit or "\x00" in value:
                    raise Rejected("invalid_payload", f"字段 {key} 过长或含非法字符")
                out[key] = value
        for key in INSTANT_FIELDS:
            if payload.get(key):
                out[key] = ts(parse_ts(str(payload[key])))
        for key in DAY_FIELDS:
            if payload.get(key):
                out[key] = parse_day(str(payload[key])).isoformat()  # type: ignore[union-attr]
        for key in INT_FIELDS:
            if key in payload and payload[key] is not None:
                out[key] = int(payload[key])
                if not 0 <= out[key] <= 10_000:
                    raise Rejected("invalid_payload", f"字段 {key} 超出范围")
        for key in BOOL_FIELDS:
            if key in payload:
                out[key] = bool(payload[key])
        for key in LIST_FIELDS:
            if key in payload:
                if not isinstance(payload[key], list) or len(payload[key]) > 200:
                    raise Rejected("invalid_payload", f"字段 {key} 应为列表")
                out[key] = payload[key]
    except (ProtocolError, TypeError, ValueError, OverflowError) as exc:
        raise Rejected("invalid_payload", f"数据格式不正确：{exc}") from exc
    return out


def _with_notices(record: dict[str, Any], sent: list[Any]) -> list[Any]:
    """The case's documents with the sender's 终止办理告知书 added (the others stay as the owning window sent them)."""
    held = list(record.get("documents") or [])
    numbers = {d.get("number") for d in held if isinstance(d, dict)}
    return held + [d for d in sent if isinstance(d, dict) and d.get("kind") == "termination_notice"
                   and d.get("number") not in numbers]


def record_of(case: Case) -> dict[str, Any]:
    return json.loads(case.record_json)


def _save(case: Case, record: dict[str, Any], now: datetime) -> None:
    case.state = record["state"]
    case.accepted_at = parse_ts(record["accepted_at"]) if record.get("accepted_at") else None
    case.received_at = parse_ts(record["received_at"]) if record.get("received_at") else None
    case.decided_at = parse_ts(record["decided_at"]) if record.get("decided_at") else None
    case.promised_deadline = parse_day(record.get("promised_deadline"))
    case.item_code = record.get("item_code", "")
    case.version = record["version"]
    case.updated_at = now
    case.record_json = json.dumps(record, ensure_ascii=False, sort_keys=True)


_staff = chief_desk.staff
_may_sign_off = chief_desk.may_sign_off


def reachable(current: str, target: str) -> bool:
    """A transition of the machine, or two through "under review" (a workstation that starts the
    review and routes the case in one action sends one op for both steps)."""
    if target in TRANSITIONS.get(current, frozenset()):
        return True
    return "under_review" in TRANSITIONS.get(current, frozenset()) and target in TRANSITIONS["under_review"]


def _check_decision(session: Session, actor: Staff, record: dict[str, Any], current: str, target: str,
                    on: date) -> None:
    """Who may decide: the department for forwarded cases; under 一审一核 only a delegated chief (or deputy)."""
    if target not in ("approved", "denied") or current == target:
        return
    if current == "forwarded":
        raise Rejected("backoffice_only", "上报件由部门决定，决定经中心服务器下发")
    if site_visits.open_visit(session, record["case_id"]) is not None:  # its own record, not the payload's word
        raise Rejected("site_visit_pending", "该办件的现场核查尚未录入结果，不能作出决定")
    # From the server's catalog, not the record: a case created before the server checked this carries
    # whatever review mode its workstation sent.
    if (catalog_rules.terms(session, record.get("item_code", "")) or {"review_mode": "double"}
            ).get("review_mode") == "double":
        if current != "awaiting_signoff":
            raise Rejected("needs_signoff", "一审一核制事项须经首席代表核准签发")
        if reviewed_by(record, actor.username):
            raise Rejected("same_person", SAME_PERSON)
        if not _may_sign_off(session, actor, record.get("item_code", ""), on):
            raise Rejected("not_delegated", f"{actor.name}没有该事项的核准签发授权")


def apply_case_op(session: Session, device: Device, op: Op, now: datetime) -> OpResult:
    """Check and apply one case op; a refusal is an OpResult with a reason, never an exception."""
    case = session.execute(select(Case).where(Case.id == op.entity_id).with_for_update()).scalar_one_or_none()
    try:
        record = _apply(session, device, op, case, now)
    except Rejected as r:
        return OpResult(op.op_id, op.device_seq, "rejected", r.code, r.reason,
                        record_of(case) if case is not None and case.window_code == device.window_code else None)
    return OpResult(op.op_id, op.device_seq, "applied", record=record)


def _apply(session: Session, device: Device, op: Op, case: Case | None, now: datetime) -> dict[str, Any]:
    p = op.payload
    target = p.get("state")
    if target not in CASE_STATES:
        raise Rejected("invalid_payload", "操作没有给出办件状态")
    if len(op.entity_id) > 36 or p.get("case_id", op.entity_id) != op.entity_id:
        raise Rejected("invalid_payload", "办件标识不一致")
    # A 一件事 part made at the comprehensive window belongs to the window of its department that the server's
    # own catalog names for it (None when no theme received at this window has the item).
    routed = (themes.part_window(session, device.window_code, str(p.get("item_code", "")))
              if p.get("bundle_id") and case is None else None)
    # 统一出件: the comprehensive window hands over a part of a bundle it received; by the server's own record
    # of where the bundle was received, and for the delivery alone.
    handover = (case is not None and target == "delivered"
                and record_of(case).get("bundle_window") == device.window_code)
    # 终止办理告知书: that window files the notice it issued for a part its refused 前置 stopped — the notice
    # alone joins the part's record; nothing else of another window's case is taken from it.
    notice = (case is not None and op.op == "termination_notice" and target == "stopped"
              and record_of(case).get("state") == "stopped"
              and record_of(case).get("bundle_window") == device.window_code)
    handover = handover or notice
    actor = _staff(session, op.actor)
    if actor is None or not (actor.window_code == device.window_code or actor.role == "admin"):
        raise Rejected("unknown_actor", f"操作人“{op.actor}”不是本窗口的工作人员")
    when = parse_ts(op.created_at)
    before = record_of(case)["state"] if case is not None else None
    # 核准签发 at the chief's own window for a case of the department's other window (server/chief_desk.py).
    signing = case is not None and chief_desk.signs_elsewhere(session, device.window_code, actor, case.window_code,
                                                              record_of(case), target, local_day(when))
    if p.get("window_code") not in (None, device.window_code, routed) and not (
            (handover or signing) and case is not None and p.get("window_code") == case.window_code):
        raise Rejected("not_your_window", "本机只能提交本窗口的办件")
    fields = clean_fields(p)
    if notice:
        fields = {"documents": _with_notices(record_of(case), fields.get("documents") or [])}  # type: ignore[arg-type]
    try:
        proposal = proposal_of(p)
    except NotAProposal as exc:
        raise Rejected("invalid_payload", str(exc)) from exc
    for key in CATALOG_FIELDS:
        fields.pop(key, None)  # the catalog's, below: never the workstation's word
    if case is None:
        if target not in TRANSITIONS[None]:
            raise Rejected("unknown_case", "中心服务器没有该办件的记录，无法执行此操作")
        case_no = fields.get("case_no", "")
        if not case_no.isdigit() or len(case_no) % 2:
            raise Rejected("invalid_payload", "办件编号应为偶数位数字")
        if session.execute(select(Case.id).where(Case.case_no == case_no)).first() is not None:
            raise Rejected("duplicate_case_no", f"办件编号 {case_no} 已被其他办件使用，请联系信息管理员")
        if fields.get("bundle_id") and routed is None:
            raise Rejected("not_a_bundle_part", "中心服务器的“一件事”目录中，本窗口受理的主题不含该事项")
        window_code = routed or device.window_code
        record: dict[str, Any] = {"case_id": op.entity_id, "window_code": window_code, "version": 0,
                                  "materials": [], "documents": [], "backoffice": None}
        if routed:
            record["bundle_window"] = device.window_code  # the comprehensive window follows the bundle
        case = Case(id=op.entity_id, case_no=case_no, window_code=window_code, item_code="",
                    state=target, updated_at=now, record_json="{}")
        session.add(case)
    else:
        record = record_of(case)
        if case.window_code != device.window_code and not (handover or signing):
            raise Rejected("not_your_window", "该办件属于其他窗口，本机不能修改")
        current = record["state"]
        fields.pop("case_no", None)  # a case number never changes
        fields.pop("item_code", None)  # nor its item: the catalog's terms were fixed for it at creation
        expected = p.get("from_state")
        if expected is not None and expected != current:
            raise Rejected("conflict", f"办件已被其他工作站处理，当前为“{LABELS.get(current, current)}”")
        if target == current:
            if current not in OPEN_STATES and op.op in DECIDING_OPS:
                raise Rejected("already_final", f"办件已为“{LABELS.get(current, current)}”，不能重复办理")
        elif not reachable(current, target):
            raise Rejected("bad_state", f"办件当前为“{LABELS.get(current, current)}”，"
                                        f"不能变为“{LABELS.get(target, target)}”")
        _check_decision(session, actor, record, current, target, local_day(when))
    record.update(fields)
    note_review(record, op.op, actor.username, proposal)
    item_terms = catalog_rules.terms(session, record.get("item_code", ""))
    if item_terms is None:
        raise Rejected("unknown_item", f"中心服务器的事项目录中没有事项“{record.get('item_code', '')}”")
    record.update(item_terms)
    record["state"] = target
    record["version"] = int(record.get("version", 0)) + 1
    record["updated_at"] = ts(now)
    _save(case, record, now)
    changes.append(session, "case", case.id, case.window_code, record, now)  # its flush writes the case too
    themes.fan_out(session, case.id, case.window_code, record, now)
    chief_desk.fan_out(session, case.id, case.window_code, record, before, now, local_day(when))
    return record


def decide_forwarded(session: Session, case_no: str, outcome: str, opinion: str, decided_by: str,
                     now: datetime, **terms: str) -> dict[str, Any]:
    """A back office's decision on a forwarded (上报) case; it reaches the window by the next pull.

    `terms`: content and validity of an approval; reasons, basis (and competent_authority) of a denial.
    """
    if outcome not in ("approve", "deny"):
        raise Rejected("invalid", "决定应为 approve（准予）或 deny（不予）")
    if not opinion.strip() or not decided_by.strip():
        raise Rejected("invalid", "请填写意见和决定机关")
    if outcome == "approve" and not terms.get("content", "").strip():
        raise Rejected("invalid", "准予许可须写明许可内容")
    if outcome == "deny" and not (terms.get("reasons", "").strip() and terms.get("basis", "").strip()):
        raise Rejected("invalid", "不予许可须写明理由和法律依据")
    case = session.execute(select(Case).where(Case.case_no == case_no).with_for_update()).scalar_one_or_none()
    if case is None:
        raise Rejected("unknown_case", f"没有办件 {case_no}")
    record = record_of(case)
    if record["state"] != "forwarded":
        raise Rejected("bad_state", f"办件 {case_no} 当前为“{LABELS.get(record['state'])}”，不是已上报状态")
    state = "approved" if outcome == "approve" else "denied"
    record.update(state=state, decision=state, decided_at=ts(now), version=int(record["version"]) + 1,
                  updated_at=ts(now), backoffice={"outcome": outcome, "opinion": opinion.strip(),
                                                  "decided_by": decided_by.strip(), "decided_at": ts(now),
                                                  **{k: v.strip() for k, v in terms.items()}})
    _save(case, record, now)
    session.flush()
    changes.append(session, "case", case.id, case.window_code, record, now)
    return record
