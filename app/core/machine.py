"""Which computer this is: a database enrolled on one machine and opened on another issues no numbers.

A disk image or data directory copied to a second workstation carries the original's device code
and epoch; both machines would then make identical case numbers offline. Enrolment records a
fingerprint of the machine (a hash of the OS's own machine id, never the id itself); numbering
refuses when the database is opened elsewhere, until the administrator enrols it again.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.errors import AppError
from db.models import Setting

log = logging.getLogger(__name__)
MACHINE_ENV = "ONEWINDOW_MACHINE_ID"  # tests simulate a second machine; IT may pin an id on odd hardware
MACHINE_KEY = "sync.machine"  # the Setting holding the fingerprint recorded at enrolment
MOVED_MESSAGE = ("本机数据来自另一台电脑（复制的磁盘或数据目录），与登记时的电脑不符。为避免两台电脑出具相同的"
                 "办件编号和文书编号，本机已暂停编号。请先点“立即同步”送出复制来的操作，再请大厅管理员提供新的登记码，"
                 "在“同步”页重新登记本机。")


def fingerprint() -> str:
    """This machine's fingerprint, or "" when the OS offers no stable id (then nothing is compared)."""
    raw = os.environ.get(MACHINE_ENV, "").strip() or _platform_id()
    if not raw:
        return ""
    # Hashed with our own prefix: machine-id(5) asks applications not to expose the raw id.
    return hashlib.sha256(f"OneWindow machine {raw}".encode()).hexdigest()[:32]


@functools.cache
def _platform_id() -> str:
    if sys.platform == "win32":
        return _windows_machine_guid()
    if sys.platform == "darwin":
        return _mac_platform_uuid()
    for path in (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id")):
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text:
            return text
    log.warning("no machine id on this system: a copied data directory cannot be told from the original")
    return ""


def _windows_machine_guid() -> str:
    try:
        import winreg

        flags = winreg.KEY_READ | winreg.KEY_WOW64_64KEY  # the 64-bit view, also from a 32-bit build
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography", 0, flags) as key:
            return str(winreg.QueryValueEx(key, "MachineGuid")[0])
    except OSError:
        return ""


def _mac_platform_uuid() -> str:
    try:
        out = subprocess.run(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"], capture_output=True, text=True,
                             timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    for line in out.splitlines():
        if "IOPlatformUUID" in line:
            return line.split("=")[-1].strip().strip('"')
    return ""


def recorded(session: Session) -> str:
    row = session.get(Setting, MACHINE_KEY)
    return row.value if row is not None else ""


def moved(session: Session) -> bool:
    """Whether this database was enrolled on another machine than the one it is open on now."""
    here, there = fingerprint(), recorded(session)
    return bool(here and there and here != there)


def check_same_machine(session: Session) -> None:
    """Called before a case, document or certificate number is taken (in its transaction)."""
    if moved(session):
        raise AppError("moved_machine", MOVED_MESSAGE)
