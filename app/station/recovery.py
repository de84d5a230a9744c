"""The recovery key: the hall administrator's way back into a backup when the workstation is gone.

When a directory's keys are made, a random recovery key wraps them (AES-256-GCM) into `keys.recovery`,
kept beside the database and in backups/ (useless without the recovery key, which is never on disk).
The recovery key itself waits in the OS secret store until it is handed over, once, for the administrator
to keep on paper — right after enrolment (app.station.recovery_handover) or by `onewindow recovery-key`;
then it is deleted. A backup restores with this workstation's
own keys, or on any machine with the recovery key (`onewindow restore BACKUP [--recovery-key …]`).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
from pathlib import Path

from app.core import data_keys, secret_store
from app.core.errors import AppError, ValidationError
from app.core.paths import DataDir
from app.core.sealed_files import seal, unseal
from db.at_rest import is_plain
from db.engine import connect_encrypted

WRAPPED = "keys.recovery"


def _pending_name(ids: dict[str, str]) -> str:
    return "recovery-" + ids[data_keys.DATABASE].removeprefix("db-")


def format_key(raw: bytes) -> str:
    """Base32 in groups of four, easy to copy from paper (no 0/1/8 confusion: RFC 4648 alphabet)."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_key(text: str) -> bytes:
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except ValueError as exc:
        raise ValidationError("recovery_key", "恢复密钥格式不对，请按纸上的字母与数字逐组输入") from exc
    if len(raw) != 32:
        raise ValidationError("recovery_key", "恢复密钥长度不对，请核对是否漏抄一组")
    return raw


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def ensure_wrapped(data: DataDir) -> None:
    """Once per directory: make the recovery key, wrap the keys with it, keep it until it is printed."""
    ids = data_keys.key_ids(data.root)
    if not ids or (data.root / WRAPPED).exists():
        return
    recovery = secrets.token_bytes(32)
    keys = {which: base64.b64encode(data_keys.key(data.root, which) or b"").decode("ascii") for which in ids}
    blob = seal(recovery, json.dumps({"ids": ids, "keys": keys}).encode("utf-8"))
    secret_store.put_key(_pending_name(ids), recovery)
    _write(data.backups / WRAPPED, blob)
    _write(data.root / WRAPPED, blob)


def peek_recovery_key(data: DataDir) -> str | None:
    """The recovery key still waiting to be handed over, left in the store (None: handed over, or plain)."""
    ids = data_keys.key_ids(data.root)
    if not ids:
        return None
    raw = secret_store.get_key(_pending_name(ids))
    return None if raw is None else format_key(raw)


def discard_recovery_key(data: DataDir) -> None:
    """Forget the recovery key here once the administrator has it: from then on only the paper opens a backup."""
    ids = data_keys.key_ids(data.root)
    if ids:
        secret_store.delete_key(_pending_name(ids))


def take_recovery_key(data: DataDir) -> str | None:
    """The recovery key for printing, once (None when it was printed before)."""
    key = peek_recovery_key(data)
    if key is not None:
        discard_recovery_key(data)
    return key


def restore(data: DataDir, backup: Path, recovery_key: str | None = None) -> str:
    """Put `backup` back as the workstation database (the program must not be running).

    Without a recovery key it must open with this workstation's own database key; with one, the
    wrapped keys beside the backup are unwrapped and installed in this machine's secret store.
    Returns a sentence for the administrator.
    """
    if is_plain(backup):
        raise ValidationError("backup", "该备份未加密，不是本程序生产环境的备份")
    if recovery_key is None:
        key = data_keys.key(data.root, data_keys.DATABASE)
        if key is None:
            raise ValidationError("recovery_key", "本机没有该数据目录的密钥，请输入大厅管理员保存的恢复密钥")
    else:
        wrapped = next((p for p in (backup.parent / WRAPPED, data.root / WRAPPED) if p.exists()), None)
        if wrapped is None:
            raise ValidationError("backup", f"备份旁没有 {WRAPPED}，无法用恢复密钥打开")
        try:
            record = json.loads(unseal(parse_key(recovery_key), wrapped.read_bytes(), "恢复密钥文件"))
        except AppError as exc:
            raise ValidationError("recovery_key", "恢复密钥不正确") from exc
        for which, name in record["ids"].items():
            secret_store.put_key(name, base64.b64decode(record["keys"][which]))
        _write(data.root / data_keys.KEYS_FILE, json.dumps(record["ids"]).encode("utf-8"))
        if wrapped.parent != data.root:
            shutil.copyfile(wrapped, data.root / WRAPPED)
        data_keys.forget(data.root)
        key = base64.b64decode(record["keys"][data_keys.DATABASE])
    conn = connect_encrypted(backup, key)
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except Exception as exc:  # noqa: BLE001 — a wrong key reads as "not a database"
        raise ValidationError("backup", "该备份无法用本机密钥打开：它来自另一台工作站，请输入恢复密钥") from exc
    finally:
        conn.close()
    if not ok:
        raise ValidationError("backup", "该备份已损坏，请选择另一份")
    tmp = data.database.with_name(data.database.name + ".restoring")
    shutil.copyfile(backup, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    for side in ("-wal", "-shm"):
        data.database.with_name(data.database.name + side).unlink(missing_ok=True)
    os.replace(tmp, data.database)
    (data.root / data_keys.SEALED_MARK).write_text("encrypted at rest\n", encoding="utf-8")
    return f"已从 {backup.name} 恢复数据库"
