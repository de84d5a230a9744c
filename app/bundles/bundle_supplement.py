"""补正 for a 一件事: the applicant comes back to the comprehensive window with what the combined 一次性告知书
listed — and only that — for every part at once; when nothing is outstanding every part is accepted together,
with one 受理通知书, as at a complete intake (their clocks start today; a 前置's dependants still wait).

A paper several parts need is one line of the merged list: its verdict applies to each part's material.
Asking for anything the notice did not list would be a second notice (一次性告知制); the single-item 补正 lets
the chief representative override that, the bundle does not (the notice is one document for all parts).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bundles.adhoc import bundle_theme, own_bundle
from app.bundles.bundle_intake import BundleResult, PaperInput, accept_parts, bundle_results
from app.cases.snapshot import case_snapshot
from app.cases.states import State
from app.core import audit, outbox
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound, ValidationError
from app.intake.correction import record_returned
from db.models import Bundle, Case, CaseEvent, CaseMaterial


@dataclass(frozen=True)
class OutstandingPaper:
    """One line of the merged list the notice asked for and still missing (what the 补正 form offers)."""

    seq: int
    key: str
    name: str
    defect: str
    status_label: str
    copies_required: int

    @property
    def field_name(self) -> str:  # where the core puts a message about this paper
        return f"papers.{self.key}"


def bundle_outstanding(ctx: AppContext, actor: Actor, bundle_id: str) -> list[OutstandingPaper]:
    """The notice's papers not yet brought back, each once however many parts need it."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        bundle = s.get(Bundle, bundle_id)
        if bundle is None:
            raise NotFound("一件事办件不存在")
        theme = bundle_theme(s, bundle)
        found: dict[str, OutstandingPaper] = {}
        rows = s.execute(select(CaseMaterial).join(Case, Case.id == CaseMaterial.case_id).where(
            Case.bundle_id == bundle_id, CaseMaterial.status.in_(("missing", "defective")),
            CaseMaterial.notice_document_id.is_not(None)).order_by(CaseMaterial.seq)).scalars()
        for m in rows:
            key = theme.paper_key(m.name)
            seen = found.get(key)
            found[key] = OutstandingPaper(0, key, m.name, m.defect, "缺少" if m.status == "missing" else "不符合要求",
                                          max(m.copies_required, seen.copies_required if seen else 0))
        order = {p.key: n for n, p in enumerate(theme.papers)}
        lines = sorted(found.values(), key=lambda line: order.get(line.key, len(order)))
        return [dataclasses.replace(line, seq=n) for n, line in enumerate(lines, 1)]


def _apply(theme_key: str, row: CaseMaterial, u: PaperInput) -> None:
    listed = row.notice_document_id is not None
    if not listed and (u.status != row.status or u.copies_received < row.copies_received):
        raise ValidationError(f"papers.{theme_key}", f"材料“{row.name}”不在一次性告知书所列范围内，不能要求补正")
    if listed:
        record_returned(row, f"papers.{theme_key}", u.status, u.defect, u.copies_received, u.original_checked)


def supplement_bundle(ctx: AppContext, actor: Actor, bundle_id: str,
                      papers: tuple[PaperInput, ...]) -> BundleResult:
    """Record what came back on the merged list; accept every part when nothing is outstanding."""
    require(actor, Action.INTAKE)
    with ctx.write("bundle_supplement") as s:
        bundle = own_bundle(s, actor, bundle_id, "补正")
        if bundle.state != "notified":
            raise AppError("bad_state", "该“一件事”不在等待补正状态")
        theme = bundle_theme(s, bundle)
        cases = {c.item_code: c for c in s.execute(select(Case).options(selectinload(Case.materials))
                                                    .where(Case.bundle_id == bundle_id)).scalars()}
        if any(c.state != State.NOTIFIED for c in cases.values()):
            raise AppError("bad_state", "该“一件事”的事项已不在等待补正状态（可能已逾期办结）")
        given = {p.key: p for p in papers}
        now = ctx.now()
        for case in cases.values():
            for row in case.materials:
                u = given.get(theme.paper_key(row.name))
                if u is not None:
                    _apply(u.key, row, u)
                    if row.status == "received" and row.resolved_at is None and row.notice_document_id:
                        row.resolved_at = now
        outstanding = sorted({m.name for c in cases.values() for m in c.materials
                              if m.status in ("missing", "defective")})
        if outstanding:
            for case in cases.values():
                case.updated_at = now
                s.add(CaseEvent(case_id=case.id, at=now, staff_id=actor.staff_id, kind="supplement_partial",
                                from_state=case.state, to_state=case.state, reason="部分补正，仍有材料待补",
                                data_json="{}"))
                outbox.enqueue(s, "case", case.id, "supplement", case_snapshot(case), now)
            audit.record(s, actor.staff_id, "bundle_supplement", bundle.bundle_no, {"outstanding": outstanding},
                         at=now)
            return bundle_results(bundle, theme, cases, [], ())
        bundle.state, bundle.updated_at = "open", now
        docs = accept_parts(s, ctx, actor, bundle, theme, cases, {}, "一件事补正材料齐全，受理（自补正次日起计算期限）",
                            fresh=False)
        outbox.enqueue(s, "bundle", bundle.id, "accept", {"bundle_no": bundle.bundle_no, "state": "open",
                                                          "at": now}, now)
        audit.record(s, actor.staff_id, "bundle_supplement", bundle.bundle_no,
                     {"accepted": [c.case_no for c in cases.values()]}, at=now)
        return bundle_results(bundle, theme, cases, docs, ())
