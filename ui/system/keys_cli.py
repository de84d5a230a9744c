"""`onewindow recovery-key` (print the recovery key, once) and `onewindow restore BACKUP` (put a backup back)."""

from __future__ import annotations

from pathlib import Path

from app.core.errors import AppError
from app.core.paths import DataDir
from app.station.recovery import restore, take_recovery_key


def run_recovery_key(root: Path) -> int:
    try:
        key = take_recovery_key(DataDir(root))
    except AppError as exc:
        print(f"错误：{exc.message}")
        return 1
    if key is None:
        print("恢复密钥已打印过（只显示一次），或本数据目录未加密。遗失时请在本机重新备份并联系信息管理员。")
        return 1
    print("本工作站数据的恢复密钥（只显示这一次，请抄写或打印后交大厅管理员保管，不要存放在本机）：")
    print(f"    {key}")
    return 0


def run_restore(root: Path, backup: Path, recovery_key: str | None) -> int:
    """Restore while the program is closed; the next start checks and opens the restored database."""
    try:
        print(restore(DataDir(root), backup, recovery_key))
    except AppError as exc:
        print(f"错误：{exc.message}")
        return 1
    from app.core import audit
    from app.station.bootstrap import open_data_dir

    ctx = open_data_dir(root)
    try:
        with ctx.write() as s:
            audit.record(s, None, "database_restored", backup.name, {"recovery_key": recovery_key is not None})
    finally:
        ctx.dispose()
    return 0
