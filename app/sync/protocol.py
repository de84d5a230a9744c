"""The sync protocol: wire types, JSON (de)serialisation and shared rules — stdlib only, imported by the server.

Conventions on the wire (version PROTOCOL_VERSION):
- Instants are ISO 8601 UTC strings ending in "Z" (`ts`, `parse_ts`); days are "YYYY-MM-DD".
- References are codes, never a database's integer ids: window code ("W01"), department code,
  username, item code, seal code. The server's ids and the workstation's ids differ.
- A device authenticates with the DEVICE_HEADER / SECRET_HEADER pair it got at enrolment; a member
  of staff with `Authorization: Bearer <token>` from POST /v1/login.

Case ops (entity "case") carry the case as the workstation saw it after the change ("state" is the
state it moved to) plus, where the workstation knows it, "from_state" (the state it moved from: the
server refuses the op when its own state differs — two workstations cannot both act on one case).
Certificate ops (entity "certificate"): "issue" / "reissue" {number, type_code, type_name, case_id,
holder_name, issued_on, valid_from, valid_to} and "void" {number, void_reason}; seal ops (entity "seal",
key the seal code): "status" {from, to, reason, at}. Other entities are recorded by the server as they are.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

PROTOCOL_VERSION = 1
API = "/v1"
DEVICE_HEADER = "X-OneWindow-Device"
SECRET_HEADER = "X-OneWindow-Secret"
MAX_PUSH_BATCH = 100
MAX_PULL_PAGE = 500
MAX_CLOCK_SKEW = timedelta(minutes=5)
REFERENCE_NAMES = ("hall", "catalog", "calendar", "certificate-types", "number-blocks")
OP_STATUSES = ("applied", "duplicate", "rejected")
CASE_STATES = ("received", "notified", "accepted", "refused", "closed_unanswered", "under_review", "suspended",
               "awaiting_signoff", "forwarded", "approved", "denied", "certificate_issued", "delivered",
               "withdrawn", "stopped")

T = TypeVar("T")


class ProtocolError(ValueError):
    """A message that does not follow the protocol (a field missing or of the wrong type)."""


# --- time ----------------------------------------------------------------------------------------

def ts(at: datetime) -> str:
    """A naive-UTC (or aware) instant as the wire's ISO 8601 UTC text."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


def parse_ts(text: str) -> datetime:
    """Wire text back to naive UTC (an explicit offset is honoured; no zone means UTC)."""
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError) as exc:
        raise ProtocolError(f"not an instant: {text!r}") from exc
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def parse_day(text: str | None) -> date | None:
    if text in (None, ""):
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError as exc:
        raise ProtocolError(f"not a day: {text!r}") from exc


# --- messages ------------------------------------------------------------------------------------

@dataclass
class ErrorBody:
    code: str
    message: str


@dataclass
class Health:
    status: str
    server_time: str
    protocol: int
    hall_code: str


@dataclass
class EnrolRequest:
    code: str
    workstation_name: str = ""


@dataclass
class EnrolResponse:
    device_id: str
    device_code: str  # four digits: the first part of every case number made at the workstation
    device_secret: str
    window_code: str
    hall_code: str
    epoch: int


@dataclass
class LoginRequest:
    username: str
    password: str
    # The person's Ed25519 public key for this device (base64 of the 32 raw bytes): registered on success.
    public_key: str = ""


@dataclass
class LoginResponse:
    token: str
    expires_at: str
    username: str
    role: str


@dataclass
class Op:
    """One outbox entry as pushed."""

    op_id: str
    device_seq: int
    epoch: int
    entity: str
    entity_id: str
    op: str
    created_at: str
    actor: str  # username of who did it
    payload: dict[str, Any]
    schema_version: int = 1
    # Ed25519 by the actor's key for this device over `signing_message` (base64); "" = unsigned (refused).
    signature: str = ""


@dataclass
class AuditHead:
    """The last row of a workstation's audit chain: the server keeps it, so rewriting up to it is detected."""

    entry_id: int
    hash: str


@dataclass
class AuditAnchors:
    """GET /v1/audit-anchor: the heads the server kept for this device (the last of each day, and the last)."""

    anchors: list[AuditHead]


@dataclass
class PushRequest:
    epoch: int
    ops: list[Op]
    # The highest device_seq the device has ever handed out. Below a seq the server already holds
    # from it, the device's database went back in time (restored, cloned) even with nothing to push.
    top_seq: int | None = None
    audit_head: AuditHead | None = None  # sent with every push (GET /v1/audit-anchor gives it back)


@dataclass
class OpResult:
    op_id: str
    device_seq: int
    status: str  # applied | duplicate | rejected
    code: str = ""
    reason: str = ""  # Chinese, for the clerk, when rejected
    record: dict[str, Any] | None = None  # the server's record of the entity after the op (or as it stands)


@dataclass
class PushResponse:
    epoch: int
    mark: int  # highest contiguous device_seq the server holds in this epoch
    results: list[OpResult]


@dataclass
class PushRefusal:
    """409: new_epoch (device went back in time), seq_gap (send from expected_seq), epoch_mismatch."""

    code: str
    message: str
    epoch: int
    expected_seq: int  # seq_gap: the seq the server expects next
    next_seq: int  # new_epoch / epoch_mismatch: number pending ops from here on
    results: list[OpResult] = field(default_factory=list)  # ops of the batch handled before the refusal


@dataclass
class Change:
    seq: int
    kind: str  # case | seal | delegations
    key: str
    data: dict[str, Any]


@dataclass
class ChangePage:
    changes: list[Change]
    cursor: int
    more: bool


@dataclass
class BlockRequest:
    certificate_type_code: str
    prefix: str
    width: int
    count: int


@dataclass
class NumberBlockLease:
    id: str
    certificate_type_code: str
    prefix: str
    first: int
    last: int
    width: int
    leased_at: str


@dataclass
class WindowFigures:
    window_code: str
    window_name: str
    received: int = 0
    accepted: int = 0
    notified: int = 0
    refused: int = 0
    decided: int = 0
    decided_on_time: int = 0
    open: int = 0
    overdue: int = 0


@dataclass
class HallFigures:
    day: str
    windows: list[WindowFigures]
    totals: WindowFigures


@dataclass
class Reconciliation:
    """What the server holds from one device for ops made on one (hall-local) day."""

    day: str
    device_id: str
    ops: int
    rejected: int
    op_ids_sha256: str
    mark: int
    epoch: int


# --- (de)serialisation ---------------------------------------------------------------------------

def to_wire(obj: Any) -> Any:
    """A protocol dataclass (or list/dict of them) as plain JSON data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_wire(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [to_wire(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_wire(v) for k, v in obj.items()}
    return obj


def _convert(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if tp is Any:
        return value
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, where)
    if origin is list:
        if not isinstance(value, list):
            raise ProtocolError(f"{where}: expected a list")
        (inner,) = typing.get_args(tp)
        return [_convert(inner, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ProtocolError(f"{where}: expected an object")
        return dict(value)
    if dataclasses.is_dataclass(tp):
        return from_wire(tp, value, where)
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tp is str and isinstance(value, str):
        return value
    if tp is bool and isinstance(value, bool):
        return value
    raise ProtocolError(f"{where}: expected {getattr(tp, '__name__', tp)}, got {type(value).__name__}")


def from_wire(cls: type[T], data: Any, where: str = "") -> T:
    """Plain JSON data as a protocol dataclass; unknown keys are ignored (newer servers may add some)."""
    if not isinstance(data, dict):
        raise ProtocolError(f"{where or cls.__name__}: expected an object")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name], f"{where or cls.__name__}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ProtocolError(f"{where or cls.__name__}: missing {f.name}")
    return cls(**kwargs)


# --- shared rules ---------------------------------------------------------------------------------

def signing_message(op: Op, device_id: str) -> bytes:
    """What an op's signature covers: everything that says who did what to which record, and when.

    Not device_seq or epoch: a device renumbers pending ops in a new epoch, after they were signed.
    ASCII-escaped canonical JSON, so a lone surrogate in a payload is signed and verified the same.
    """
    body = {"op_id": op.op_id, "entity": op.entity, "entity_id": op.entity_id, "op": op.op,
            "created_at": op.created_at, "actor": op.actor, "device": device_id, "payload": op.payload}
    return b"onewindow-op-v1\n" + json.dumps(body, ensure_ascii=True, sort_keys=True,
                                              separators=(",", ":"), allow_nan=False).encode()


def op_ids_digest(op_ids: typing.Iterable[str]) -> str:
    """SHA-256 over the sorted op ids: equal on both sides exactly when the sets are equal."""
    return hashlib.sha256("\n".join(sorted(op_ids)).encode()).hexdigest()


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    workday: bool
    kind: str  # workday | weekend | holiday | makeup
    name: str | None


def expand_schedule(doc: dict[str, Any]) -> list[ScheduleDay]:
    """One year's official schedule (holiday periods + 调休 working days) as every day of that year.

    {"year": 2027, "holidays": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"}, …],
     "makeup_workdays": [{"name": "春节", "day": "2027-02-20"}, …]}
    """
    try:
        year = int(doc["year"])
        if not 2000 <= year <= 2100:
            raise ProtocolError(f"year out of range: {year}")
        off: dict[date, str] = {}
        for h in doc.get("holidays", []):
            first, last = parse_day(h["first"]), parse_day(h["last"])
            name = str(h["name"]).strip()
            if first is None or last is None or last < first or (last - first).days > 31 or not name:
                raise ProtocolError(f"bad holiday period: {h!r}")
            d = first
            while d <= last:
                if d.year != year:
                    raise ProtocolError(f"{d} is not in {year}")
                off[d] = name
                d += timedelta(days=1)
        makeup: dict[date, str] = {}
        for m in doc.get("makeup_workdays", []):
            d = parse_day(m["day"])
            if d is None or d.year != year or d.weekday() < 5 or d in off:
                raise ProtocolError(f"a make-up working day must be a weekend day of {year} outside holidays: {m!r}")
            makeup[d] = str(m.get("name", "")).strip() or "调休"
    except (KeyError, TypeError) as exc:
        raise ProtocolError(f"bad schedule document: {exc}") from exc
    out = []
    d = date(year, 1, 1)
    while d.year == year:
        if d in off:
            out.append(ScheduleDay(d, False, "holiday", off[d]))
        elif d in makeup:
            out.append(ScheduleDay(d, True, "makeup", makeup[d]))
        elif d.weekday() >= 5:
            out.append(ScheduleDay(d, False, "weekend", None))
        else:
            out.append(ScheduleDay(d, True, "workday", None))
        d += timedelta(days=1)
    return out
