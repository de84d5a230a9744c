"""Enrolling this workstation with an administrator's one-time code, and signing staff in to the server."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.core import audit, machine, op_keys
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, ValidationError
from app.core.outbox import pending_count
from app.sync import op_signing
from app.sync import settings as keys
from app.sync.client import DeviceCredential, SyncClient, plain_http_refused
from app.sync.credentials import CredentialStore
from app.sync.protocol import LoginResponse
from db.models import OutboxOp


def clean_url(url: str) -> str:
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValidationError("server_url", "中心服务器地址应形如 https://服务器名")
    refused = plain_http_refused(url)
    if refused:
        raise ValidationError("server_url", refused)
    return url


def enrolled(session: Session) -> bool:
    """Whether this workstation is enrolled with a central server (so anything synced is held there)."""
    return keys.enrolment(session) is not None


def enrol(ctx: AppContext, actor: Actor, server_url: str, code: str, workstation_name: str,
          store: CredentialStore, client: SyncClient | None = None) -> keys.Enrolment:
    """Trade the one-time code for this workstation's device id, device code and secret (secret → keyring).

    A database copied from another machine (machine.moved) is enrolled again the same way: it gets
    its own device code, so its case numbers can no longer be the original's. So is a workstation whose
    device secret the keyring lost (another system account, a reset keyring): without it the old device
    can never sync again, and its own pending ops go up under the new one.
    """
    require(actor, Action.SYNC)
    return enrol_as(ctx, actor.staff_id, server_url, code, workstation_name, store, client)


def enrol_as(ctx: AppContext, staff_id: int | None, server_url: str, code: str, workstation_name: str,
             store: CredentialStore, client: SyncClient | None = None) -> keys.Enrolment:
    """The enrolment itself, once the caller has established who may do it (staff_id None: the first run)."""
    url = clean_url(server_url)
    if not code.strip():
        raise ValidationError("code", "请输入大厅管理员给出的登记码")
    with ctx.read() as s:
        known = keys.enrolment(s)
        moved, pending = machine.moved(s), pending_count(s)
    lost = known is not None and not moved and not store.device_secret(known.device_id)
    if known is not None and not moved and not lost:
        raise AppError("already_enrolled", f"本机已登记到中心服务器（设备编码 {known.device_code}）")
    if known is not None and moved and pending:
        # A copied database's pending ops are the original machine's: sent under its identity (a repeat
        # from the original is then a harmless duplicate), never again under a second device.
        raise AppError("inherited_ops", f"本机还有 {pending} 条从原电脑复制来的操作未送达中心服务器。请先点“立即同步”"
                                        "（以原设备身份送出），全部送达后再重新登记。")
    if not store.persistent and not store.demo:
        # Checked before the server spends the one-time code: a secret that cannot be kept would
        # leave this workstation unable to sync after its next restart (and the code wasted).
        raise AppError("no_keyring", "本机没有可用的系统钥匙串，不能登记：登记凭据无法安全保存。请先运行 onewindow doctor，"
                                     "按提示配置钥匙串（Linux：scripts/install-system-deps.sh）后再登记。")
    own = client or SyncClient(url)
    try:
        answer = own.enrol(code.strip(), workstation_name.strip())
    finally:
        if client is None:
            own.close()
    store.set_device_secret(answer.device_id, answer.device_secret)
    with ctx.write() as s:
        for key, value in ((keys.DEVICE_ID, answer.device_id), (keys.DEVICE_CODE, answer.device_code),
                           (keys.SERVER_URL, url), (keys.WINDOW_CODE, answer.window_code),
                           (keys.HALL_CODE, answer.hall_code), (keys.EPOCH, str(answer.epoch)),
                           (keys.CURSOR, "0"), (machine.MACHINE_KEY, machine.fingerprint())):
            keys.put(s, key, value)
        audit.record(s, staff_id, "device_enrolled", answer.device_id,
                     {"device_code": answer.device_code, "window": answer.window_code, "server": url,
                      **({"replaces": known.device_code} if known else {}),
                      **({"reason": "device_secret_lost"} if lost else {})}, at=ctx.now())
        if known is not None and moved:
            # The copied ops were the original device's (acknowledged under it): kept for the record,
            # out of this device's reconciliation and never sent again.
            s.execute(update(OutboxOp).where(OutboxOp.state != "pending").values(state="inherited"))
    if known is not None:  # the copied credential of the original machine has no business here
        store.forget_device(known.device_id)
    return keys.Enrolment(answer.device_id, answer.device_code, url, answer.window_code, answer.hall_code)


def client_for(ctx: AppContext, store: CredentialStore, username: str | None) -> SyncClient:
    """A client with this workstation's device credential (and the member of staff's token, if any)."""
    with ctx.read() as s:
        known = keys.enrolment(s)
    if known is None:
        known = complete_pending(ctx, store)  # an offline install's set-up file: its code is spent now
    if known is None:
        raise AppError("not_enrolled", "本机尚未登记到中心服务器，请大厅管理员提供登记码后在“同步”页登记")
    secret = store.device_secret(known.device_id)
    if not secret:
        raise AppError("no_device_secret", "系统钥匙串中没有本机的设备凭据（可能更换了系统账户），请重新登记本机")
    token = store.token(known.device_id, username, ctx.now()) if username else None
    return SyncClient(known.server_url, DeviceCredential(known.device_id, secret), token)


def complete_pending(ctx: AppContext, store: CredentialStore,
                     client: SyncClient | None = None) -> keys.Enrolment | None:
    """Spend a set-up file's code kept from an offline install; None when there is none."""
    with ctx.read() as s:
        code, name, url = keys.get(s, keys.PENDING_CODE), keys.get(s, keys.PENDING_NAME), keys.get(s, keys.SERVER_URL)
        known = keys.enrolment(s)
    if not code or known is not None:
        return None
    enrolled = enrol_as(ctx, None, url, code, name, store, client)
    with ctx.write() as s:
        keys.put(s, keys.PENDING_CODE, "")  # one-time: it is spent
    return enrolled


def server_login(ctx: AppContext, actor: Actor, password: str, store: CredentialStore,
                 client: SyncClient | None = None) -> LoginResponse:
    """Sign the member of staff in to the server; the token goes to the keyring for background sync."""
    require(actor, Action.SYNC)
    if not password:
        raise ValidationError("password", "请输入密码")
    own = client or client_for(ctx, store, None)
    public_key = op_keys.opened_public_key(ctx, actor.username)
    try:
        answer = own.login(actor.username, password, public_key)
    finally:
        if client is None:
            own.close()
    assert own.device is not None
    store.set_token(own.device.device_id, actor.username, answer.token, answer.expires_at)
    if public_key:  # the server now holds this person's key for this device: their signed ops are accepted
        op_signing.mark_registered(ctx, actor.username, public_key)
    return answer
