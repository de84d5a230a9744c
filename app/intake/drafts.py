"""The intake form as the clerk left it: saved as they type, so an interruption or a crash loses nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select

from app.core.context import Actor, AppContext
from db.models import IntakeDraft


def save_draft(ctx: AppContext, actor: Actor, payload: dict[str, Any]) -> None:
    """One draft per member of staff, replaced each time."""
    with ctx.write() as s:
        row = s.execute(select(IntakeDraft).where(IntakeDraft.staff_id == actor.staff_id)).scalar_one_or_none()
        if row is None:
            row = IntakeDraft(staff_id=actor.staff_id, payload_json="{}")
            s.add(row)
        row.payload_json = json.dumps(payload, ensure_ascii=False, default=str)
        row.updated_at = ctx.now()


def load_draft(ctx: AppContext, actor: Actor) -> dict[str, Any] | None:
    with ctx.read() as s:
        row = s.execute(select(IntakeDraft).where(IntakeDraft.staff_id == actor.staff_id)).scalar_one_or_none()
        return json.loads(row.payload_json) if row else None


def clear_draft(ctx: AppContext, actor: Actor) -> None:
    with ctx.write() as s:
        s.execute(delete(IntakeDraft).where(IntakeDraft.staff_id == actor.staff_id))
