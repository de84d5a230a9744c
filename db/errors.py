"""Database errors sorted into the known ones a clerk can act on, and bugs."""

from __future__ import annotations

import sqlite3

import sqlcipher3
from sqlalchemy.exc import DBAPIError

# An encrypted workstation database raises sqlcipher3's own (same-coded) errors, not sqlite3's.
DRIVER_ERRORS = (sqlite3.Error, sqlcipher3.dbapi2.Error)


class StorageError(Exception):
    """A known database problem; `code` is stable, `message` is for the clerk (Chinese)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# SQLite extended result codes (sqlite3.h); Python exposes them as sqlite_errorcode.
_KNOWN: dict[int, tuple[str, str]] = {
    13: ("disk_full", "磁盘空间已满，数据未保存。请清理磁盘后重试，本次操作未生效。"),
    5: ("locked", "数据库正被其他程序占用，请稍后重试。"),
    6: ("locked", "数据库被锁定，请稍后重试。"),
    11: ("corrupt", "数据库文件已损坏。请联系信息管理员，用最近的备份恢复。"),
    26: ("not_a_database", "数据文件不是有效的数据库。请联系信息管理员。"),
    8: ("readonly", "数据库为只读，无法保存。请检查数据目录的写入权限。"),
    10: ("io_error", "读写数据文件出错（可能磁盘故障或已满），本次操作未生效。"),
    14: ("cant_open", "无法打开数据库文件，请检查数据目录。"),
}


def classify(exc: BaseException) -> StorageError | None:
    """The known StorageError behind `exc`, or None when it is a bug."""
    if isinstance(exc, StorageError):
        return None
    inner = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(inner, DRIVER_ERRORS):
        return None
    primary = getattr(inner, "sqlite_errorcode", 0) & 0xFF
    known = _KNOWN.get(primary)
    if known is None:
        text = str(inner).lower()
        if "disk is full" in text or "database or disk is full" in text:
            known = _KNOWN[13]
        elif "locked" in text:
            known = _KNOWN[5]
        elif "malformed" in text:
            known = _KNOWN[11]
        else:
            return None
    return StorageError(*known)
