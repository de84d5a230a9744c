"""Intake on the applicant's written commitment (告知承诺制, 国办发〔2020〕42号).

For an item the catalog marks as 告知承诺, the materials the commitment replaces count as provided by the
commitment: the case is accepted at once, the 告知承诺书 is printed with the receipt and the acceptance notice,
and the post-check task starts with its deadline from the catalog — all in one transaction. The applicant
signs the letter at the counter; its scan is attached (`attach_signed_commitment`) before the decision is
made on the spot through the normal decision, sign-off and seal path (app.signoff.review.decide_on_spot).
"""

from __future__ import annotations

from sqlalchemy import select

from app.cases.attachments import attach_scan, store_scan
from app.cases.case_documents import issue_for_case
from app.cases.commitments import CheckInfo, check_of, info_of, start_check
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.commitment_terms import CommitmentTerms, from_json
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound, ValidationError
from app.documents.data import Commitment, DocKind
from app.intake.input_checks import IntakeInput
from app.intake.outcomes import IntakeResult, _accept, _new_case, _result
from app.reference import workdays
from db.models import Case, Item


def commitment_facts(terms: CommitmentTerms, due: object) -> Commitment:
    """The letter's data from the terms as signed and the check's last day."""
    return Commitment(terms.mode_label, terms.conditions, terms.standards, terms.replaces, terms.check_method,
                      terms.check_days, due)  # type: ignore[arg-type]


def accept_on_commitment(ctx: AppContext, actor: Actor, data: IntakeInput) -> IntakeResult:
    """Accepted on the commitment: 告知承诺书, receipt and acceptance notice; the post-check task starts."""
    require(actor, Action.INTAKE)
    with ctx.write("intake_commitment") as s:
        item = s.execute(select(Item).where(Item.id == data.item_id)).scalar_one_or_none()
        terms = from_json(item.commitment_json) if item is not None else None
        if terms is None:
            raise ValidationError("item", "该事项未实行告知承诺制，请按一般程序受理")
        by_spec = {m.id: m.name for m in item.materials}  # type: ignore[union-attr]
        committed = {by_spec.get(m.item_material_id) for m in data.materials if m.status == "committed"}
        missing = [n for n in terms.replaces if n not in committed]
        if missing:
            raise ValidationError("materials", f"选择告知承诺的，材料“{missing[0]}”由承诺替代，请标为“告知承诺替代”")
        case, warnings = _new_case(s, ctx, actor, data, State.ACCEPTED, frozenset(terms.replaces))
        today, now = ctx.today(), ctx.now()
        docs = _accept(s, ctx, actor, case, today, "告知承诺，当场受理", fresh=True)
        check = start_check(s, workdays.current_calendar(s), case, terms, today, now)
        letter = issue_for_case(s, ctx, actor, case, DocKind.COMMITMENT, issued_on=today,
                                commitment=commitment_facts(terms, check.due))
        outbox.enqueue(s, "commitment", case.id, "commit", {
            "case_id": case.id, "case_no": case.case_no, "item_code": case.item_code,
            "committed_on": today.isoformat(), "due": check.due.isoformat(), "replaces": list(terms.replaces),
            "document": letter.number}, now)
        audit.record(s, actor.staff_id, "commitment_intake", case.case_no,
                     {"item_code": case.item_code, "replaces": list(terms.replaces), "due": check.due.isoformat(),
                      "documents": [letter.id, *docs]}, at=now)
        return _result(case, [letter.id, *docs], warnings)


def attach_signed_commitment(ctx: AppContext, actor: Actor, case_id: str, filename: str, data: bytes) -> CheckInfo:
    """The applicant's signed 告知承诺书, scanned: kept with the case; the decision may then be made."""
    require(actor, Action.INTAKE)
    stored = store_scan(ctx, filename, data)
    with ctx.write("commitment_scan") as s:
        case, row = s.get(Case, case_id), check_of(s, case_id)
        if case is None or row is None:
            raise NotFound("该办件不是告知承诺办件")
        if actor.window_id != case.window_id:
            raise AppError("other_window", "只有受理该办件的窗口人员可以添加签署的告知承诺书")
        now = ctx.now()
        att = attach_scan(s, case, stored, actor.staff_id, now)
        row.scan_attachment_id = att.id
        audit.record(s, actor.staff_id, "commitment_signed", case.case_no, {"attachment": att.id, "sha256": att.sha256},
                     at=now)
        s.flush()
        return info_of(row)
