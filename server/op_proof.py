"""Whether an op really comes from the person it names, at the device that pushed it.

Each member of staff has an Ed25519 key per workstation, made at their sign-in there; the public half
is registered here when they sign in online at that device (`register_key`, from an authenticated
login). An op is applied only if its signature verifies against a key that person registered for the
pushing device: a clerk holding the device secret and her own token can neither name another person
(she has no key of theirs) nor reuse a signature (it covers op id, entity, action, payload, actor,
device and time). Then the handlers check role, window, custody and delegation from our own records.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.sync.protocol import Op, OpResult, parse_ts, signing_message
from server.models import Device, Staff, StaffKey


def _raw_key(public_key: str) -> bytes | None:
    try:
        raw = base64.b64decode(public_key.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if len(raw) == 32 else None


def register_key(session: Session, device: Device, username: str, public_key: str, now: datetime) -> bool:
    """Record the signed-in person's public key for this device; False if it is not a valid key."""
    if not public_key:
        return True  # an older workstation: nothing to register, its ops will be refused as unsigned
    if _raw_key(public_key) is None:
        return False
    held = session.execute(select(StaffKey.id).where(StaffKey.device_id == device.id, StaffKey.username == username,
                                                     StaffKey.public_key == public_key)).first()
    if held is None:
        session.add(StaffKey(device_id=device.id, username=username, public_key=public_key, registered_at=now))
    return True


class KeyCache:
    """The keys of one push, loaded once per (device, person): a batch names the same few people."""

    def __init__(self, session: Session, device: Device) -> None:
        self.session, self.device = session, device
        self._keys: dict[str, list[Ed25519PublicKey]] = {}

    def of(self, username: str) -> list[Ed25519PublicKey]:
        if username not in self._keys:
            rows = self.session.execute(select(StaffKey.public_key).where(
                StaffKey.device_id == self.device.id, StaffKey.username == username)).scalars()
            self._keys[username] = [Ed25519PublicKey.from_public_bytes(raw) for raw in map(_raw_key, rows)
                                    if raw is not None]
        return self._keys[username]


def refusal(session: Session, keys: KeyCache, op: Op) -> OpResult | None:
    """None when the op is proven to be its actor's, an active member of staff who may act at this device."""
    def no(code: str, reason: str) -> OpResult:
        return OpResult(op.op_id, op.device_seq, "rejected", code, reason)

    actor = session.get(Staff, op.actor) if op.actor else None
    if actor is None or not actor.active:
        return no("unknown_actor", f"操作人“{op.actor}”不是在职工作人员，中心服务器不接受该操作")
    if actor.role != "admin" and actor.window_code != keys.device.window_code:
        return no("unknown_actor", f"操作人“{op.actor}”不是本窗口的工作人员")
    if not op.signature:
        return no("unsigned", "该操作没有操作人的签名，中心服务器不接受。请操作人本人在本机登录后重新办理，"
                              "或联系大厅管理员")
    try:
        signature = base64.b64decode(op.signature.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        signature = b""
    # Ops made before the workstation was enrolled were signed without a device id.
    devices = [keys.device.id]
    if parse_ts(op.created_at) < keys.device.enrolled_at:
        devices.append("")
    for key in keys.of(actor.username):
        for device_id in devices:
            try:
                key.verify(signature, signing_message(op, device_id))
            except InvalidSignature:
                continue
            return None
    if not keys.of(actor.username):
        return no("no_key", f"“{actor.name}”尚未在本机登录中心服务器，其签名密钥未登记。"
                            "请其本人在本机登录中心服务器后再同步")
    return no("bad_signature", f"操作签名与“{actor.name}”在本机登记的密钥不符，中心服务器不接受该操作")
