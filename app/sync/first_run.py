"""A new workstation's first run: enrol it before anyone can sign in, online or from a set-up file.

A fresh data directory has no accounts, so nobody can sign in to use 同步 → 登记本机. Here the
administrator's one-time code is the authority (the server checks it, spends it and binds the device
to its window); so this path is open only while the workstation has no accounts and no enrolment.
The hall's reference data (staff with their password hashes, catalog, calendar) comes down with the
device credential right after enrolling, or from the set-up file for an offline install.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.core import audit
from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from app.sync import settings as keys
from app.sync.client import ServerUnavailable, SyncClient
from app.sync.credentials import CredentialStore
from app.sync.engine import apply_reference, fetch_reference, mark
from app.sync.enrolment import clean_url, client_for, complete_pending, enrol_as
from db.models import Staff

SETUP_FORMAT = "onewindow-setup"
SETUP_REFERENCES = ("hall", "catalog", "calendar", "certificate-types")


@dataclass(frozen=True)
class FirstRun:
    enrolment: keys.Enrolment | None  # None: the set-up file was imported, the server not reached yet
    accounts: int  # staff who can now sign in here
    message: str


@dataclass(frozen=True)
class SetupFile:
    server_url: str
    code: str
    window_code: str
    expires_at: str
    reference: dict[str, Any]


def needs_setup(ctx: AppContext) -> bool:
    """No one can sign in here and the workstation is not enrolled: show how to enrol, not a login."""
    with ctx.read() as s:
        return keys.enrolment(s) is None and _accounts(s) == 0


def _accounts(session: Any) -> int:
    return session.execute(select(func.count()).select_from(Staff).where(
        Staff.active.is_(True), Staff.password_hash != "")).scalar_one()


def _check_fresh(ctx: AppContext) -> None:
    with ctx.read() as s:
        if keys.enrolment(s) is not None:
            raise AppError("already_enrolled", "本机已登记到中心服务器")
        if _accounts(s):
            raise AppError("has_accounts", "本机已有人员账号：请登录后在“同步”页用“登记本机…”登记")


def enrol_workstation(ctx: AppContext, server_url: str, code: str, workstation_name: str,
                      store: CredentialStore, client: SyncClient | None = None) -> FirstRun:
    """Enrol online with the code, then fetch the hall's reference data so its staff can sign in."""
    _check_fresh(ctx)
    enrolled = enrol_as(ctx, None, server_url, code, workstation_name, store, client)
    own = client or client_for(ctx, store, None)
    try:
        fetch_reference(ctx, own)
    finally:
        if client is None:
            own.close()
    with ctx.read() as s:
        count = _accounts(s)
    return FirstRun(enrolled, count, f"本机已登记（设备编码 {enrolled.device_code}，窗口 {enrolled.window_code}），"
                                     f"可登录的人员 {count} 名")


def read_setup_file(path: Path) -> SetupFile:
    """The administrator's `onewindow-server setup-file` output, checked before anything is written."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError("setup_file", f"无法读取设置文件 {path.name}：{exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != SETUP_FORMAT or doc.get("version") != 1:
        raise ValidationError("setup_file", f"{path.name} 不是 OneWindow 工作站设置文件")
    ref = doc.get("reference")
    if not isinstance(ref, dict) or not isinstance(ref.get("hall"), dict) or not ref["hall"].get("hall"):
        raise ValidationError("setup_file", "设置文件缺少大厅数据，请让大厅管理员重新导出")
    if not str(doc.get("code", "")).strip():
        raise ValidationError("setup_file", "设置文件缺少登记码，请让大厅管理员重新导出")
    return SetupFile(clean_url(str(doc.get("server_url", ""))), str(doc["code"]).strip(),
                     str(doc.get("window_code", "")), str(doc.get("expires_at", "")), ref)


def enrol_from_file(ctx: AppContext, path: Path, workstation_name: str, store: CredentialStore,
                    client: SyncClient | None = None) -> FirstRun:
    """Import the hall's data (sign-in works at once), then enrol now or, offline, at the first sync."""
    _check_fresh(ctx)
    setup = read_setup_file(path)
    with ctx.write() as s:
        for name in SETUP_REFERENCES:
            if isinstance(setup.reference.get(name), dict):
                apply_reference(mark(s), name, setup.reference[name], ctx.now())
        keys.put(s, keys.PENDING_CODE, setup.code)
        keys.put(s, keys.PENDING_NAME, workstation_name)
        keys.put(s, keys.SERVER_URL, setup.server_url)
        audit.record(s, None, "setup_file_imported", path.name,
                     {"server": setup.server_url, "window": setup.window_code}, at=ctx.now())
        count = _accounts(s)
    try:
        enrolled = complete_pending(ctx, store, client)
    except ServerUnavailable:
        return FirstRun(None, count, f"已导入大厅数据（可登录的人员 {count} 名）；中心服务器 {setup.server_url} "
                                     "暂时连不上，联网后第一次同步时自动登记本机")
    assert enrolled is not None
    return FirstRun(enrolled, count, f"本机已登记（设备编码 {enrolled.device_code}，窗口 {enrolled.window_code}），"
                                     f"可登录的人员 {count} 名")

