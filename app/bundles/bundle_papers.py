"""The bundle's documents at intake: one receipt and one sealed 受理通知书 listing every item, its
department, case number and deadline; one combined 一次性告知书; a 不予受理通知书 per refused item.

The bundle's documents are issued by the comprehensive window under its seal and filed with the bundle's
first part (documents belong to a case; the first part is the 前置 every other part waits on).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.bundles.bundle_path import PathPart, expected, longest
from app.cases.case_documents import case_facts
from app.cases.snapshot import case_snapshot
from app.cases.states import State, check_transition
from app.core import outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.documents.data import (
    BundlePartLine,
    CaseFacts,
    DocKind,
    DocumentData,
    MaterialLine,
    Refusal,
    SealImpression,
)
from app.records.doc_facts import issuer_for
from app.reference import workdays
from app.reference.catalog import FORM_LABELS, Theme
from app.seal import sealing
from db.models import Bundle, Case, CaseEvent


def _paper_lines(theme: Theme, cases: dict[str, Case]) -> tuple[MaterialLine, ...]:
    """The one list of papers as handed over (each paper once, as the first part that asks for it has it)."""
    seen: dict[str, MaterialLine] = {}
    for part in theme.parts:
        for m in cases[part.item_code].materials:
            key = theme.paper_key(m.name)
            paper = next(p for p in theme.papers if p.key == key)
            if key in seen or paper.from_part:
                continue
            seen[key] = MaterialLine(len(seen) + 1, paper.name, FORM_LABELS.get(paper.form, paper.form),
                                     paper.copies, m.status, m.copies_received, m.original_checked, m.defect,
                                     m.deferred_due)
    return tuple(seen.values())


def part_lines(session: Session, theme: Theme, cases: dict[str, Case], today: object) -> tuple[BundlePartLine, ...]:
    """Every part with its deadlines; a waiting part's are expected along the longest path."""
    cal = workdays.current_calendar(session)
    going = {c: cases[c] for c in cases if cases[c].state != State.REFUSED}
    found = expected(cal, today, [  # type: ignore[arg-type]
        PathPart(p.item_code, p.after, p.promised_days, p.legal_days, going[p.item_code].promised_deadline,
                 going[p.item_code].legal_deadline) for p in theme.parts if p.item_code in going])
    names = {p.item_code: p.item_name for p in theme.parts}
    lines = []
    for p in theme.parts:
        case = cases[p.item_code]
        if p.item_code not in going:
            lines.append(BundlePartLine(p.item_name, p.department, case.case_no, p.legal_days, p.promised_days,
                                        None, None, outcome="不予受理"))
            continue
        waits = case.clock_start is None and bool(p.after)
        lines.append(BundlePartLine(
            p.item_name, p.department, case.case_no, p.legal_days, p.promised_days, found[p.item_code].promised,
            found[p.item_code].legal, "、".join(names[a] for a in p.after) if waits else ""))
    return tuple(lines)


def bundle_facts(session: Session, bundle: Bundle, theme: Theme, cases: dict[str, Case], today: object) -> CaseFacts:
    """The bundle printed as one application: its number, the theme, one list of papers, the longest path."""
    first = next(c for c in cases.values() if c.state != State.REFUSED)
    cal = workdays.current_calendar(session)
    going = [p for p in theme.parts if cases[p.item_code].state != State.REFUSED]
    found = expected(cal, today, [  # type: ignore[arg-type]
        PathPart(p.item_code, p.after, p.promised_days, p.legal_days, cases[p.item_code].promised_deadline,
                 cases[p.item_code].legal_deadline) for p in going])
    last = longest(found)
    promised_days = cal.working_days_between(today, last.promised) if last else 0  # type: ignore[arg-type]
    legal_days = cal.working_days_between(today, last.legal) if last else 0  # type: ignore[arg-type]
    facts = case_facts(session, first)
    return dataclasses.replace(
        facts, case_no=bundle.bundle_no, item_code=theme.code, item_name=theme.name,
        item_basis="见所列各事项的设定依据", processing_label="一件事一次办", materials=_paper_lines(theme, cases),
        promised_days=promised_days, legal_days=legal_days, promised_deadline=last.promised if last else None,
        legal_deadline=last.legal if last else None, delivery_method="综合窗口统一出件")


def _issue(session: Session, ctx: AppContext, actor: Actor, bundle: Bundle, cases: dict[str, Case],
           kind: DocKind, facts: CaseFacts, **extra: object) -> str:
    issuer, short = issuer_for(session, bundle.window_id)
    first = next(iter(cases.values()))  # one case only for a part's own notice

    def build(number: str, seal: SealImpression | None) -> DocumentData:
        return DocumentData(kind=kind, number=number, issued_on=ctx.today(), issuer=issuer, case=facts, seal=seal,
                            **extra)  # type: ignore[arg-type]

    return sealing.issue(session, ctx, actor, kind=kind, case_id=first.id, dept_short=short, build=build,
                         window_id=bundle.window_id).id


def issue_acceptance(session: Session, ctx: AppContext, actor: Actor, bundle: Bundle, theme: Theme,
                     cases: dict[str, Case]) -> list[str]:
    """One receipt and one sealed 受理通知书 for the whole bundle."""
    facts = bundle_facts(session, bundle, theme, cases, ctx.today())
    lines = part_lines(session, theme, cases, ctx.today())
    notes = tuple(f"{n}. {p.item_name}（{p.department}）办件编号 {p.case_no}" + (
        f"，{p.outcome}" if p.outcome != "受理" else f"，承诺{p.promised_deadline:%Y-%m-%d}前")
        for n, p in enumerate(lines, 1))
    return [_issue(session, ctx, actor, bundle, cases, DocKind.RECEIPT, facts, notes=notes),
            _issue(session, ctx, actor, bundle, cases, DocKind.ACCEPTANCE, facts, bundle_parts=lines)]


def issue_receipt(session: Session, ctx: AppContext, actor: Actor, bundle: Bundle, theme: Theme,
                  cases: dict[str, Case], notice_due: date) -> list[str]:
    """收件: one receipt for the papers taken in for examination, with the day by which the applicant is told."""
    facts = bundle_facts(session, bundle, theme, cases, ctx.today())
    notes = (f"材料已收取，待审查。本窗口将于 {notice_due:%Y年%m月%d日} 前告知是否受理；逾期未告知的，"
             "自收到材料之日起即为受理。",
             *(f"{n}. {p.item_name}（{p.department}）办件编号 {cases[p.item_code].case_no}"
               for n, p in enumerate(theme.parts, 1)))
    return [_issue(session, ctx, actor, bundle, cases, DocKind.RECEIPT, facts, notes=notes)]


def issue_correction(session: Session, ctx: AppContext, actor: Actor, bundle: Bundle, theme: Theme,
                     cases: dict[str, Case], due_days: int) -> list[str]:
    """One 一次性告知书 listing everything missing across the items (each paper once)."""
    facts = bundle_facts(session, bundle, theme, cases, ctx.today())
    doc = _issue(session, ctx, actor, bundle, cases, DocKind.CORRECTION, facts, notice_due_days=due_days)
    for case in cases.values():
        for m in case.materials:
            if m.status in ("missing", "defective"):
                m.notice_document_id = doc  # what this notice listed: the only things 补正 may ask for
    return [doc]


def issue_refusal(session: Session, ctx: AppContext, actor: Actor, bundle: Bundle, case: Case, refusal: Refusal,
                  now: datetime) -> list[str]:
    """不予受理 of one item of the bundle, by the item's own notice; reported for supervision.

    The comprehensive window received the application, so it issues the notice under its own seal (the
    department's window has not seen the case yet)."""
    require(actor, Action.REFUSE)
    check_transition(None, State.REFUSED)
    case.state, case.updated_at, case.closed_at = str(State.REFUSED), now, now
    case.refusal_reason, case.refusal_basis = refusal.reasons.strip(), refusal.basis.strip()
    case.competent_authority = refusal.competent_authority.strip()
    session.flush()
    doc = _issue(session, ctx, actor, bundle, {case.item_code: case}, DocKind.REFUSAL, case_facts(session, case),
                 refusal=refusal)
    session.add(CaseEvent(case_id=case.id, at=now, staff_id=actor.staff_id, kind="refused", from_state=None,
                          to_state=case.state, reason=refusal.reasons))
    outbox.enqueue(session, "case", case.id, "refuse", case_snapshot(case), now)
    outbox.enqueue(session, "supervision", case.id, "refusal_report",
                   {"case_no": case.case_no, "reasons": refusal.reasons, "basis": refusal.basis,
                    "competent_authority": refusal.competent_authority, "clerk_id": actor.staff_id}, now)
    return [doc]
