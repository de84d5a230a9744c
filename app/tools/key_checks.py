"""`onewindow doctor`: which keys this workstation holds — the recovery key's hand-over and the staff's signing keys.

The recovery key must have reached the hall administrator (shown once at enrolment, app.station.
recovery_handover): until then a lost disk means lost backups, so a production workstation fails the line.
Signing keys (#16) are listed per person with whether the server holds the public half; one not yet
registered holds that person's ops until they sign in online here, which is worth a warning, not a failure.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from app.core import data_keys, secret_store
from app.core.context import to_local
from app.core.paths import DataDir
from app.station.recovery import WRAPPED, peek_recovery_key
from app.tools.doctor import Check
from app.tools.privacy_checks import reading
from db.at_rest import is_plain
from db.models import AuditEntry, SigningKey

RECOVERY = "恢复密钥 / recovery key"
SIGNING = "签名密钥 / signing keys"


def check_recovery_key(data: DataDir, demo: bool) -> Check:
    required = not demo
    if not data_keys.key_ids(data.root) or not data.database.exists() or is_plain(data.database):
        return Check(RECOVERY, required, demo, "数据未加密，没有恢复密钥" if demo else "数据未加密（见上一行）")
    if not (data.root / WRAPPED).exists():
        return Check(RECOVERY, required, False, f"缺少 {WRAPPED}：本机损坏后备份无法在别处打开",
                     "重新启动程序（会生成恢复密钥）后重新运行 doctor")
    try:
        waiting = peek_recovery_key(data) is not None
    except secret_store.SecretStoreUnavailable as exc:
        return Check(RECOVERY, required, False, exc.message)
    if waiting:
        return Check(RECOVERY, required, False, "恢复密钥尚未交大厅管理员（仍在本机密钥库中）",
                     "登记本机时会显示并可打印；已登记的，运行 onewindow recovery-key，抄写后交大厅管理员")
    with reading(data) as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "recovery_key_handed_over")
                          .order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    if entry is None:  # handed over by `onewindow recovery-key`, which keeps no record
        return Check(RECOVERY, required, True, "已交出，本机不再保存")
    how = "打印恢复密钥单" if json.loads(entry.detail_json).get("printed") else "抄写"
    return Check(RECOVERY, required, True, f"{to_local(entry.at):%Y-%m-%d %H:%M} 已交大厅管理员（{how}），本机不再保存")


def check_signing_keys(data: DataDir) -> Check:
    with reading(data) as s:
        rows = s.execute(select(SigningKey.username, SigningKey.registered_at).order_by(SigningKey.username)).all()
    if not rows:
        return Check(SIGNING, False, True, "本机还没有人员签名密钥（首次登录时生成）")
    waiting = [u for u, at in rows if at is None]
    listed = "、".join(f"{u}（{'已在中心服务器登记' if at else '未登记'}）" for u, at in rows)
    return Check(SIGNING, False, not waiting, f"{len(rows)} 人：{listed}",
                 "未登记的人员请在本机联网登录一次（同步 → 登录中心服务器），其操作才能送达" if waiting else "")


def key_checks(root: Path, demo: bool) -> list[Check]:
    data = DataDir(root)
    try:
        return [check_recovery_key(data, demo), check_signing_keys(data)]
    except Exception as exc:  # noqa: BLE001 — any failure here is the answer, not a crash
        return [Check(RECOVERY, not demo, False, f"无法检查：{exc}")]
