"""Applying what the server sends down: cases of the window, seal status, delegations.

A page of changes is applied in the caller's transaction together with the new cursor. A case
with ops still waiting to be pushed is left as it is here (the push comes first, and the server's
answer to it comes back with a later page). References are codes; one this workstation does not
know yet (a new member of staff before the hall document arrived) stops the page, so the cursor
never passes data that was not applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.bundle_parts import follow_decision
from app.core.context import to_local
from app.core.errors import AppError
from app.core.faults import fault_point
from app.sync import (
    doc_fetch,
    pull_certificates,
    pull_commitments,
    pull_consultations,
    pull_site_visits,
    reference_data,
    scan_fetch,
)
from app.sync.outbox_push import has_pending
from app.sync.protocol import Change, parse_day, parse_ts
from app.sync.pull_review import apply_review
from app.sync.settings import WINDOW_CODE
from db.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CatalogVersion,
    Department,
    Item,
    Review,
    Setting,
    Staff,
    Window,
)

_DAYS = ("clock_start", "notice_due", "promised_deadline", "legal_deadline", "issue_deadline", "printed_promised",
         "forward_due")
_INSTANTS = ("received_at", "accepted_at", "decided_at", "closed_at", "forwarded_at")
_PLAIN = ("state", "item_name", "processing_type", "review_mode", "applicant_kind", "applicant_name",
          "applicant_id_type", "applicant_id_number", "applicant_phone", "applicant_address", "legal_rep",
          "agent_name", "agent_id_type", "agent_id_number", "agent_phone", "legal_days", "promised_days",
          "extension_days", "deemed_accepted", "deadline_provisional", "calendar_version", "decision",
          "refusal_reason", "refusal_basis", "competent_authority", "origin_device", "deadline_moved",
          "decision_content", "decision_validity", "bundle_id", "bundle_after")
_DEFAULTS = {"applicant_kind": "person", "applicant_id_type": "", "applicant_id_number": "",
             "processing_type": "promised", "review_mode": "single", "item_name": ""}


# Records of the window that are not cases, applied after the page's cases (they name a case).
_RECORDS = {"consultation": pull_consultations.apply_consultation, "site_visit": pull_site_visits.apply_site_visit,
            "certificate": pull_certificates.apply_certificate, "commitment": pull_commitments.apply_commitment}


class MissingReference(AppError):
    def __init__(self, what: str) -> None:
        super().__init__("missing_reference", f"本机缺少中心服务器数据中引用的{what}，请先更新参考数据后再同步")


@dataclass
class PageStats:
    applied: int = 0
    skipped: int = 0  # cases with local ops still pending


def _value(key: str, value: Any) -> Any:
    if key in _DAYS:
        return parse_day(value) if value else None
    if key in _INSTANTS:
        return parse_ts(value) if value else None
    return value


def _staff_id(session: Session, username: str | None, *, required: bool = False) -> int | None:
    if not username:
        if required:
            raise MissingReference("经办人")
        return None
    found = session.execute(select(Staff.id).where(Staff.username == username)).scalar_one_or_none()
    if found is None and required:
        raise MissingReference(f"人员（{username}）")
    return found


def _item_id(session: Session, code: str) -> int | None:
    return session.execute(select(Item.id).join(CatalogVersion, Item.catalog_version_id == CatalogVersion.id)
                           .where(Item.code == code).order_by(CatalogVersion.current.desc(), Item.id.desc())
                           .limit(1)).scalar_one_or_none()


def _new_case(session: Session, rec: dict[str, Any], at: datetime) -> Case:
    window = session.execute(select(Window).where(Window.code == rec.get("window_code"))).scalar_one_or_none()
    if window is None:
        raise MissingReference(f"窗口（{rec.get('window_code')}）")
    dept_id = session.execute(select(Department.id).where(Department.code == rec.get("department_code"))
                              ).scalar_one_or_none() or window.department_id
    case = Case(id=rec["case_id"], case_no=rec["case_no"], item_code=rec.get("item_code", ""),
                item_id=_item_id(session, rec.get("item_code", "")), window_id=window.id, department_id=dept_id,
                clerk_id=_staff_id(session, rec.get("clerk"), required=True),
                received_at=_value("received_at", rec.get("received_at")) or _value("accepted_at", rec.get(
                    "accepted_at")) or at, created_at=at)
    for key, default in _DEFAULTS.items():
        setattr(case, key, rec.get(key) or default)
    for i, m in enumerate(rec.get("materials") or []):
        if isinstance(m, dict):
            case.materials.append(CaseMaterial(
                seq=int(m.get("seq") or i + 1), name=str(m.get("name", "")), form=str(m.get("form") or "original"),
                copies_required=int(m.get("copies_required") or 1), status=str(m.get("status") or "received"),
                defect=str(m.get("defect") or "")))
    session.add(case)
    return case


def _note_clash(session: Session, local: Case, rec: dict[str, Any], at: datetime) -> None:
    """A case number made here twice (a restored backup): the hall's case stays on the server, and the
    local one — already refused by the server — says why, once, for the clerk to sort out."""
    kind = "case_no_clash"
    if session.execute(select(CaseEvent.id).where(CaseEvent.case_id == local.id, CaseEvent.kind == kind)).first():
        return
    session.add(CaseEvent(case_id=local.id, at=at, staff_id=None, kind=kind, from_state=local.state,
                          to_state=local.state, reason=f"办件编号与中心服务器上另一办件（{rec.get('applicant_name', '')}，"
                          f"受理工作站 {rec.get('origin_device', '')}）相同，请联系信息管理员处理",
                          data_json=json.dumps({"server_case_id": rec["case_id"]}, ensure_ascii=False)))


def _own_window(session: Session) -> int | None:
    code = session.execute(select(Setting.value).where(Setting.key == WINDOW_CODE)).scalar_one_or_none()
    return session.execute(select(Window.id).where(Window.code == code)).scalar_one_or_none() if code else None


def apply_case(session: Session, rec: dict[str, Any], at: datetime) -> bool:
    """The server's record of a case onto the local row (created if new); False if left for pending ops."""
    if has_pending(session, "case", rec["case_id"]):
        return False
    case = session.get(Case, rec["case_id"])
    created = case is None
    if case is None:
        clash = session.execute(select(Case).where(Case.case_no == rec["case_no"])).scalar_one_or_none()
        if clash is not None:
            _note_clash(session, clash, rec, at)
            return False
        case = _new_case(session, rec, at)
    old = None if created else case.state
    for key in _PLAIN + _DAYS + _INSTANTS:
        # The server's record is built from what workstations pushed: null there means "not told", and
        # never erases what this workstation worked out (an issue deadline set by the case desk …).
        if rec.get(key) is not None:
            setattr(case, key, _value(key, rec[key]))
    for key, attr in (("reviewer", "reviewer_id"), ("approver", "approver_id")):
        if rec.get(key):
            setattr(case, attr, _staff_id(session, rec[key]))
    if rec.get("updated_at"):
        case.updated_at = parse_ts(rec["updated_at"])
    if not created:
        by_seq = {m.seq: m for m in case.materials}
        for m in rec.get("materials") or []:
            row = by_seq.get(m.get("seq")) if isinstance(m, dict) else None
            if row is not None and m.get("status"):
                row.status, row.defect = str(m["status"]), str(m.get("defect") or "")
    session.flush()
    apply_review(session, case, rec, at)
    doc_fetch.note(session, case.id, rec.get("documents"), at)
    scan_fetch.note(session, case.id, rec.get("attachments"), at)
    backoffice = rec.get("backoffice") or None
    if backoffice and old == "forwarded" and case.state in ("approved", "denied"):
        if case.state == "approved":  # the department's terms: the certificate is drawn from them
            case.decision_content = str(backoffice.get("content") or "")
            case.decision_validity = str(backoffice.get("validity") or "")
        session.add(Review(case_id=case.id, step="backoffice", outcome=str(backoffice.get("outcome", "")),
                           opinion=f"{backoffice.get('decided_by', '')}：{backoffice.get('opinion', '')}",
                           staff_id=None, at=parse_ts(backoffice["decided_at"]) if backoffice.get(
                               "decided_at") else at))
    if case.bundle_id and case.state in ("approved", "denied") and (created or old != case.state):
        # A 前置 decided at another window: start or stop the parts this workstation's window handles.
        day = to_local(case.decided_at).date() if case.decided_at else to_local(at).date()
        follow_decision(session, case, _staff_id(session, session.info.get("acting_username")), day, at,
                        only_window=_own_window(session))
    if case.state == "delivered" and old != case.state:
        pull_certificates.delivered_elsewhere(session, case.id)  # 统一出件 at the comprehensive window
    if created or old != case.state:
        origin = rec.get("origin_device") or ""
        reason = ("经中心服务器同步（受理工作站 " + origin + "）" if created else
                  "部门决定经中心服务器下发" if backoffice and old == "forwarded" else "经中心服务器同步")
        session.add(CaseEvent(case_id=case.id, at=at, staff_id=None, kind="synced", from_state=old,
                              to_state=case.state, reason=reason,
                              data_json=json.dumps({"version": rec.get("version")}, ensure_ascii=False)))
    return True


def apply_page(session: Session, changes: list[Change], at: datetime) -> PageStats:
    stats = PageStats()
    latest: dict[tuple[str, str], Change] = {}
    for change in changes:  # a page may hold several versions of one case: the last one counts
        latest[(change.kind, change.key)] = change
    for change in sorted(latest.values(), key=lambda c: c.seq):
        if change.kind == "case":
            done = apply_case(session, change.data, at)
            stats.applied += done
            stats.skipped += not done
            fault_point("sync.pull.mid_page")  # page and cursor share one transaction: a kill here undoes both
        elif change.kind == "seal" and has_pending(session, "seal", change.key):
            stats.skipped += 1
        elif change.kind in ("seal", "delegations"):
            try:
                if change.kind == "seal":
                    reference_data.load_seals(session, [change.data])
                else:
                    reference_data.load_delegations(session, change.data.get("delegations", []))
            except KeyError as exc:  # a window or chief this workstation does not know yet
                raise MissingReference(f"窗口或人员（{exc.args[0]}）") from exc
            stats.applied += 1
    session.flush()
    # After the cases: a consultation's link (or a visit) names a case that the same push created around it.
    for change in sorted(latest.values(), key=lambda c: c.seq):
        if change.kind in _RECORDS:
            done = _RECORDS[change.kind](session, change.data, at)
            stats.applied += done
            stats.skipped += not done
    session.flush()
    return stats


def forwarded_decisions(changes: list[Change]) -> list[dict[str, Any]]:
    """Back-office decisions in a page (the case desk records them with its own rules first)."""
    return [c.data for c in changes if c.kind == "case" and c.data.get("backoffice")
            and c.data.get("state") in ("approved", "denied")]
