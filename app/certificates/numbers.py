"""Certificate numbers taken in order from blocks leased in advance, and what became of every one.

A certificate number follows its type's national format, so it cannot carry a device code the way
case numbers do. Uniqueness across the hall comes from the server instead: it leases each
workstation disjoint blocks (prefix + serial range) ahead of time, so numbers are made offline.
Every number taken is recorded (used, later perhaps voided); numbers given back are recorded as
returned, so the server can account for each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.certificates.kinds import CertType, all_types
from app.core import audit
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound, ValidationError
from app.core.machine import check_same_machine
from db.base import utcnow
from db.models import CertificateNumber, Hall, NumberBlock

LOW_WATER = 50  # fewer numbers left than this for a prefix: ask the server for another block
STATUS_LABELS = {"used": "已使用", "voided": "已作废", "returned": "已交回（未使用）"}


@dataclass(frozen=True)
class BlockInfo:
    id: str
    type_code: str
    prefix: str
    first: int
    last: int
    next_value: int
    width: int
    source: str
    leased_at: datetime

    @property
    def remaining(self) -> int:
        return max(0, self.last - self.next_value + 1)


@dataclass(frozen=True)
class LowStock:
    """A prefix that needs a new block: what the sync engine asks the server for."""

    type_code: str
    prefix: str
    remaining: int


@dataclass(frozen=True)
class BlockReport:
    """One block's account: every number in it is used, voided, returned or still unused."""

    block: BlockInfo
    used: int
    voided: int
    returned: int
    unused: int
    voided_numbers: tuple[tuple[str, str], ...]  # (number, reason)


def _info(b: NumberBlock) -> BlockInfo:
    return BlockInfo(b.id, b.certificate_type_code, b.prefix, b.first, b.last, b.next_value, b.width, b.source,
                     b.leased_at)


def region_code(session: Session) -> str:
    hall = session.execute(select(Hall)).scalar_one_or_none()
    if hall is None or not hall.region_code:
        raise AppError("no_hall", "尚未载入大厅数据（行政区划代码），不能编号")
    return hall.region_code


def add_leased_block(session: Session, type_code: str, prefix: str, first: int, last: int, width: int,
                     source: str = "server", at: datetime | None = None) -> BlockInfo:
    """Record a block leased to this workstation (called by the sync engine in its own transaction)."""
    if not (0 < first <= last < 10**width):
        raise ValidationError("block", f"号段 {first}–{last} 与 {width} 位顺序号不符")
    overlap = session.execute(select(NumberBlock).where(
        NumberBlock.certificate_type_code == type_code, NumberBlock.prefix == prefix,
        NumberBlock.first <= last, NumberBlock.last >= first)).scalars().first()
    if overlap is not None:
        raise AppError("block_overlap", f"号段 {prefix} {first}–{last} 与已有号段 {overlap.first}–{overlap.last} 重叠")
    row = NumberBlock(certificate_type_code=type_code, prefix=prefix, first=first, last=last, next_value=first,
                      width=width, source=source, leased_at=at or utcnow())
    session.add(row)
    session.flush()
    return _info(row)


def _demo_block(session: Session, ctype: CertType, prefix: str, device: str, at: datetime) -> NumberBlock:
    """The demo's stand-in for a lease: a block per device code, so two demo workstations never collide."""
    size = ctype.number.demo_block_size
    first = (int(device) - 1) * size + 1 if device.isdigit() and int(device) > 0 else 1
    last = min(first + size - 1, 10**ctype.number.width - 1)
    info = add_leased_block(session, ctype.code, prefix, first, last, ctype.number.width, "demo", at)
    return session.get(NumberBlock, info.id)  # type: ignore[return-value]


def take_number(session: Session, ctype: CertType, prefix: str, *, at: datetime, demo: bool,
                device: str) -> tuple[str, str]:
    """The next number of this prefix (oldest block first): (number, block id). Not yet recorded."""
    check_same_machine(session)  # a copied disk would take numbers from the original's blocks
    block = session.execute(select(NumberBlock).where(
        NumberBlock.certificate_type_code == ctype.code, NumberBlock.prefix == prefix,
        NumberBlock.next_value <= NumberBlock.last).order_by(NumberBlock.leased_at, NumberBlock.first)
    ).scalars().first()
    if block is None and demo:
        block = _demo_block(session, ctype, prefix, device, at)
    if block is None:
        raise AppError("no_numbers", f"{ctype.name}编号（{prefix}…）已无可用号段。请联网同步，向中心服务器领取新号段。")
    value = block.next_value
    block.next_value = value + 1
    session.flush()
    return ctype.number.compose(prefix, value, block.width), block.id


def record_number(session: Session, number: str, block_id: str, certificate_id: str, at: datetime) -> None:
    session.add(CertificateNumber(number=number, block_id=block_id, status="used", certificate_id=certificate_id,
                                  at=at))
    session.flush()


def mark_voided(session: Session, number: str, reason: str, at: datetime) -> None:
    row = session.get(CertificateNumber, number)
    if row is not None:
        row.status, row.reason, row.at = "voided", reason, at


def return_unused(ctx: AppContext, actor: Actor, block_id: str, reason: str) -> int:
    """Give back what is left of a block (e.g. a past year's prefix): each number recorded as returned."""
    require(actor, Action.VOID_CERTIFICATE)  # giving numbers back is voiding them unused
    if not reason.strip():
        raise ValidationError("reason", "请填写交回原因")
    with ctx.write("return_numbers") as s:
        block = s.get(NumberBlock, block_id)
        if block is None:
            raise NotFound("号段不存在")
        ctype = next((t for t in all_types(s) if t.code == block.certificate_type_code), None)
        if ctype is None:
            raise AppError("no_certificate_type", f"证照类型 {block.certificate_type_code} 未配置")
        now = ctx.now()
        count = 0
        for value in range(block.next_value, block.last + 1):
            s.add(CertificateNumber(number=ctype.number.compose(block.prefix, value, block.width), block_id=block.id,
                                    status="returned", at=now, reason=reason.strip()))
            count += 1
        block.next_value = block.last + 1
        audit.record(s, actor.staff_id, "return_numbers", f"{block.prefix} {block.first}-{block.last}",
                     {"count": count, "reason": reason.strip()}, at=now)
        return count


def blocks_running_low(ctx: AppContext, threshold: int = LOW_WATER) -> list[LowStock]:
    """Prefixes with fewer than `threshold` numbers left, including this year's prefixes with no block at all."""
    with ctx.read() as s:
        remaining: dict[tuple[str, str], int] = {}
        for b in s.execute(select(NumberBlock)).scalars():
            key = (b.certificate_type_code, b.prefix)
            remaining[key] = remaining.get(key, 0) + max(0, b.last - b.next_value + 1)
        hall = s.execute(select(Hall)).scalar_one_or_none()
        if hall is not None:
            for t in all_types(s):
                for prefix in t.number.all_prefixes(ctx.today().year, hall.region_code):
                    remaining.setdefault((t.code, prefix), 0)
    return [LowStock(code, prefix, left) for (code, prefix), left in sorted(remaining.items()) if left < threshold]


def number_report(ctx: AppContext) -> list[BlockReport]:
    """Every block with its numbers accounted for (for the server and the hall's records)."""
    out = []
    with ctx.read() as s:
        blocks = s.execute(select(NumberBlock).order_by(NumberBlock.certificate_type_code, NumberBlock.prefix,
                                                        NumberBlock.first)).scalars().all()
        for b in blocks:
            counts = dict(s.execute(select(CertificateNumber.status, func.count()).where(
                CertificateNumber.block_id == b.id).group_by(CertificateNumber.status)).all())
            voided = s.execute(select(CertificateNumber.number, CertificateNumber.reason).where(
                CertificateNumber.block_id == b.id, CertificateNumber.status == "voided")
                .order_by(CertificateNumber.number)).all()
            out.append(BlockReport(_info(b), counts.get("used", 0), counts.get("voided", 0),
                                   counts.get("returned", 0), max(0, b.last - b.next_value + 1),
                                   tuple((n, r) for n, r in voided)))
    return out
