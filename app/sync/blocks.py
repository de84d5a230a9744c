"""Certificate-number blocks leased from the server: asked for when a prefix runs low, recorded once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.sync.client import SyncClient
from app.sync.protocol import BlockRequest, parse_ts
from db.models import NumberBlock

LEASE_SIZE = 200


def apply_leases(session: Session, leases: Sequence[dict[str, Any]], now: datetime) -> int:
    """Record leases this workstation does not hold yet (e.g. after a reinstall); returns how many were new."""
    from app.certificates.numbers import add_leased_block

    added = 0
    for lease in leases:
        held = session.execute(select(NumberBlock.id).where(
            NumberBlock.certificate_type_code == lease["certificate_type_code"],
            NumberBlock.prefix == lease["prefix"], NumberBlock.first == lease["first"],
            NumberBlock.last == lease["last"])).first()
        if held is None:
            add_leased_block(session, lease["certificate_type_code"], lease["prefix"], int(lease["first"]),
                             int(lease["last"]), int(lease["width"]), "server",
                             parse_ts(lease["leased_at"]) if lease.get("leased_at") else now)
            added += 1
    return added


def lease_low(ctx: AppContext, client: SyncClient, mark: Callable[[Session], Session]) -> int:
    """Ask the server for a new block for every prefix running low (this year's included)."""
    try:
        from app.certificates.kinds import all_types
        from app.certificates.numbers import add_leased_block, blocks_running_low
    except ImportError:
        return 0
    low = blocks_running_low(ctx)
    if not low:
        return 0
    with ctx.read() as s:
        widths = {t.code: t.number.width for t in all_types(s)}
    leased = 0
    for need in low:
        if need.type_code not in widths:
            continue
        lease = client.lease_block(BlockRequest(need.type_code, need.prefix, widths[need.type_code], LEASE_SIZE))
        with ctx.write() as s:
            add_leased_block(mark(s), lease.certificate_type_code, lease.prefix, lease.first, lease.last,
                             lease.width, "server", parse_ts(lease.leased_at))
        leased += 1
    return leased
