"""收件 for a 一件事 and the five-working-day rule (行政许可法 art. 32) for the whole bundle: received Friday
2026-11-20, the notice is due Friday 11-27 (five working days, counted by hand on the 2026 calendar); examined in
time it is accepted (clocks from the day of receipt) or told once for all parts; not examined, the housekeeping
sweep deems every part accepted from 11-20 on Monday 11-30 with one 受理通知书 — and the single-case sweep leaves
the parts alone."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from bundle_kit import REGISTRATION, application, parts_of, pdf_text, theme
from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import select

from app.bundles.bundle_intake import PaperInput
from app.bundles.bundle_receipt import decide_received_bundle, receive_bundle, sweep_deemed_bundles
from app.bundles.bundle_supplement import supplement_bundle
from app.core.context import AppContext
from app.core.errors import AppError
from app.intake.outcomes import decide_received, sweep_deemed_acceptance
from db.models import Bundle, Document

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
PREMISES = "经营场所使用相关文件"
DUE = date(2026, 11, 27)


def _received(ctx: AppContext) -> str:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    result = receive_bundle(ctx, clerk(ctx), application(ctx))
    assert result.state == "received" and len(result.document_ids) == 1
    cases = parts_of(ctx, result.bundle_id)
    assert {c.state for c in cases.values()} == {"received"} and {c.notice_due for c in cases.values()} == {DUE}
    with ctx.read() as s:
        receipt = s.get(Document, result.document_ids[0])
    assert receipt is not None and receipt.kind == "receipt"
    assert "2026年11月27日" in pdf_text(ctx.data.root / receipt.path)
    return result.bundle_id


def _state(ctx: AppContext, bundle_id: str) -> str:
    with ctx.read() as s:
        return s.get(Bundle, bundle_id).state  # type: ignore[union-attr]


def _papers(ctx: AppContext, missing: str = "") -> tuple[PaperInput, ...]:
    return tuple(PaperInput(p.key, "missing") if p.key == missing else PaperInput(p.key, "received", True, p.copies)
                 for p in theme(ctx).papers if not p.from_part and not p.for_agent)


def test_examined_in_time_and_accepted_from_the_day_of_receipt(ctx: AppContext) -> None:
    bundle_id = _received(ctx)
    part = parts_of(ctx, bundle_id)[REGISTRATION]
    with pytest.raises(AppError) as err:  # the case desk's 审查 of one part: the bundle decides as one
        decide_received(ctx, clerk(ctx), part.id, "accept")
    assert err.value.code == "bundle_part"
    set_clock(ctx, at_local(2026, 11, 24, 10, 0))
    result = decide_received_bundle(ctx, clerk(ctx), bundle_id, "accept", _papers(ctx))
    assert result.state == "open" and _state(ctx, bundle_id) == "open"
    cases = parts_of(ctx, bundle_id)
    assert {c.state for c in cases.values()} == {"accepted"} and not any(c.deemed_accepted for c in cases.values())
    assert cases[REGISTRATION].clock_start == date(2026, 11, 20)
    assert all(c.clock_start is None for code, c in cases.items() if code != REGISTRATION)  # wait for the 前置


def test_told_once_for_every_part_then_supplemented(ctx: AppContext) -> None:
    bundle_id = _received(ctx)
    set_clock(ctx, at_local(2026, 11, 25, 10, 0))
    with pytest.raises(AppError) as err:
        decide_received_bundle(ctx, clerk(ctx), bundle_id, "accept", _papers(ctx, PREMISES))
    assert err.value.code == "incomplete" and _state(ctx, bundle_id) == "received"
    told = decide_received_bundle(ctx, clerk(ctx), bundle_id, "notify", _papers(ctx, PREMISES))
    assert told.state == "notified" and len(told.document_ids) == 1
    assert {c.state for c in parts_of(ctx, bundle_id).values()} == {"notified"}
    copies = next(p.copies for p in theme(ctx).papers if p.key == PREMISES)
    done = supplement_bundle(ctx, clerk(ctx), bundle_id, (PaperInput(PREMISES, "received", True, copies),))
    assert done.state == "open"


def test_not_examined_in_five_working_days_every_part_is_deemed_accepted(ctx: AppContext) -> None:
    bundle_id = _received(ctx)
    set_clock(ctx, at_local(2026, 11, 27, 17, 0))  # the last day: not yet
    assert sweep_deemed_bundles(ctx).done == ()
    set_clock(ctx, at_local(2026, 11, 30, 8, 30))  # Monday after
    assert sweep_deemed_acceptance(ctx).done == ()  # the single-case sweep leaves the parts to the bundle
    swept = sweep_deemed_bundles(ctx)
    assert len(swept.done) == 1 and not swept.failed and _state(ctx, bundle_id) == "open"
    cases = parts_of(ctx, bundle_id)
    assert all(c.state == "accepted" and c.deemed_accepted and c.accepted_at == c.received_at
               for c in cases.values())
    assert cases[REGISTRATION].clock_start == date(2026, 11, 20)
    with ctx.read() as s:
        notices = s.execute(select(Document.path).where(Document.case_id.in_([c.id for c in cases.values()]),
                                                        Document.kind == "acceptance_notice")).scalars().all()
    assert len(notices) == 1
    assert "视为受理" in pdf_text(ctx.data.root / notices[0])  # the notice says how it came about
    with pytest.raises(AppError) as late:  # examined after all: too late, and said so
        decide_received_bundle(ctx, clerk(ctx), bundle_id, "accept", _papers(ctx))
    assert late.value.code == "bad_state"
    assert sweep_deemed_bundles(ctx).done == ()  # once


def test_examined_too_late_the_law_has_already_accepted(ctx: AppContext) -> None:
    bundle_id = _received(ctx)
    set_clock(ctx, at_local(2026, 12, 1, 9, 0))
    with pytest.raises(AppError) as err:
        decide_received_bundle(ctx, clerk(ctx), bundle_id, "notify", _papers(ctx, PREMISES))
    assert err.value.code == "deemed_accepted" and _state(ctx, bundle_id) == "open"
    assert all(c.deemed_accepted for c in parts_of(ctx, bundle_id).values())
