"""The case as the server needs it: the payload of every case op in the outbox."""

from __future__ import annotations

from db.models import Case


def case_snapshot(case: Case) -> dict[str, object]:
    """The case as the server needs it (sync part 1 applies these through its own state machine)."""
    return {
        "case_id": case.id, "case_no": case.case_no, "state": case.state, "item_code": case.item_code,
        "window_id": case.window_id, "applicant_kind": case.applicant_kind, "applicant_name": case.applicant_name,
        "applicant_id_type": case.applicant_id_type, "applicant_id_number": case.applicant_id_number,
        "received_at": case.received_at, "accepted_at": case.accepted_at, "clock_start": case.clock_start,
        "promised_deadline": case.promised_deadline, "legal_deadline": case.legal_deadline,
        "notice_due": case.notice_due, "deemed_accepted": case.deemed_accepted,
        "forward_due": case.forward_due, "forwarded_at": case.forwarded_at,
        "bundle_id": case.bundle_id, "bundle_after": case.bundle_after,
        "materials": [{"seq": m.seq, "name": m.name, "status": m.status, "defect": m.defect} for m in case.materials],
    }
