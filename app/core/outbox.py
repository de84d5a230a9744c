"""Every state change leaves an outbox entry in the same transaction; sync sends them in order."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import ValidationError
from app.core.text_rules import value_problem
from db.models import OutboxOp, Setting

SCHEMA_VERSION = 1


def current_epoch(session: Session) -> int:
    row = session.get(Setting, "epoch")
    return int(row.value) if row else 0


def enqueue(session: Session, entity: str, entity_id: str, op: str, payload: dict[str, Any],
            at: datetime) -> OutboxOp:
    """Append one op; device_seq comes from SQLite AUTOINCREMENT and is never reused.

    The last net of the text rule the server applies: a payload it would refuse raises here, inside the
    use case's transaction, so nothing is committed and no number is issued (the forms check first).
    """
    problem = value_problem(payload)
    if problem is not None:
        raise ValidationError(problem[0], f"“{problem[0]}”{problem[1]}，中心服务器不会接收，请更正后重试")
    entry = OutboxOp(op_id=str(uuid.uuid4()), epoch=current_epoch(session), entity=entity, entity_id=entity_id,
                     op=op, payload_json=json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
                     schema_version=SCHEMA_VERSION, created_at=at, state="pending")
    session.add(entry)
    session.flush()
    # Signed by the actor just before the transaction commits, once the case and its documents are final.
    session.info.setdefault("new_ops", []).append(entry)
    return entry


def pending_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(OutboxOp).where(OutboxOp.state == "pending")).scalar_one()
