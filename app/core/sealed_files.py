"""Files kept at rest — documents for reprint, scanned attachments — sealed with AES-256-GCM.

One writer and one reader for every stored file: whoever prints, opens, verifies or uploads a stored
file reads it through `read_stored`, which opens sealed files with the directory's file key and
passes plain ones (the demo, files from before the upgrade) through. The format is
MAGIC ‖ 12-byte nonce ‖ ciphertext‖tag; the magic is the associated data, so a changed header fails too.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core import data_keys
from app.core.errors import AppError
from app.core.files import write_once

MAGIC = b"OWE1"
NONCE = 12


def seal(key: bytes, data: bytes) -> bytes:
    nonce = os.urandom(NONCE)
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, data, MAGIC)


def is_sealed(blob: bytes) -> bool:
    return blob[:len(MAGIC)] == MAGIC


def unseal(key: bytes, blob: bytes, what: str = "文件") -> bytes:
    if not is_sealed(blob):
        raise AppError("not_sealed", f"{what}不是加密文件")
    nonce = blob[len(MAGIC):len(MAGIC) + NONCE]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(MAGIC) + NONCE:], MAGIC)
    except InvalidTag as exc:
        raise AppError("tampered", f"{what}无法用本机密钥解开：密钥不符或文件已被改动") from exc


def write_stored(root: Path, target: Path, data: bytes, what: str) -> None:
    """write_once, sealed with the file key of the data directory at `root` when it has one."""
    key = data_keys.key(root, data_keys.FILES)
    write_once(target, seal(key, data) if key is not None else data, what)


def read_stored(root: Path, path: Path, what: str = "文件") -> bytes:
    """The plain bytes of a stored file (raises OSError when it is missing, like read_bytes)."""
    blob = path.read_bytes()
    if not is_sealed(blob):
        return blob
    key = data_keys.key(root, data_keys.FILES)
    if key is None:
        raise AppError("key_missing", f"{what}已加密，但本数据目录没有文件密钥")
    return unseal(key, blob, what)


def seal_existing(root: Path, folder: Path) -> int:
    """Seal, in place, every plain file under `folder` (the upgrade of a directory made before #19).

    Each file is rewritten through a temporary file and a rename, so a crash leaves it plain or sealed,
    never half; a second run skips the sealed ones. Returns how many were sealed.
    """
    key = data_keys.key(root, data_keys.FILES)
    if key is None or not folder.exists():
        return 0
    done = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".part")):
        blob = path.read_bytes()
        if is_sealed(blob):
            continue
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "wb") as fh:
            fh.write(seal(key, blob))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        done += 1
    return done
