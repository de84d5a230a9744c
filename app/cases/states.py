"""The case state machine: which change is allowed from which state (DESIGN §3)."""

from __future__ import annotations

from enum import StrEnum

from app.core.errors import AppError


class State(StrEnum):
    RECEIVED = "received"  # 收件: materials taken in for examination (art. 32 five-day clock runs)
    NOTIFIED = "notified"  # 一次性告知 issued, waiting for 补正
    ACCEPTED = "accepted"
    REFUSED = "refused"  # 不予受理
    CLOSED_UNANSWERED = "closed_unanswered"  # notified, applicant never came back
    UNDER_REVIEW = "under_review"
    SUSPENDED = "suspended"  # art. 45 special procedure
    AWAITING_SIGNOFF = "awaiting_signoff"  # 一审一核: the chief representative's queue
    FORWARDED = "forwarded"  # 上报: the department decides
    APPROVED = "approved"
    DENIED = "denied"
    CERTIFICATE_ISSUED = "certificate_issued"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"  # 一件事: its 前置 was not approved, so this part cannot go on (the applicant is told)


STATE_LABELS: dict[State, str] = {
    State.RECEIVED: "已收件", State.NOTIFIED: "已一次性告知", State.ACCEPTED: "已受理", State.REFUSED: "不予受理",
    State.CLOSED_UNANSWERED: "逾期未补正办结", State.UNDER_REVIEW: "审查中", State.SUSPENDED: "特别程序中",
    State.AWAITING_SIGNOFF: "待首席代表签批", State.FORWARDED: "已上报", State.APPROVED: "准予许可",
    State.DENIED: "不予许可", State.CERTIFICATE_ISSUED: "已制证", State.DELIVERED: "已送达",
    State.WITHDRAWN: "已撤回", State.STOPPED: "前置未准予，终止办理",
}

_S = State
TRANSITIONS: dict[State | None, frozenset[State]] = {
    None: frozenset({_S.RECEIVED, _S.ACCEPTED, _S.NOTIFIED, _S.REFUSED}),
    _S.RECEIVED: frozenset({_S.ACCEPTED, _S.NOTIFIED, _S.REFUSED, _S.WITHDRAWN}),
    _S.NOTIFIED: frozenset({_S.ACCEPTED, _S.CLOSED_UNANSWERED, _S.WITHDRAWN}),
    _S.ACCEPTED: frozenset({_S.UNDER_REVIEW, _S.APPROVED, _S.DENIED, _S.FORWARDED, _S.WITHDRAWN, _S.STOPPED}),
    _S.UNDER_REVIEW: frozenset({_S.SUSPENDED, _S.AWAITING_SIGNOFF, _S.FORWARDED, _S.APPROVED, _S.DENIED,
                                _S.WITHDRAWN}),
    _S.SUSPENDED: frozenset({_S.UNDER_REVIEW, _S.WITHDRAWN}),
    _S.AWAITING_SIGNOFF: frozenset({_S.APPROVED, _S.DENIED, _S.UNDER_REVIEW, _S.FORWARDED, _S.WITHDRAWN}),
    _S.FORWARDED: frozenset({_S.APPROVED, _S.DENIED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.CERTIFICATE_ISSUED, _S.DELIVERED}),
    _S.DENIED: frozenset({_S.DELIVERED}),
    _S.CERTIFICATE_ISSUED: frozenset({_S.DELIVERED}),
    _S.REFUSED: frozenset(),
    _S.CLOSED_UNANSWERED: frozenset(),
    _S.DELIVERED: frozenset(),
    _S.WITHDRAWN: frozenset(),
    _S.STOPPED: frozenset(),
}

OPEN_STATES = frozenset({_S.RECEIVED, _S.NOTIFIED, _S.ACCEPTED, _S.UNDER_REVIEW, _S.SUSPENDED,
                         _S.AWAITING_SIGNOFF, _S.FORWARDED})


def check_transition(current: str | None, target: State) -> None:
    """Raise unless `current → target` is a transition of the state machine."""
    now = State(current) if current is not None else None
    if target not in TRANSITIONS[now]:
        label = STATE_LABELS[now] if now else "新建"
        raise AppError("bad_state", f"办件当前为“{label}”，不能变为“{STATE_LABELS[target]}”")
