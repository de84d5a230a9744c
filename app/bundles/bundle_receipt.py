"""收件 for a 一件事: the papers are taken in for examination when the clerk cannot judge them at the counter;
within five working days the comprehensive window accepts every part or issues one combined 一次性告知书 —
else, by art. 32 of the 行政许可法, every part counts as accepted from the day the papers were received.

The five-day clock is the bundle's, not each part's: all parts are received, examined and (deemed) accepted
together with one 受理通知书, so the single-case sweep leaves bundle parts alone (app/intake/outcomes.py) and
the sweep here takes them as one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.bundles.adhoc import bundle_theme, own_bundle
from app.bundles.bundle_intake import (
    BundleInput,
    BundleResult,
    PaperInput,
    _bundle_op,
    _event,
    _start,
    accept_parts,
    bundle_results,
)
from app.bundles.bundle_papers import issue_correction, issue_receipt
from app.cases.deadlines import set_notice_due
from app.cases.snapshot import case_snapshot
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, to_local
from app.core.errors import AppError, ValidationError
from app.intake.outcomes import SweepResult, set_verdict, sweep_each
from app.reference import workdays
from app.reference.catalog import Theme
from db.models import Bundle, Case

DEEMED = "五个工作日内未一次性告知，依法自收到材料之日起视为受理"


def receive_bundle(ctx: AppContext, actor: Actor, data: BundleInput) -> BundleResult:
    """收件: every part RECEIVED, the five-working-day notice clock started, one receipt for the papers."""
    with ctx.write("bundle_intake") as s:
        if data.refused:
            raise ValidationError("refused", "收件时不能同时不予受理，请审查后再作决定")
        bundle, theme, applicant, _refused, cases = _start(s, ctx, actor, data, "received")
        now, today, cal = ctx.now(), ctx.today(), workdays.current_calendar(s)
        _bundle_op(s, bundle, theme, cases, "receive", now)
        for case in cases.values():
            set_notice_due(s, cal, case, today, now)
            _event(s, case, actor, "received", None, now, "一件事收件待审查", bundle_no=bundle.bundle_no)
            outbox.enqueue(s, "case", case.id, "receive", case_snapshot(case), now)
        due = next(iter(cases.values())).notice_due
        assert due is not None
        docs = issue_receipt(s, ctx, actor, bundle, theme, cases, due)
        audit.record(s, actor.staff_id, "bundle_received", bundle.bundle_no, {"theme": theme.code}, at=now)
        return bundle_results(bundle, theme, cases, docs, applicant.warnings)


def _parts(s: Session, bundle_id: str) -> dict[str, Case]:
    return {c.item_code: c for c in s.execute(select(Case).options(selectinload(Case.materials))
                                              .where(Case.bundle_id == bundle_id).order_by(Case.case_no)).scalars()}


def _deem(s: Session, ctx: AppContext, actor: Actor | None, bundle: Bundle) -> bool:
    """Art. 32 for the whole bundle, when its notice day has passed: True if it was deemed accepted now."""
    cases = _parts(s, bundle.id)
    due = min((c.notice_due for c in cases.values() if c.notice_due is not None), default=None)
    if bundle.state != "received" or due is None or ctx.today() <= due:
        return False
    first = next(iter(cases.values()))
    system = actor or Actor(bundle.clerk_id, "system", "系统", "clerk", bundle.window_id, "", first.department_id, "")
    received_on = to_local(bundle.received_at).date()
    bundle.state, bundle.updated_at = "open", ctx.now()
    accept_parts(s, ctx, system, bundle, bundle_theme(s, bundle), cases, {}, DEEMED, fresh=False, on=received_on,
                 deemed=True)
    audit.record(s, system.staff_id, "bundle_deemed_accepted", bundle.bundle_no, {"notice_due": due}, at=ctx.now())
    return True


def decide_received_bundle(ctx: AppContext, actor: Actor, bundle_id: str, outcome: str,
                           papers: tuple[PaperInput, ...], due_days: int = 0) -> BundleResult:
    """The examination within five working days: accept every part, or one combined 一次性告知书."""
    require(actor, Action.INTAKE)
    with ctx.write("bundle_decide") as s:  # too late is a fact: the deemed acceptance is kept, then said
        deemed = _deem(s, ctx, actor, own_bundle(s, actor, bundle_id, "审查收件"))
    if deemed:
        raise AppError("deemed_accepted", "收件后五个工作日内未一次性告知，依法自收到材料之日起视为受理，"
                       "已出具受理通知书")
    with ctx.write("bundle_decide") as s:
        bundle = own_bundle(s, actor, bundle_id, "审查收件")
        if bundle.state != "received":
            raise AppError("bad_state", "该“一件事”不是收件待审查状态")
        theme, cases = bundle_theme(s, bundle), _parts(s, bundle_id)
        given = {p.key: p for p in papers}
        for case in cases.values():
            for row in case.materials:
                u = given.get(theme.paper_key(row.name))
                if u is not None and not row.defect.startswith("由“"):  # a paper shared from a 前置 stays so
                    set_verdict(row, u)
        problems = [m for c in cases.values() for m in c.materials if m.status in ("missing", "defective")]
        now = ctx.now()
        if outcome == "accept":
            if problems:
                raise AppError("incomplete", "材料不齐全或不符合法定形式，不能受理，请出具一次性告知书")
            bundle.state, bundle.updated_at = "open", now
            received_on = to_local(bundle.received_at).date()
            docs = accept_parts(s, ctx, actor, bundle, theme, cases, {}, "一件事收件审查后受理", fresh=False,
                                on=received_on)
        elif outcome == "notify":
            require(actor, Action.ISSUE_NOTICE)
            if not problems:
                raise AppError("nothing_to_correct", "没有缺少或不合格的材料，无需出具一次性告知书")
            bundle.state, bundle.updated_at = "notified", now
            for case in cases.values():
                old, case.state, case.updated_at = case.state, str(State.NOTIFIED), now
                _event(s, case, actor, "notified", old, now, "一件事收件审查，合并一次性告知", bundle_no=bundle.bundle_no)
            docs = issue_correction(s, ctx, actor, bundle, theme, cases, due_days)
            for case in cases.values():
                outbox.enqueue(s, "case", case.id, "notify", case_snapshot(case), now)
        else:
            raise ValidationError("outcome", "请选择审查结果")
        audit.record(s, actor.staff_id, "bundle_examined", bundle.bundle_no, {"outcome": outcome}, at=now)
        return bundle_results(bundle, theme, cases, docs, ())


def sweep_deemed_bundles(ctx: AppContext) -> SweepResult:
    """Run with housekeeping: every received bundle past its notice day is accepted, each its own transaction."""
    with ctx.read() as s:
        waiting = s.execute(select(Bundle.id, Bundle.bundle_no).where(Bundle.state == "received")
                            .order_by(Bundle.received_at)).all()
    def deem(s: Session, bundle_id: str) -> bool:
        bundle = s.get(Bundle, bundle_id)
        return bundle is not None and _deem(s, ctx, None, bundle)

    return sweep_each(ctx, waiting, "deemed_acceptance", deem)


def received_theme(ctx: AppContext, actor: Actor, bundle_id: str) -> Theme:
    """The merged list to examine a received bundle on (its theme, or its hand-made one)."""
    require(actor, Action.INTAKE)
    with ctx.read() as s:
        bundle = own_bundle(s, actor, bundle_id, "审查收件")
        return bundle_theme(s, bundle)
