"""The audit chain detects a row edited, a row deleted, and rows cut off the end."""

from __future__ import annotations

from sqlalchemy import select, text

from app.core import audit
from app.core.audit import verify_chain
from app.core.auth import login
from app.core.context import AppContext
from app.station.bootstrap import DEMO_PASSWORD
from db.models import AuditEntry


def _fill(ctx: AppContext, n: int) -> None:
    for i in range(n):
        with ctx.write() as s:
            audit.record(s, None, "test", f"t{i}", {"i": i, "名": "王䶮"})


def _report(ctx: AppContext) -> audit.ChainReport:
    with ctx.read() as s:
        return verify_chain(s, ctx.data.audit_head)


def test_intact_chain(ctx: AppContext) -> None:
    _fill(ctx, 5)
    login(ctx, _any_user(ctx), DEMO_PASSWORD)
    r = _report(ctx)
    assert r.ok and r.entries >= 6


def _any_user(ctx: AppContext) -> str:
    with ctx.read() as s:
        return s.execute(text("SELECT username FROM staff LIMIT 1")).scalar_one()


def test_edited_row_detected(ctx: AppContext) -> None:
    _fill(ctx, 5)
    with ctx.write() as s:
        s.execute(text("UPDATE audit_log SET target = 'forged' WHERE id = 3"))
    r = _report(ctx)
    assert not r.ok and r.problem == "edited" and r.at_id == 3


def test_deleted_row_detected(ctx: AppContext) -> None:
    _fill(ctx, 5)
    with ctx.write() as s:
        s.execute(text("DELETE FROM audit_log WHERE id = 2"))
    r = _report(ctx)
    assert not r.ok and r.problem == "deleted" and r.at_id == 2


def test_truncated_end_detected_by_the_sidecar(ctx: AppContext) -> None:
    _fill(ctx, 5)
    with ctx.write() as s:
        last = s.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
        s.execute(text("DELETE FROM audit_log WHERE id > :k"), {"k": last - 2})
    r = _report(ctx)
    assert not r.ok and r.problem == "truncated"


def test_rehashed_forgery_detected_by_the_sidecar(ctx: AppContext) -> None:
    """Someone who edits the last row and recomputes its hash still disagrees with the head file."""
    _fill(ctx, 3)
    with ctx.write() as s:
        last = s.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
        last.target = "forged"
        last.hash = audit._digest(last.prev_hash, last.id, last.at.isoformat(), last.staff_id, last.action,
                                  last.target, last.detail_json)
    with ctx.read() as s:
        # The chain itself is consistent again: only the head kept outside the file can tell.
        assert verify_chain(s, None).ok
    r = _report(ctx)
    assert not r.ok and r.problem == "head_mismatch"


def test_refused_seal_password_is_audited_although_nothing_else_is_kept(ctx: AppContext) -> None:
    """The refusal is rolled back with the use case, but its audit entry is written after the rollback."""
    import pytest
    from ow_testkit import at_local, clerk, complete, item_named, set_clock

    from app.core.errors import AppError
    from app.documents.data import DocKind
    from app.intake.outcomes import accept_case
    from app.seal.sealing import authorise

    set_clock(ctx, at_local(2026, 11, 20))
    actor = clerk(ctx)
    accept_case(ctx, actor, complete(item_named(ctx, "食品经营许可")))
    with pytest.raises(AppError) as err, ctx.write() as s:
        authorise(s, actor, DocKind.APPROVAL, ctx.now(), custodian_password="not-it")
    assert err.value.field == "custodian_password"
    with ctx.read() as s:
        rows = s.execute(select(AuditEntry).where(AuditEntry.action == "seal_password_failed")).scalars().all()
    assert len(rows) == 1 and _report(ctx).ok


def test_chief_seals_with_the_case_windows_seal(ctx: AppContext) -> None:
    """A chief representative signing for another window of the department uses that window's seal;
    a seal of another department's window is never used."""
    import pytest

    from app.core.auth import login
    from app.core.errors import PermissionDenied
    from app.documents.data import DocKind
    from app.seal.sealing import authorise
    from app.station.bootstrap import DEMO_PASSWORD
    from db.models import Department, Seal, Window

    chief = login(ctx, "zhoujianhua", DEMO_PASSWORD)
    with ctx.read() as s:
        own = s.get(Window, chief.window_id)
        sibling = s.execute(select(Window).where(Window.department_id == own.department_id,
                                                 Window.id != own.id)).scalars().first()
        other = s.execute(select(Window).join(Department).where(Window.department_id != own.department_id)
                          ).scalars().first()
        sibling_seal = s.execute(select(Seal.code).where(Seal.window_id == sibling.id)).scalar_one()
    with ctx.write() as s:
        grant = authorise(s, chief, DocKind.APPROVAL, ctx.now(), DEMO_PASSWORD, window_id=sibling.id)
    assert grant.seal.code == sibling_seal
    with pytest.raises(PermissionDenied), ctx.write() as s:
        authorise(s, chief, DocKind.APPROVAL, ctx.now(), DEMO_PASSWORD, window_id=other.id)
