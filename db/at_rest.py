"""A plain SQLite file turned into a SQLCipher 4 one in place, safe against a crash at any point.

The plain file stays untouched until an encrypted copy is complete, checked table by table, flushed
to disk and renamed over it in one step: a crash before the rename leaves the plain database (the
next start begins again), one after it the encrypted one. The plain original is the backup for the
few seconds this takes; no plain backup is written, since it would keep the data in clear beside the
encrypted file (docs/decisions.md, #19).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from db.engine import connect_encrypted
from db.migrate import fsync_dir

PLAIN_HEADER = b"SQLite format 3\x00"


class EncryptionCheckFailed(Exception):
    """The encrypted copy does not hold what the plain file holds; the plain file is kept."""


def is_plain(path: Path) -> bool:
    """Whether `path` is a plain SQLite file (a missing or empty file is neither plain nor encrypted)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def _counts(conn: sqlite3.Connection | object) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(  # type: ignore[attr-defined]
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[attr-defined]


def _no_checkpoint(_name: str) -> None:
    pass


def encrypt_in_place(path: Path, key: bytes, checkpoint: Callable[[str], None] = _no_checkpoint) -> bool:
    """Encrypt the plain database at `path` under `key`; False when it was not plain (nothing done)."""
    if not is_plain(path):
        return False
    import sqlcipher3

    partial = path.with_name(path.name + ".encrypting")
    for stale in (partial, partial.with_name(partial.name + "-journal")):
        stale.unlink(missing_ok=True)
    plain = sqlcipher3.connect(str(path))  # no key: SQLCipher reads a plain file as SQLite does
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything committed is in the main file
        before = _counts(plain)
        literal = f"x'{key.hex()}'"
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"{literal}\"", (str(partial),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    checkpoint("encrypt.copied")
    copy = connect_encrypted(partial, key)
    try:
        after = _counts(copy)
    finally:
        copy.close()
    if after != before:
        partial.unlink(missing_ok=True)
        raise EncryptionCheckFailed(f"encrypted copy differs: {before} != {after}")
    with open(partial, "rb+") as fh:
        os.fsync(fh.fileno())
    checkpoint("encrypt.checked")
    for side in ("-wal", "-shm"):  # empty after the checkpoint; a plain WAL must not meet the encrypted file
        path.with_name(path.name + side).unlink(missing_ok=True)
    os.replace(partial, path)
    fsync_dir(path.parent)
    checkpoint("encrypt.replaced")
    return True
