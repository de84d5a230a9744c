"""The recovery key handed to the hall administrator once, right after this workstation is enrolled.

Enrolment is the moment someone the hall trusts stands at a new workstation (the administrator's one-time
code is the authority), so that is when the key goes onto paper: shown on screen with the instruction to
hand it over and a 打印 button for a one-page 恢复密钥单 (app.documents.recovery_sheet, made in memory, never
stored). When the dialog is closed the key is deleted from the OS secret store, as `onewindow recovery-key`
does; the audit log records who was shown it and whether it was printed (never the key itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.core import audit, data_keys
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.documents.recovery_sheet import RecoverySheet, render
from app.reference.hall import hall_info
from app.station.recovery import discard_recovery_key, peek_recovery_key
from app.sync import status
from db.models import Window

VIA = ("first_run", "sync_page", "command_line")


@dataclass(frozen=True)
class Handover:
    """What the screen and the sheet show; `key` is in groups of four for copying by hand."""

    sheet: RecoverySheet

    @property
    def key(self) -> str:
        return self.sheet.key

    def pdf(self) -> bytes:
        return render(self.sheet)


def _may(actor: Actor | None) -> None:
    # None: the first run, before anyone can sign in — the enrolment code was the authority there.
    if actor is not None:
        require(actor, Action.SYNC)


def pending_handover(ctx: AppContext, actor: Actor | None, workstation: str = "") -> Handover | None:
    """The recovery key still waiting to be handed over, with what its sheet prints; None when there is none
    (a plain demo directory, or the key was handed over before)."""
    _may(actor)
    key = peek_recovery_key(ctx.data)
    if key is None:
        return None
    summary = status.summary(ctx)
    with ctx.read() as s:
        window = s.execute(select(Window.number, Window.name).where(Window.code == summary.window_code)).first()
    place = f"{window.number} {window.name}" if window else summary.window_code
    key_id = data_keys.key_ids(ctx.data.root).get(data_keys.DATABASE, "")
    return Handover(RecoverySheet(key=key, hall_name=hall_info(ctx).name, window=place,
                                  device_code=summary.device_code, workstation=workstation.strip(), key_id=key_id,
                                  made_on=ctx.today()))


def finish_handover(ctx: AppContext, actor: Actor | None, *, printed: bool, via: str) -> None:
    """The key is with the administrator: record it, then delete it from this machine's secret store.

    Deleted after the audit entry commits: a crash in between leaves the key waiting (it can be shown again),
    never gone without a record.
    """
    _may(actor)
    if via not in VIA:
        raise ValueError(f"unknown hand-over path {via!r}")
    key_id = data_keys.key_ids(ctx.data.root).get(data_keys.DATABASE, "")
    with ctx.write("recovery_handover") as s:
        audit.record(s, actor.staff_id if actor else None, "recovery_key_handed_over", key_id,
                     {"printed": printed, "via": via}, at=ctx.now())
    discard_recovery_key(ctx.data)
