"""Hall-wide figures for a day, and the daily reconciliation a workstation checks its outbox against."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import HallFigures, Reconciliation, WindowFigures, op_ids_digest, parse_day
from server.cases import OPEN_STATES
from server.config import local_day
from server.models import AppliedOp, Case, Device, Window


def hall_figures(session: Session, day: date) -> HallFigures:
    """Per window: received, accepted, notified, refused and decided that day; open and overdue now."""
    windows = {w.code: WindowFigures(w.code, f"{w.number} {w.name}")
               for w in session.execute(select(Window).order_by(Window.number)).scalars()}
    for case in session.execute(select(Case)).scalars():
        fig = windows.get(case.window_code)
        if fig is None:
            continue
        record = json.loads(case.record_json)
        if case.received_at and local_day(case.received_at) == day:
            fig.received += 1
            fig.notified += record.get("state") == "notified"
            fig.refused += record.get("state") == "refused"
        if case.accepted_at and local_day(case.accepted_at) == day:
            fig.accepted += 1
        if case.decided_at and local_day(case.decided_at) == day:
            fig.decided += 1
            limit = parse_day(record.get("promised_deadline")) or parse_day(record.get("legal_deadline"))
            fig.decided_on_time += limit is None or local_day(case.decided_at) <= limit
        if case.state in OPEN_STATES:
            fig.open += 1
            limit = parse_day(record.get("legal_deadline"))
            fig.overdue += limit is not None and limit < day
    totals = WindowFigures("", "合计")
    for fig in windows.values():
        for key in ("received", "accepted", "notified", "refused", "decided", "decided_on_time", "open", "overdue"):
            setattr(totals, key, getattr(totals, key) + getattr(fig, key))
    return HallFigures(day.isoformat(), list(windows.values()), totals)


def reconciliation(session: Session, device: Device, day: date) -> Reconciliation:
    rows = list(session.execute(select(AppliedOp.op_id, AppliedOp.status).where(
        AppliedOp.device_id == device.id, AppliedOp.local_day == day)))
    return Reconciliation(day.isoformat(), device.id, len(rows), sum(1 for r in rows if r.status == "rejected"),
                          op_ids_digest(r.op_id for r in rows), device.mark, device.epoch)
