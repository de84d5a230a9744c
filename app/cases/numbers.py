"""Case numbers made at the workstation, offline: device (4) + date (8) + epoch (1) + counter (5).

Digits only, an even count: Code128 set C prints them half as wide (DESIGN §3). The counter
is kept per day and epoch, so a clock set back to an earlier day continues that day's
sequence instead of repeating it. A restored backup gets a new epoch before it numbers anything
(app/sync/rollback_guard.py, or the server's answer at the first sync); a cloned disk numbers nothing
until it is enrolled again under its own device code (app/core/machine.py).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import AppError
from app.core.machine import check_same_machine
from app.core.outbox import current_epoch
from db.models import Case, CaseCounter

MAX_PER_DAY = 99_999


def next_case_no(session: Session, device_code: str, today: date) -> str:
    if len(device_code) != 4 or not device_code.isdigit():
        raise AppError("bad_device_code", f"本机设备编码“{device_code}”无效（应为 4 位数字），请重新登记本机")
    check_same_machine(session)  # a copied disk would make the original's numbers
    epoch = current_epoch(session) % 10
    counter = session.get(CaseCounter, (today, epoch))
    if counter is None:
        counter = CaseCounter(day=today, epoch=epoch, next_value=1)
        session.add(counter)
    value = counter.next_value
    # A number this database already holds (pulled back from the server after a restore) is skipped.
    while session.execute(select(Case.id).where(Case.case_no == _number(device_code, today, epoch, value))
                          ).first() is not None:
        value += 1
    if value > MAX_PER_DAY:
        raise AppError("counter_full", "本机今日受理编号已用完，请联系信息管理员")
    counter.next_value = value + 1
    session.flush()
    return _number(device_code, today, epoch, value)


def _number(device_code: str, day: date, epoch: int, value: int) -> str:
    return f"{device_code}{day:%Y%m%d}{epoch}{value:05d}"
