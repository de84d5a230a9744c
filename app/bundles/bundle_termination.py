"""终止办理告知书 for the parts of a 一件事 that a refused 前置 stopped (app/cases/bundle_parts.follow_decision).

One notice per stopped part, filed with that part's case, not one notice listing them all: each part is a case of
its own, with its own number and department, and its notice travels with it — in its list of documents, as the
paper its Delivery row names at the 统一出件, reprinted from its case desk. Parts may also stop at different times
(a theme whose two 前置 are refused on different days): a part stopped later gets its own notice, and none
already signed for has to be replaced.

The comprehensive window that received the bundle issues them under its own seal, as it does the bundle's other
notices; each is registered, audited and put on the part's timeline. Issuing is idempotent: a part that has a
notice on file (not void) does not get a second one.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.bundle_parts import prerequisites
from app.cases.case_documents import case_facts
from app.cases.snapshot import case_snapshot
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, NotFound, PermissionDenied
from app.documents.data import KIND_TITLES, DocKind, DocumentData, SealImpression, Termination
from app.records.case_events import add_event
from app.records.doc_facts import issuer_for
from app.seal import sealing
from db.models import Bundle, Case, Department, Document, Hall


def current_document(s: Session, case: Case, kind: DocKind) -> Document | None:
    """The case's current document of a kind (a replaced or voided one is left out)."""
    return s.execute(select(Document).where(Document.case_id == case.id, Document.kind == str(kind),
                                            Document.void.is_(False))
                     .order_by(Document.created_at.desc())).scalars().first()


def _refused_prerequisite(s: Session, part: Case) -> Case:
    """The 前置 whose 不予许可 stopped the part; by its decision, as its state moves on once it is delivered."""
    for case_id in prerequisites(part):
        pre = s.get(Case, case_id)
        if pre is not None and (pre.decision == "denied" or pre.state == State.DENIED):
            return pre
    raise AppError("no_refused_prerequisite",
                   f"办件 {part.case_no} 的前置事项在本机没有不予许可的记录，请同步后再出具终止办理告知书")


def _termination(s: Session, bundle: Bundle, part: Case, place: str) -> Termination:
    refused = _refused_prerequisite(s, part)
    hall = s.execute(select(Hall)).scalar_one()
    if not hall.reconsideration_body.strip() or not hall.court.strip():
        raise AppError("no_rights_text", "大厅未设置行政复议机关和管辖法院，不能出具终止办理告知书。请管理员补充大厅信息。")
    depts = dict(s.execute(select(Department.id, Department.name)
                           .where(Department.id.in_({part.department_id, refused.department_id}))).all())
    denial = current_document(s, refused, DocKind.DENIAL)
    return Termination(
        bundle_no=bundle.bundle_no, theme_name=bundle.theme_name, department=depts.get(part.department_id, ""),
        prerequisite_name=refused.item_name, prerequisite_case_no=refused.case_no,
        prerequisite_department=depts.get(refused.department_id, ""), denial_no=denial.number if denial else "",
        denied_on=to_local(refused.decided_at).date() if refused.decided_at else None,
        reconsideration_body=hall.reconsideration_body, court=hall.court, place=place)


def _issue_one(s: Session, ctx: AppContext, actor: Actor, bundle: Bundle, part: Case) -> Document:
    issuer, short = issuer_for(s, bundle.window_id)
    facts = dataclasses.replace(case_facts(s, part), clerk_name=actor.name, clerk_phone=issuer.window_phone)
    termination = _termination(s, bundle, part, f"{issuer.hall_name} {issuer.window_name}")

    def build(number: str, seal: SealImpression | None) -> DocumentData:
        return DocumentData(kind=DocKind.TERMINATION, number=number, issued_on=ctx.today(), issuer=issuer,
                            case=facts, seal=seal, termination=termination)

    doc = sealing.issue(s, ctx, actor, kind=DocKind.TERMINATION, case_id=part.id, dept_short=short, build=build,
                        window_id=bundle.window_id)
    now = ctx.now()
    add_event(s, part.id, actor.staff_id, "termination_notice", now,
              f"{KIND_TITLES[DocKind.TERMINATION]} {doc.number}：前置事项“{termination.prerequisite_name}”"
              f"（{termination.prerequisite_case_no}）不予许可，本事项终止办理", document=doc.number)
    # The server files it with the part's record, and the part's own window fetches it from there.
    outbox.enqueue(s, "case", part.id, "termination_notice", case_snapshot(part), now)
    audit.record(s, actor.staff_id, "termination_notice", part.case_no,
                 {"bundle": bundle.bundle_no, "document": doc.number, "prerequisite": termination.prerequisite_case_no},
                 at=now)
    return doc


def stopped_parts(s: Session, bundle_id: str) -> list[Case]:
    return list(s.execute(select(Case).where(Case.bundle_id == bundle_id, Case.state == str(State.STOPPED))
                          .order_by(Case.case_no)).scalars())


def issue_missing(s: Session, ctx: AppContext, actor: Actor, bundle: Bundle) -> list[Document]:
    """Inside the caller's transaction: a notice for every stopped part that has none yet. Returns the new ones."""
    require(actor, Action.ISSUE_NOTICE)
    if actor.window_id != bundle.window_id:
        raise PermissionDenied("只能由受理该“一件事”的综合窗口出具终止办理告知书")
    return [_issue_one(s, ctx, actor, bundle, part) for part in stopped_parts(s, bundle.id)
            if current_document(s, part, DocKind.TERMINATION) is None]


def issue_termination_notice(ctx: AppContext, actor: Actor, bundle_id: str) -> list[str]:
    """Issue the 终止办理告知书 of every stopped part of the bundle that has none yet; returns the new ones' ids,
    in case-number order, to print (none when every stopped part has its notice: a reprint is the case desk's)."""
    require(actor, Action.ISSUE_NOTICE)
    with ctx.write("bundle_termination") as s:
        bundle = s.get(Bundle, bundle_id)
        if bundle is None:
            raise NotFound("一件事办件不存在")
        new = issue_missing(s, ctx, actor, bundle)
        if not new and not stopped_parts(s, bundle.id):
            raise AppError("nothing_stopped", f"“{bundle.theme_name}”{bundle.bundle_no} 没有因前置事项未准予而终止办理的事项")
        return [d.id for d in new]
