"""Building intake inputs for tests from the demo catalog."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.auth import login
from app.core.context import Actor, AppContext
from app.intake.input_checks import ApplicantInput, IntakeInput, MaterialInput
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Item

BEIJING = ZoneInfo("Asia/Shanghai")
# GB 11643's published sample (DOMAIN.md) and a USCC sample from DOMAIN.md.
PERSON_ID = "11010519491231002X"
ORG_USCC = "91350100M000100Y43"


def at_local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A hall-local wall-clock time as the naive UTC instant the context's clock returns."""
    local = datetime(year, month, day, hour, minute, tzinfo=BEIJING)
    return (local - local.utcoffset()).replace(tzinfo=None)  # type: ignore[operator]


def set_clock(ctx: AppContext, when: datetime) -> None:
    ctx.clock = lambda: when


def advance(ctx: AppContext, **delta: float) -> None:
    now = ctx.clock() + timedelta(**delta)
    ctx.clock = lambda: now


def clerk(ctx: AppContext, username: str = "zhangmin") -> Actor:
    return login(ctx, username, DEMO_PASSWORD)


def item_named(ctx: AppContext, name: str) -> Item:
    with ctx.read() as s:
        return s.execute(select(Item).options(selectinload(Item.materials)).where(Item.name == name)).scalar_one()


def person(name: str = "王䶮", id_number: str = PERSON_ID, **kw: str) -> ApplicantInput:
    return ApplicantInput(kind="person", name=name, id_type="resident_id", id_number=id_number,
                          phone=kw.pop("phone", "13800001234"), address=kw.pop("address", "云岫市桂花巷 12 号"), **kw)


def complete(item: Item, applicant: ApplicantInput | None = None,
             overrides: dict[int, MaterialInput] | None = None) -> IntakeInput:
    """Every material received, originals checked, unless overridden by seq."""
    mats = []
    for m in item.materials:
        given = (overrides or {}).get(m.seq)
        mats.append(given if given is not None else MaterialInput(m.id, "received", True, m.copies))
    return IntakeInput(item.id, applicant or person(), tuple(mats))


def with_status(item: Item, seq: int, status: str, defect: str = "", **kw: object) -> dict[int, MaterialInput]:
    m = next(x for x in item.materials if x.seq == seq)
    return {seq: MaterialInput(m.id, status, False, 0, defect, **kw)}  # type: ignore[arg-type]
