"""一审一核 on the server: who examined a case, from the signed ops it applied, and the reviewer's proposal.

The two-person rule (行政许可法 art. 34: the reviewer and the signer are different people) is checked
from the server's own record of who sent the review ops — a workstation that never saw the review
(another workstation, a restored backup) cannot sign off a case its own signer reviewed. The proposal
travels with the case so the chief at any workstation sees what the reviewer proposed.
"""

from __future__ import annotations

from typing import Any

# Ops whose author examined the case (taking it up for review counts, as at the workstation).
REVIEW_OPS = frozenset({"start_review", "review"})
_PROPOSAL_FIELDS = ("outcome", "opinion", "content", "validity", "reasons", "basis", "competent_authority")
_PROPOSAL_LIMIT = 4000
SAME_PERSON = "该办件由此人审查，审查人与核准人不能为同一人（行政许可法第三十四条）"


class NotAProposal(ValueError):
    """The payload's proposal is not one the server can keep."""


def proposal_of(payload: dict[str, Any]) -> dict[str, str] | None:
    """The reviewer's proposed decision from a review op's payload, checked; None when it carries none."""
    raw = payload.get("proposal")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise NotAProposal("审查建议应为对象")
    out: dict[str, str] = {}
    for key in _PROPOSAL_FIELDS:
        value = raw.get(key, "")
        if not isinstance(value, str) or len(value) > _PROPOSAL_LIMIT or "\x00" in value:
            raise NotAProposal(f"审查建议的字段 {key} 不正确")
        out[key] = value
    if out["outcome"] not in ("approve", "deny"):
        raise NotAProposal("审查建议应为准予或不予许可")
    return out


def note_review(record: dict[str, Any], op_name: str, actor: str, proposal: dict[str, str] | None) -> None:
    """Keep the author of a review op among the case's reviewers, and the proposal it made."""
    if op_name in REVIEW_OPS:
        record["reviewers"] = sorted(set(record.get("reviewers") or []) | {actor})
    if proposal is not None:
        record["proposal"] = {**proposal, "by": actor}


def reviewed_by(record: dict[str, Any], actor: str) -> bool:
    return actor in (record.get("reviewers") or [])
