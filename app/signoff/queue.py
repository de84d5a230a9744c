"""The review desk and the chief representative's queue: cases waiting for a review, a sign-off or a document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import text

from app.cases import site_visits
from app.cases.states import STATE_LABELS, State
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive
from app.core.errors import AppError
from app.documents.data import DocKind
from app.signoff.decisions import DecisionInput
from app.signoff.delegations import delegated_items, signing_authority
from app.signoff.review import SAME_PERSON
from db.models import DESK_PENDING_SQL

VISIT_PENDING = "现场核查尚未录入结果"

FAR_FUTURE = date(9999, 12, 31)


@dataclass(frozen=True)
class QueueRow:
    """A case waiting for the chief representative, with whether this person may sign it and why not."""

    case_id: str
    case_no: str
    item_code: str
    item_name: str
    applicant_name: str
    processing_type: str
    reviewer_name: str
    reviewed_at: datetime | None  # hall local time
    proposal: DecisionInput | None
    promised_deadline: date | None
    legal_deadline: date | None
    can_sign: bool
    blocker: str  # why this person may not sign it ("" when they may)
    site_visit: str = ""  # 现场核查: each visit and its result, one line each (the chief reads it before signing)

    @property
    def routine(self) -> bool:
        """The reviewer proposed approval: the case may go into a batch sign-off."""
        return self.proposal is not None and self.proposal.outcome == "approve"

    @property
    def immediate(self) -> bool:
        return self.processing_type == "immediate"

    @property
    def key(self) -> tuple[Any, ...]:
        """Its place in the queue's order: the next page starts after it."""
        return (not self.immediate, (self.legal_deadline or FAR_FUTURE).isoformat(),
                (self.promised_deadline or FAR_FUTURE).isoformat(), self.case_no)


@dataclass(frozen=True)
class DeskRow:
    """A case at the review desk: what it waits for and what the clerk does next."""

    case_id: str
    case_no: str
    item_name: str
    applicant_name: str
    processing_type: str
    review_mode: str
    state: str
    state_label: str
    next_step: str  # review | decide | forwarded | issue
    next_label: str
    accepted_at: datetime | None
    promised_deadline: date | None
    legal_deadline: date | None

    @property
    def key(self) -> tuple[Any, ...]:
        """Its place in the desk's order: the next page starts after it."""
        return (self.processing_type != "immediate", (self.promised_deadline or FAR_FUTURE).isoformat(), self.case_no)


DESK_PAGE = 200  # a desk shows this many at a time; the rest come page by page (keyset)
_FAR = FAR_FUTURE.isoformat()
_DECISION_KINDS = (str(DocKind.APPROVAL), str(DocKind.DENIAL))


def _scope_sql(actor: Actor, by_window: bool) -> tuple[str, dict[str, Any]]:
    if actor.role == "admin":
        return "1", {}
    if by_window and actor.window_id is not None:
        return "c.window_id = :scope", {"scope": actor.window_id}
    return "c.department_id = :scope", {"scope": actor.department_id}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _instant(value: str | None) -> datetime | None:
    return local_naive(datetime.fromisoformat(value)) if value else None


def _keyset(order: tuple[str, ...], after: tuple[Any, ...] | None, params: dict[str, Any]) -> str:
    """The keyset condition: rows strictly after `after` in the desk's order (ascending)."""
    if after is None:
        return ""
    params.update({f"k{i}": v for i, v in enumerate(after)})
    return f" AND ({', '.join(order)}) > ({', '.join(f':k{i}' for i in range(len(after)))})"


_QUEUE_ORDER = ("(c.processing_type != 'immediate')", f"coalesce(c.legal_deadline, '{_FAR}')",
                f"coalesce(c.promised_deadline, '{_FAR}')", "c.case_no")


def signoff_queue(ctx: AppContext, actor: Actor, after: QueueRow | None = None,
                  limit: int = DESK_PAGE) -> list[QueueRow]:
    """Cases awaiting sign-off in the actor's department: 即办件 first, then by legal deadline.

    One page of at most `limit` rows after `after` (the last row of the previous page). A fixed number of
    statements whatever the page holds: the case rows with the reviewer and the last review in one
    query, the review opinions of the page in one, the authority once per item on the page.
    """
    require(actor, Action.VIEW_CASES)
    scope, params = _scope_sql(actor, by_window=False)
    keyset = _keyset(_QUEUE_ORDER, after.key if after else None, params)
    sql = ("SELECT c.id, c.case_no, c.item_code, c.item_name, c.applicant_name, c.processing_type, "
           "c.promised_deadline, c.legal_deadline, coalesce(st.name, ''), "
           "(SELECT json_array(e.at, e.data_json) FROM case_event e WHERE e.case_id = c.id AND e.kind = 'reviewed' "
           "ORDER BY e.id DESC LIMIT 1), c.reviewer_id "
           'FROM "case" c LEFT JOIN staff st ON st.id = c.reviewer_id '
           f"WHERE c.state = 'awaiting_signoff' AND {scope}{keyset} ORDER BY {', '.join(_QUEUE_ORDER)} LIMIT {int(limit)}")
    today = ctx.today()
    rows = []
    with ctx.read() as s:
        raw = s.execute(text(sql), params).all()
        reviewers: dict[str, set[int]] = {}
        if raw:
            ids = {f"c{i}": r[0] for i, r in enumerate(raw)}
            found = s.execute(text(f"SELECT case_id, staff_id FROM review WHERE step = 'review' AND case_id IN "
                                   f"({', '.join(':' + k for k in ids)})"), ids).all()
            # Taking a case up for review counts as reviewing it (docs/decisions.md), as in review._reviewers.
            found += s.execute(text(f"SELECT case_id, staff_id FROM case_event WHERE kind = 'review_started' AND "
                                    f"case_id IN ({', '.join(':' + k for k in ids)})"), ids).all()
            for case_id, staff_id in found:
                if staff_id is not None:
                    reviewers.setdefault(case_id, set()).add(staff_id)
        visits = site_visits.page_summaries(s, [r[0] for r in raw])
        authority: dict[str, str] = {}  # per item: the catalog bounds it, not the history
        for r in raw:
            if r[2] not in authority:
                try:
                    signing_authority(s, actor, r[2], r[3], today)
                    authority[r[2]] = ""
                except AppError as exc:
                    authority[r[2]] = exc.message
            reviewed = reviewers.get(r[0], set()) | ({r[10]} if r[10] is not None else set())
            visit, visit_pending = visits.get(r[0], ("", False))
            blocker = authority[r[2]] or (SAME_PERSON if actor.staff_id in reviewed else "") or (
                VISIT_PENDING if visit_pending else "")
            event = json.loads(r[9]) if r[9] else None
            data = json.loads(event[1] or "{}").get("decision") if event else None
            rows.append(QueueRow(r[0], r[1], r[2], r[3], r[4], r[5], r[8], _instant(event[0]) if event else None,
                                 DecisionInput(**data) if data else None, _day(r[6]), _day(r[7]), not blocker,
                                 blocker, visit))
    return rows


def _desk_step(state: str, review_mode: str, processing_type: str, delegated: bool) -> tuple[str, str]:
    if state in (State.ACCEPTED, State.UNDER_REVIEW):
        if review_mode == "single" and processing_type != "forwarded":
            return "decide", "审查并作出决定（一审制）"
        if processing_type == "forwarded" or not delegated:
            return "review", "审查后上报部门"
        return "review", "审查后报首席代表签批"
    if state == State.FORWARDED:
        return "forwarded", "已上报，等待部门决定"
    return "issue", "部门已决定，待出具决定书"


_DESK_ORDER = ("(c.processing_type != 'immediate')", f"coalesce(c.promised_deadline, '{_FAR}')", "c.case_no")


def review_desk(ctx: AppContext, actor: Actor, after: DeskRow | None = None,
                limit: int = DESK_PAGE) -> list[DeskRow]:
    """Cases of the actor's window to review, decide, follow up at the department, or issue a decision for.

    One page of at most `limit` rows after `after`, read along the partial index of the desk's cases
    (ix_case_desk_pending): decided cases count only when the department decided them (no approver here)
    and their decision document is not issued yet.
    """
    require(actor, Action.VIEW_CASES)
    scope, params = _scope_sql(actor, by_window=True)
    keyset = _keyset(_DESK_ORDER, after.key if after else None, params)
    # LIMIT written in, not bound: SQLCipher's SQLite re-prepares a statement with a bound LIMIT (#19).
    params.update(k_app=_DECISION_KINDS[0], k_den=_DECISION_KINDS[1])
    sql = ("SELECT c.id, c.case_no, c.item_name, c.applicant_name, c.processing_type, c.review_mode, c.state, "
           "c.accepted_at, c.promised_deadline, c.legal_deadline, c.item_code "
           f'FROM "case" c WHERE ({DESK_PENDING_SQL}) AND {scope} '
           "AND NOT (c.state IN ('approved', 'denied') AND EXISTS (SELECT 1 FROM document d WHERE d.case_id = c.id "
           f"AND d.kind IN (:k_app, :k_den) AND d.void = 0)){keyset} ORDER BY {', '.join(_DESK_ORDER)} LIMIT {int(limit)}")
    today = ctx.today()
    rows = []
    with ctx.read() as s:
        raw = s.execute(text(sql), params).all()
        delegated = delegated_items(s, today) if raw else set()
        for r in raw:
            step = _desk_step(r[6], r[5], r[4], r[10] in delegated)
            rows.append(DeskRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], STATE_LABELS[State(r[6])], step[0],
                                step[1], _instant(r[7]), _day(r[8]), _day(r[9])))
    return rows
