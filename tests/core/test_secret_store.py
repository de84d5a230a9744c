"""The workstation's key store: keys are made once, found again, and never without a real secret store."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from app.core import secret_store
from tests.sync_testkit import memory_keyring


def test_a_key_is_made_once_and_found_again() -> None:
    with memory_keyring():
        first = secret_store.key_for("db:test")
        assert len(first) == 32
        assert secret_store.key_for("db:test") == first
        assert secret_store.key_for("files:test") != first
        secret_store.delete_key("db:test")
        assert secret_store.get_key("db:test") is None


def test_no_store_refuses_in_chinese() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not secret_store.available()
        with pytest.raises(secret_store.SecretStoreUnavailable) as caught:
            secret_store.key_for("db:test")
        assert "密钥库" in caught.value.message
    finally:
        keyring.set_keyring(previous)
