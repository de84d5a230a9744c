"""Who is calling: an enrolled device (id + secret) and, for case data, a member of staff (bearer token)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.sync.protocol import EnrolRequest, EnrolResponse, LoginRequest, LoginResponse, ts
from server.models import Device, EnrolmentCode, Hall, Staff, StaffToken
from server.op_proof import register_key
from server.security import digest, new_secret, normalise_code, password_ok, same_digest

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
FIRST_DEVICE_CODE = 2  # 0001 is the un-enrolled demo workstation's own: never handed out


class ApiError(Exception):
    """An HTTP error with a stable code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


@dataclass(frozen=True)
class Caller:
    device: Device
    staff: Staff | None


def device_of(session: Session, device_id: str | None, secret: str | None, now: datetime) -> Device:
    if not device_id or not secret or len(device_id) > 36 or "\x00" in device_id:
        raise ApiError(401, "no_device", "请求缺少设备凭据（本机需先登记）")
    device = session.get(Device, device_id)
    if device is None or not device.active or not same_digest(secret, device.secret_sha256):
        raise ApiError(401, "bad_device", "设备凭据无效或已停用，请重新登记本机")
    device.last_seen = now
    return device


def staff_of(session: Session, device: Device, bearer: str | None, now: datetime) -> Staff:
    token = (bearer or "").removeprefix("Bearer ").strip()
    if not token:
        raise ApiError(401, "no_token", "请先登录中心服务器")
    row = session.get(StaffToken, digest(token))
    if row is None or row.expires_at <= now or row.device_id != device.id:
        raise ApiError(401, "bad_token", "登录已过期，请重新登录中心服务器")
    staff = session.get(Staff, row.username)
    if staff is None or not staff.active:
        raise ApiError(401, "bad_token", "账号已停用")
    return staff


def enrol(session: Session, body: EnrolRequest, now: datetime) -> EnrolResponse:
    """One-time code → device id, 4-digit device code and secret (the secret is shown this once)."""
    code = session.get(EnrolmentCode, digest(normalise_code(body.code)))
    if code is None or code.used_at is not None or code.expires_at <= now:
        raise ApiError(403, "bad_code", "登记码无效、已使用或已过期，请向大厅管理员重新申请")
    top = session.execute(select(func.max(Device.code))).scalar_one()
    number = max(FIRST_DEVICE_CODE, int(top) + 1 if top else 0)
    if number > 9999:
        raise ApiError(409, "no_device_codes", "设备编码已用完")
    secret = new_secret()
    device = Device(id=str(uuid.uuid4()), code=f"{number:04d}", window_code=code.window_code,
                    name=body.workstation_name.replace("\x00", "")[:100], secret_sha256=digest(secret),
                    enrolled_at=now, epoch=0, mark=0, epoch_open=False, max_seq=0)
    session.add(device)
    code.used_at, code.device_id = now, device.id
    hall = session.execute(select(Hall.code)).scalar_one_or_none() or ""
    session.flush()
    return EnrolResponse(device.id, device.code, secret, device.window_code, hall, device.epoch)


def login(session: Session, device: Device, body: LoginRequest, now: datetime,
          ttl: timedelta) -> LoginResponse | ApiError:
    """A token for this person at this device; a failure is returned (so its count is committed)."""
    staff = session.get(Staff, body.username.strip()) if "\x00" not in body.username else None
    if staff is None or not staff.active:
        return ApiError(401, "bad_login", "用户名或密码错误")
    if staff.locked_until and staff.locked_until > now:
        return ApiError(423, "locked", "密码错误次数过多，账号已锁定，请稍后再试")
    if not password_ok(staff.password_hash, body.password):
        staff.failed_logins += 1
        if staff.failed_logins >= MAX_FAILURES:
            staff.locked_until, staff.failed_logins = now + LOCKOUT, 0
        return ApiError(401, "bad_login", "用户名或密码错误")
    staff.failed_logins, staff.locked_until = 0, None
    if staff.role != "admin" and staff.window_code != device.window_code:
        return ApiError(403, "wrong_window", "该人员不属于本机登记的窗口")
    if not register_key(session, device, staff.username, body.public_key, now):
        return ApiError(422, "bad_key", "签名公钥格式不正确")
    token = new_secret()
    session.add(StaffToken(token_sha256=digest(token), username=staff.username, device_id=device.id,
                           expires_at=now + ttl))
    return LoginResponse(token, ts(now + ttl), staff.username, staff.role)
