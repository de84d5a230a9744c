"""Case numbers made at the workstation, offline: device (4) + date (8) + epoch (1) + counter (5).

Digits only, an even count: Code128 set C prints them half as wide (DESIGN §3). The counter
is kept per day and epoch, so a clock set back to an earlier day continues that day's
sequence instead of repeating it; a restored backup or cloned disk gets a new epoch from sync.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.errors import AppError
from app.outbox import current_epoch
from db.models import CaseCounter

MAX_PER_DAY = 99_999


def next_case_no(session: Session, device_code: str, today: date) -> str:
    if len(device_code) != 4 or not device_code.isdigit():
        raise AppError("bad_device_code", f"本机设备编码“{device_code}”无效（应为 4 位数字），请重新登记本机")
    epoch = current_epoch(session) % 10
    counter = session.get(CaseCounter, (today, epoch))
    if counter is None:
        counter = CaseCounter(day=today, epoch=epoch, next_value=1)
        session.add(counter)
    value = counter.next_value
    if value > MAX_PER_DAY:
        raise AppError("counter_full", "本机今日受理编号已用完，请联系信息管理员")
    counter.next_value = value + 1
    session.flush()
    return f"{device_code}{today:%Y%m%d}{epoch}{value:05d}"
