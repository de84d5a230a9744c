"""Workstation keys that must never sit in the data directory, kept in the OS secret store.

Windows keeps them in the Credential Manager (DPAPI), Linux in the Secret Service (gnome-keyring,
KWallet), macOS in the Keychain — all through `keyring`. A stolen disk or a copied backup then holds
ciphertext and a key *name*, never the key. One module for every such key (the database key, the
file key, the audit-chain key …) so that each is made, found and reported the same way.

Callers decide what a machine without a secret store may do (the demo may fall back; a production
workstation refuses): this module only says `available()` and raises `SecretStoreUnavailable`.
"""

from __future__ import annotations

import base64
import contextlib
import secrets

from app.core.errors import AppError

SERVICE = "OneWindow-keys"


class SecretStoreUnavailable(AppError):
    def __init__(self) -> None:
        super().__init__("no_secret_store", "本机没有可用的系统密钥库（Windows 凭据管理器 / Linux gnome-keyring），"
                                            "无法保存本机密钥。请由信息管理员安装并解锁后重试。")


def available() -> bool:
    """Whether the OS offers a real secret store (not keyring's fail or plaintext backends)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        return not isinstance(backend, fail.Keyring) and "plaintext" not in type(backend).__name__.lower()
    except Exception:
        return False


def get_key(name: str) -> bytes | None:
    """The key stored under `name`, or None when there is none (raises when there is no store)."""
    if not available():
        raise SecretStoreUnavailable()
    import keyring

    value = keyring.get_password(SERVICE, name)
    return base64.b64decode(value) if value else None


def put_key(name: str, key: bytes) -> None:
    if not available():
        raise SecretStoreUnavailable()
    import keyring

    keyring.set_password(SERVICE, name, base64.b64encode(key).decode("ascii"))


def key_for(name: str, *, size: int = 32) -> bytes:
    """The key stored under `name`, made (from the OS's CSPRNG) and stored the first time it is asked for."""
    existing = get_key(name)
    if existing is not None:
        return existing
    key = secrets.token_bytes(size)
    put_key(name, key)
    return key


def delete_key(name: str) -> None:
    if not available():
        return
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(SERVICE, name)
