"""The device secret and staff tokens, kept in the OS keyring (never in the database or a plain file).

A machine without a keyring cannot sync for real; the demo then keeps them in memory for the
session only (and says so), never in keyrings.alt's plaintext file.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime

from app.core.errors import AppError
from app.documents.credentials import KEYRING_SERVICE, keyring_available
from app.sync.protocol import parse_ts

_MEMORY: dict[str, str] = {}


class CredentialStore:
    """Where this workstation keeps its device secret and the signed-in staff's server tokens."""

    def __init__(self, demo: bool = False) -> None:
        self.demo = demo

    @property
    def persistent(self) -> bool:
        return keyring_available()

    def _get(self, key: str) -> str | None:
        if keyring_available():
            import keyring

            return keyring.get_password(KEYRING_SERVICE, key)
        return _MEMORY.get(key) if self.demo else None

    def _set(self, key: str, value: str) -> None:
        if keyring_available():
            import keyring

            keyring.set_password(KEYRING_SERVICE, key, value)
        elif self.demo:
            _MEMORY[key] = value
        else:
            raise AppError("no_keyring", "本机没有可用的系统钥匙串，无法保存同步凭据。Windows 使用凭据管理器；"
                                         "Linux 请安装并解锁 gnome-keyring 或 KWallet。")

    def _delete(self, key: str) -> None:
        _MEMORY.pop(key, None)
        if keyring_available():
            import keyring
            from keyring.errors import PasswordDeleteError

            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(KEYRING_SERVICE, key)

    def device_secret(self, device_id: str) -> str | None:
        return self._get(f"device:{device_id}")

    def set_device_secret(self, device_id: str, secret: str) -> None:
        self._set(f"device:{device_id}", secret)

    def token(self, device_id: str, username: str, now: datetime) -> str | None:
        """The staff member's server token for this device, if it has not expired."""
        raw = self._get(f"token:{device_id}:{username}")
        if not raw:
            return None
        try:
            data = json.loads(raw)
            if parse_ts(data["expires_at"]) <= now:
                return None
            return str(data["token"])
        except (ValueError, KeyError, TypeError):
            return None

    def set_token(self, device_id: str, username: str, token: str, expires_at: str) -> None:
        self._set(f"token:{device_id}:{username}", json.dumps({"token": token, "expires_at": expires_at}))

    def forget_token(self, device_id: str, username: str) -> None:
        self._delete(f"token:{device_id}:{username}")

    # The numbering mark (app/sync/rollback_guard.py) lives here, outside the database, so that a
    # database restored from a backup finds a mark ahead of it. Only a real keyring keeps it.

    def numbering_mark(self, device_id: str) -> str | None:
        return self._get(f"numbering:{device_id}") if self.persistent else None

    def set_numbering_mark(self, device_id: str, mark: str) -> None:
        if self.persistent:
            self._set(f"numbering:{device_id}", mark)

    def forget_device(self, device_id: str) -> None:
        """A device identity this workstation no longer uses (a clone enrolled again under its own)."""
        self._delete(f"device:{device_id}")
        self._delete(f"numbering:{device_id}")
