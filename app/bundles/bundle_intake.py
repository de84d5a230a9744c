"""One intake for a 一件事 theme at the comprehensive window: one form, one list of papers, one outcome.

Accepting makes one bundle and one sub-case per item in a single transaction, each with its own case
number, department, handling window and deadlines; a part that waits on a 前置 is accepted with its clock
not yet started (it starts on the day the 前置 is approved). Items the clerk refuses get their own
不予受理通知书 and the rest go on. Papers missing across the items make one combined 一次性告知书 for all
parts instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.bundles.adhoc import ADHOC, build_adhoc, comprehensive
from app.bundles.bundle_papers import issue_acceptance, issue_correction, issue_refusal
from app.cases.deadlines import compute, set_deadlines
from app.cases.numbers import next_case_no
from app.cases.snapshot import case_snapshot
from app.cases.states import State, check_transition
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, ValidationError
from app.documents.data import Refusal
from app.intake.input_checks import ApplicantInput, CleanApplicant, clean_applicant
from app.intake.outcomes import check_refusal
from app.reference import workdays
from app.reference.catalog import Theme, ThemePaper, ThemePart, get_theme
from app.seal.sealing import device_code
from db.models import Bundle, Case, CaseEvent, CaseMaterial, Item, Window

BUNDLE_STATES = {"received": "已收件（待审查）", "open": "办理中", "notified": "已一次性告知", "refused": "不予受理", "stopped": "已终止",
                 "ready": "待统一出件", "handed_over": "已统一出件"}


@dataclass(frozen=True)
class PaperInput:
    """The clerk's verdict on one paper of the theme's merged list (keyed by ThemePaper.key)."""

    key: str
    status: str  # received | missing | defective | deferred
    original_checked: bool = False
    copies_received: int = 0
    defect: str = ""
    deferred_due: date | None = None


@dataclass(frozen=True)
class PartRefusal:
    """不予受理 of one item of the bundle; the other items go on."""

    item_code: str
    refusal: Refusal


@dataclass(frozen=True)
class BundleInput:
    """One 一件事 application: the theme, the applicant, the shared form fields, the papers."""

    theme_code: str
    applicant: ApplicantInput
    papers: tuple[PaperInput, ...]
    fields: tuple[tuple[str, str], ...] = ()
    refused: tuple[PartRefusal, ...] = field(default_factory=tuple)
    items: tuple[str, ...] = ()  # theme_code ADHOC: the items the clerk added by hand (app/bundles/adhoc.py)


@dataclass(frozen=True)
class PartResult:
    item_code: str
    item_name: str
    case_id: str
    case_no: str
    state: str
    waiting: bool  # accepted, clock not started: waits on its 前置


@dataclass(frozen=True)
class BundleResult:
    bundle_id: str
    bundle_no: str
    state: str
    parts: tuple[PartResult, ...]
    document_ids: tuple[str, ...]
    warnings: tuple[str, ...]


def _check_papers(theme: Theme, given: tuple[PaperInput, ...], today: date, has_agent: bool,
                  parts: list[ThemePart]) -> dict[str, PaperInput]:
    """Every paper the remaining parts ask for gets one verdict, with the single-item rules per paper."""
    wanted = {p.item_code for p in parts}
    by_key = {p.key: p for p in given}
    unknown = set(by_key) - {p.key for p in theme.papers}
    if unknown:
        raise ValidationError("papers", "材料清单与“一件事”主题不符，请重新选择主题")
    for spec in theme.papers:
        if spec.from_part or not set(spec.item_codes) & wanted or (spec.for_agent and not has_agent):
            continue
        got, where = by_key.get(spec.key), f"papers.{spec.key}"
        if got is None or got.status not in ("received", "missing", "defective", "deferred"):
            raise ValidationError(where, f"请选择材料“{spec.name}”的核验结果")
        if got.status == "received" and got.copies_received < spec.copies:
            raise ValidationError(where, f"材料“{spec.name}”应收 {spec.copies} 份，实收 {got.copies_received} 份")
        if got.status == "received" and spec.form != "copy" and not got.original_checked:
            raise ValidationError(where, f"材料“{spec.name}”须核验原件")
        if got.status == "defective" and not got.defect.strip():
            raise ValidationError(where, f"请写明材料“{spec.name}”存在的问题及补正要求")
        if got.status == "deferred" and not spec.may_defer:
            raise ValidationError(where, f"材料“{spec.name}”不允许容缺受理")
        if got.status == "deferred" and (got.deferred_due is None or got.deferred_due <= today):
            raise ValidationError(where, f"请填写材料“{spec.name}”的承诺补交日期（应晚于今天）")
    return by_key


def _refusals(theme: Theme, refused: tuple[PartRefusal, ...]) -> dict[str, Refusal]:
    codes = {p.item_code for p in theme.parts}
    out: dict[str, Refusal] = {}
    for r in refused:
        if r.item_code not in codes:
            raise ValidationError("refused", "不予受理的事项不属于该“一件事”")
        check_refusal(r.refusal)
        out[r.item_code] = r.refusal
    for part in theme.parts:  # a part cannot go on when the 前置 it waits on is refused
        blocked = [a for a in part.after if a in out]
        if blocked and part.item_code not in out:
            raise ValidationError(f"refused.{part.item_code}",
                                  f"前置事项不予受理，“{part.item_name}”无法办理，请一并不予受理或告知申请人")
    if len(out) == len(theme.parts):
        raise ValidationError("refused", "所有事项均不予受理，请按单个事项出具不予受理通知书")
    return out


def _window_ids(session: Session, theme: Theme) -> dict[str, int]:
    codes = {p.window_code for p in theme.parts} | {theme.window_code}
    return dict(session.execute(select(Window.code, Window.id).where(Window.code.in_(codes))).all())


def _part_case(session: Session, ctx: AppContext, actor: Actor, bundle: Bundle, part: ThemePart, window_id: int,
               applicant: CleanApplicant, theme: Theme, papers: dict[str, PaperInput], now: datetime) -> Case:
    """A sub-case as the single-item intake makes one, its materials taken from the one list of papers."""
    item = session.get(Item, part.item_id)
    assert item is not None  # read from the current catalog in this transaction
    case = Case(
        case_no=next_case_no(session, device_code(session), ctx.today()), state=str(State.RECEIVED),
        item_code=item.code, item_name=item.name, item_id=item.id, window_id=window_id,
        department_id=item.department_id, processing_type=item.processing_type, review_mode=item.review_mode,
        applicant_kind=applicant.kind, applicant_name=applicant.name, applicant_id_type=applicant.id_type,
        applicant_id_number=applicant.id_number, applicant_phone=applicant.phone,
        applicant_address=applicant.address, legal_rep=applicant.legal_rep, agent_name=applicant.agent_name,
        agent_id_type=applicant.agent_id_type, agent_id_number=applicant.agent_id_number,
        agent_phone=applicant.agent_phone, received_at=now, legal_days=item.legal_days,
        promised_days=item.promised_days, clerk_id=actor.staff_id, origin_device=device_code(session),
        created_at=now, updated_at=now, bundle_id=bundle.id)
    by_key = {p.key: p for p in theme.papers}
    for spec in item.materials:
        paper = by_key[theme.paper_key(spec.name)]
        if paper.for_agent and not applicant.agent_name:
            continue
        if paper.from_part:
            # The 前置's certificate is shared inside the hall (数据共享): not asked of the applicant.
            case.materials.append(CaseMaterial(seq=spec.seq, item_material_id=spec.id, name=spec.name,
                                               form=spec.form, copies_required=spec.copies, status="received",
                                               defect=f"由“{_part_name(theme, paper)}”办结后共享"))
            continue
        m = papers[paper.key]
        case.materials.append(CaseMaterial(
            seq=spec.seq, item_material_id=spec.id, name=spec.name, form=spec.form, copies_required=spec.copies,
            status=m.status, original_checked=m.original_checked, copies_received=m.copies_received,
            defect=m.defect.strip() or ("未提交" if m.status == "missing" else ""), deferred_due=m.deferred_due))
    session.add(case)
    session.flush()
    return case


def _part_name(theme: Theme, paper: ThemePaper) -> str:
    return next(p.item_name for p in theme.parts if p.item_code == paper.from_part)


def _event(session: Session, case: Case, actor: Actor, kind: str, old: str | None, at: datetime, reason: str,
           **data: object) -> None:
    session.add(CaseEvent(case_id=case.id, at=at, staff_id=actor.staff_id, kind=kind, from_state=old,
                          to_state=case.state, reason=reason,
                          data_json=json.dumps(data, ensure_ascii=False, default=str)))


def _start(session: Session, ctx: AppContext, actor: Actor, data: BundleInput, state: str
           ) -> tuple[Bundle, Theme, CleanApplicant, dict[str, Refusal], dict[str, Case]]:
    """Checks everything, then makes the bundle and every part's case (state RECEIVED until decided)."""
    require(actor, Action.INTAKE)
    if data.theme_code == ADHOC:
        if actor.window_id is None or not comprehensive(session, actor.window_id):
            raise AppError("not_comprehensive", "“一件事”只能在综合窗口受理")
        theme = build_adhoc(session, actor.window_id, data.items)
    else:
        theme = get_theme(session, data.theme_code)
    windows = _window_ids(session, theme)
    if actor.window_id is None or actor.window_id != windows.get(theme.window_code):
        raise AppError("not_comprehensive", "“一件事”只能在综合窗口受理")
    today, now = ctx.today(), ctx.now()
    applicant = clean_applicant(data.applicant, today)
    refusals = _refusals(theme, data.refused)
    going = [p for p in theme.parts if p.item_code not in refusals]
    papers = _check_papers(theme, data.papers, today, bool(applicant.agent_name), going)
    labels = dict(theme.fields)
    values = {k: v.strip() for k, v in data.fields if k in labels}
    for key, label in theme.fields:
        if not values.get(key):
            raise ValidationError(f"fields.{key}", f"请填写{label}")
    bundle = Bundle(bundle_no="", theme_code=theme.code, theme_name=theme.name, window_id=actor.window_id,
                    clerk_id=actor.staff_id, applicant_name=applicant.name,
                    applicant_id_number=applicant.id_number, applicant_phone=applicant.phone,
                    fields_json=json.dumps(values, ensure_ascii=False), state=state, received_at=now,
                    origin_device=device_code(session), created_at=now, updated_at=now)
    session.add(bundle)
    session.flush()
    cases = {p.item_code: _part_case(session, ctx, actor, bundle, p, windows[p.window_code], applicant, theme,
                                     papers, now) for p in theme.parts}
    # The bundle's number is its first part's case number: unique, made offline, no second counter.
    bundle.bundle_no = "YJ" + cases[theme.parts[0].item_code].case_no
    for part in theme.parts:
        cases[part.item_code].bundle_after = json.dumps([cases[a].id for a in part.after])
    return bundle, theme, applicant, refusals, cases


def _bundle_op(session: Session, bundle: Bundle, theme: Theme, cases: dict[str, Case], op: str, at: datetime
               ) -> None:
    """The bundle's own op, before its parts' ops: the server routes each part from its own catalog."""
    outbox.enqueue(session, "bundle", bundle.id, op, {
        "bundle_no": bundle.bundle_no, "theme_code": theme.code, "state": bundle.state, "received_at": at,
        "parts": [{"item_code": p.item_code, "case_id": cases[p.item_code].id,
                   "case_no": cases[p.item_code].case_no,
                   "after": [cases[a].id for a in p.after]} for p in theme.parts]}, at)


def bundle_results(bundle: Bundle, theme: Theme, cases: dict[str, Case], docs: list[str],
             warnings: tuple[str, ...]) -> BundleResult:
    parts = tuple(PartResult(p.item_code, p.item_name, cases[p.item_code].id, cases[p.item_code].case_no,
                             cases[p.item_code].state, cases[p.item_code].clock_start is None
                             and cases[p.item_code].state == State.ACCEPTED) for p in theme.parts)
    return BundleResult(bundle.id, bundle.bundle_no, bundle.state, parts, tuple(docs), warnings)


def accept_parts(s: Session, ctx: AppContext, actor: Actor, bundle: Bundle, theme: Theme, cases: dict[str, Case],
                 refusals: dict[str, Refusal], reason: str, *, fresh: bool = True, on: date | None = None,
                 deemed: bool = False) -> list[str]:
    """Every part accepted (or refused with its own notice), one 受理通知书 for them all; parts without a 前置
    start their clock today (or `on`: the day of receipt, after 收件), the others when their 前置 is approved.
    At intake (`fresh`: the parts were made in this transaction), at the completing 补正, after 收件, and by law
    (`deemed`: art. 32, accepted from the day the papers were received)."""
    now, cal = ctx.now(), workdays.current_calendar(s)
    today = on or ctx.today()
    docs: list[str] = []
    for part in theme.parts:
        case = cases[part.item_code]
        if part.item_code in refusals:
            docs += issue_refusal(s, ctx, actor, bundle, case, refusals[part.item_code], now)
            continue
        old = None if fresh else case.state
        check_transition(old, State.ACCEPTED)
        case.state, case.updated_at = str(State.ACCEPTED), now
        case.accepted_at = case.received_at if deemed else now
        case.deemed_accepted = deemed
        if not part.after:  # dependants keep no clock until their 前置 is approved
            case.clock_start = today
            set_deadlines(s, case, compute(cal, today, case.promised_days, case.legal_days), reason, now)
        _event(s, case, actor, "accepted", old, now, reason, bundle_no=bundle.bundle_no, waits_on=list(part.after))
        case.printed_promised = case.promised_deadline
        outbox.enqueue(s, "case", case.id, "accept", case_snapshot(case), now)
    return docs + issue_acceptance(s, ctx, actor, bundle, theme, cases)


def accept_bundle(ctx: AppContext, actor: Actor, data: BundleInput) -> BundleResult:
    """Papers complete (容缺 allowed): every part accepted (or refused where the clerk refuses it), one
    transaction; parts without a 前置 start their clock today, the others when their 前置 is approved."""
    with ctx.write("bundle_intake") as s:
        bundle, theme, applicant, refusals, cases = _start(s, ctx, actor, data, "open")
        if any(m.status in ("missing", "defective") for c in cases.values() if c.item_code not in refusals
               for m in c.materials):
            raise AppError("incomplete", "材料不齐全或不符合法定形式，不能受理，请出具一次性告知书")
        now = ctx.now()
        _bundle_op(s, bundle, theme, cases, "receive", now)
        docs = accept_parts(s, ctx, actor, bundle, theme, cases, refusals, "一件事一次办，综合窗口受理")
        audit.record(s, actor.staff_id, "bundle_intake", bundle.bundle_no,
                     {"theme": theme.code, "parts": [c.case_no for c in cases.values()],
                      "refused": sorted(refusals)}, at=now)
        return bundle_results(bundle, theme, cases, docs, applicant.warnings)


def notify_bundle(ctx: AppContext, actor: Actor, data: BundleInput, due_days: int = 0) -> BundleResult:
    """Papers missing or defective across the items: one combined 一次性告知书 for the whole application."""
    require(actor, Action.ISSUE_NOTICE)
    with ctx.write("bundle_intake") as s:
        bundle, theme, applicant, _refused, cases = _start(s, ctx, actor, data, "notified")
        if data.refused:
            raise ValidationError("refused", "出具一次性告知书时不能同时不予受理，请先告知补正")
        problems = [m for c in cases.values() for m in c.materials if m.status in ("missing", "defective")]
        if not problems:
            raise AppError("nothing_to_correct", "没有缺少或不合格的材料，无需出具一次性告知书")
        now = ctx.now()
        _bundle_op(s, bundle, theme, cases, "receive", now)
        for case in cases.values():
            check_transition(None, State.NOTIFIED)
            case.state, case.updated_at = str(State.NOTIFIED), now
            _event(s, case, actor, "notified", None, now, "一件事一次办，合并一次性告知", bundle_no=bundle.bundle_no)
        docs = issue_correction(s, ctx, actor, bundle, theme, cases, due_days)
        for case in cases.values():
            outbox.enqueue(s, "case", case.id, "notify", case_snapshot(case), now)
        audit.record(s, actor.staff_id, "bundle_notice", bundle.bundle_no,
                     {"theme": theme.code, "missing": sorted({m.name for m in problems})}, at=now)
        return bundle_results(bundle, theme, cases, docs, applicant.warnings)
