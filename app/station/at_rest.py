"""Protecting a production data directory at rest: keys made, the database, backups and files encrypted.

A production workstation (not the demo) on a machine with an OS secret store gets its keys the first
time it starts (app.core.data_keys); a directory from an earlier release is then encrypted in place:
the database (db.at_rest, crash-safe), each older backup, and every stored document and scan
(app.core.sealed_files). `SEALED_MARK` is written when all of it is done, so a start cut off half-way
does the remaining steps again (each is idempotent). A machine without a secret store stays plain and
`onewindow doctor` fails it for production.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from app.core import data_keys, secret_store
from app.core.faults import fault_point
from app.core.paths import DataDir
from app.core.sealed_files import seal_existing
from app.station.recovery import ensure_wrapped
from db.at_rest import encrypt_in_place, is_plain

log = logging.getLogger(__name__)

SEALED_MARK = data_keys.SEALED_MARK


@dataclass(frozen=True)
class AtRest:
    """What protects a directory: its database key (None: plain) and what this start encrypted."""

    key: bytes | None
    encrypted_now: tuple[str, ...] = ()


def protect(data: DataDir, *, demo: bool) -> AtRest:
    """The database key for opening `data`, after encrypting whatever is still plain."""
    if not data_keys.protected(data.root):
        if demo:
            return AtRest(None)
        if not secret_store.available():
            log.warning("no OS secret store: the data directory %s stays unencrypted", data.root)
            return AtRest(None)
        data_keys.ensure_key_ids(data.root)
    key = data_keys.key(data.root, data_keys.DATABASE)
    assert key is not None
    ensure_wrapped(data)  # before anything is encrypted: a key that cannot be recovered is never used
    if (data.root / SEALED_MARK).exists():
        return AtRest(key)
    done: list[str] = []
    if encrypt_in_place(data.database, key, fault_point):
        done.append("数据库")
    for backup in sorted(data.backups.glob("*.sqlite")):
        if is_plain(backup) and encrypt_in_place(backup, key):
            done.append(f"备份 {backup.name}")
    fault_point("encrypt.backups_done")
    sealed = seal_existing(data.root, data.documents) + seal_existing(data.root, data.attachments)
    if sealed:
        done.append(f"{sealed} 个文书与附件文件")
    mark = data.root / SEALED_MARK
    with open(mark, "w", encoding="utf-8") as fh:
        fh.write("encrypted at rest\n")
        fh.flush()
        os.fsync(fh.fileno())
    return AtRest(key, tuple(done))
