"""Which keys protect a data directory at rest: key *ids* in `keys.json`, the keys in the OS secret store.

A data directory is protected when `keys.json` names a database key and a file key; the keys themselves
are made and kept by app.core.secret_store, so a copied disk or backup holds ciphertext and two names.
The ids carry a random part so that two data directories on one machine (a test, the demo beside the
real one) never share a key. The demo stays plain unless asked (a developer may open it with sqlite3);
`onewindow doctor` says which a directory is.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from app.core import secret_store
from app.core.errors import AppError

KEYS_FILE = "keys.json"
DATABASE = "database"
FILES = "files"
SEALED_MARK = "at-rest.done"  # written once everything of a directory is encrypted (app.station.at_rest)

_cache: dict[tuple[str, str], bytes] = {}


def key_ids(root: Path) -> dict[str, str]:
    """The key ids recorded for the data directory at `root` ({} for a plain one)."""
    path = root / KEYS_FILE
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AppError("keys_file", f"密钥标识文件 {path} 无法读取，请联系信息管理员。") from exc
    return {k: str(v) for k, v in loaded.items() if k in (DATABASE, FILES)}


def protected(root: Path) -> bool:
    return bool(key_ids(root))


def ensure_key_ids(root: Path) -> dict[str, str]:
    """Record (once, durably) the ids of this directory's keys and make the keys in the secret store.

    The keys exist before the ids file names them, so a crash in between leaves at worst an unused key.
    Raises SecretStoreUnavailable on a machine without a secret store.
    """
    ids = key_ids(root)
    if ids:
        return ids
    tag = secrets.token_hex(6)
    ids = {DATABASE: f"db-{tag}", FILES: f"files-{tag}"}
    for name in ids.values():
        secret_store.key_for(name)
    tmp = root / (KEYS_FILE + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(ids, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / KEYS_FILE)
    return ids


def key(root: Path, which: str) -> bytes | None:
    """The database or file key of the directory at `root`; None when the directory is plain."""
    name = key_ids(root).get(which)
    if name is None:
        return None
    cached = _cache.get((str(root.resolve()), name))
    if cached is not None:
        return cached
    found = secret_store.get_key(name)
    if found is None:
        raise AppError("key_missing", f"本机系统密钥库中没有本数据目录的密钥（{name}）。数据只能在原工作站上，"
                                      "或由大厅管理员用恢复密钥（onewindow restore）打开。")
    _cache[(str(root.resolve()), name)] = found
    return found


def forget(root: Path) -> None:
    """Drop the cached keys of `root` (after a restore re-keys it, or in tests that swap keyrings)."""
    prefix = str(root.resolve())
    for k in [k for k in _cache if k[0] == prefix]:
        del _cache[k]
