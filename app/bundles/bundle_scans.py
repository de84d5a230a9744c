"""A paper of a 一件事 scanned once at the comprehensive window: the one file is attached to the material of
every part that needs it (one Attachment and one `attachment` op per part), so each department's window and
chief finds it beside its own part after sync (app/sync/scan_fetch.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.bundles.adhoc import bundle_theme, own_bundle
from app.cases.attachments import attach_scan, store_scan
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import NotFound, ValidationError
from db.models import Bundle, Case


def attach_bundle_scan(ctx: AppContext, actor: Actor, bundle_id: str, paper_key: str, filename: str,
                       data: bytes) -> int:
    """Attach the scan of the merged list's paper `paper_key` to every part asking for it; returns how many."""
    require(actor, Action.INTAKE)
    scan = store_scan(ctx, filename, data, f"papers.{paper_key}")  # the file first, then the rows naming it
    with ctx.write("bundle_scan") as s:
        bundle = own_bundle(s, actor, bundle_id, "扫描其材料")
        theme = bundle_theme(s, bundle)
        now, made = ctx.now(), 0
        for case in s.execute(select(Case).options(selectinload(Case.materials))
                              .where(Case.bundle_id == bundle_id).order_by(Case.case_no)).scalars():
            for row in case.materials:
                if theme.paper_key(row.name) == paper_key:
                    attach_scan(s, case, scan, actor.staff_id, now, row.id, row.name)
                    made += 1
        if not made:
            raise ValidationError(f"papers.{paper_key}", "该“一件事”的事项均不需要这份材料")
        return made


def scannable_papers(ctx: AppContext, actor: Actor, bundle_id: str) -> list[tuple[str, str]]:
    """(key, name) of the merged list's papers the applicant hands over, in the list's order."""
    require(actor, Action.VIEW_CASES)
    with ctx.read() as s:
        bundle = s.get(Bundle, bundle_id)
        if bundle is None:
            raise NotFound("一件事办件不存在")
        return [(p.key, p.name) for p in bundle_theme(s, bundle).papers if not p.from_part]
