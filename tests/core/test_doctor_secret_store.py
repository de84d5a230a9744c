"""A production workstation needs a real secret store: doctor fails without one and enrolment refuses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sync_testkit import free_port, memory_keyring

from app.core.errors import AppError
from app.station.bootstrap import open_data_dir
from app.sync.credentials import CredentialStore
from app.sync.first_run import enrol_workstation, needs_setup
from app.tools.doctor import check_keyring, format_report, run_checks


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_doctor_requires_a_secret_store_for_production(no_keyring: None, tmp_path: Path) -> None:
    check = check_keyring(production=True)
    assert check.required and not check.ok and "install-system-deps.sh" in check.fix
    text, code = format_report(run_checks(tmp_path / "ws", date(2026, 12, 7), server_url=""))
    assert code == 1 and "✘ [必需 required] 系统钥匙串" in text and "not ready" in text


def test_the_demo_only_warns(no_keyring: None, tmp_path: Path) -> None:
    check = check_keyring(production=False)
    assert not check.required and not check.ok
    text, _ = format_report(run_checks(tmp_path / "ws", date(2026, 12, 7), server_url="", demo=True))
    assert "! [建议 recommended] 系统钥匙串" in text


def test_a_working_store_passes() -> None:
    with memory_keyring() as ring:
        check = check_keyring(production=True)
        assert check.required and check.ok, check.detail
        assert ring.store == {}  # the probe leaves nothing behind


def test_enrolment_refuses_before_spending_the_code(no_keyring: None, tmp_path: Path) -> None:
    ctx = open_data_dir(tmp_path / "ws")
    try:
        # Nothing listens on this port: the refusal must come before any network call.
        with pytest.raises(AppError) as caught:
            enrol_workstation(ctx, f"http://127.0.0.1:{free_port()}", "AAAAA-BBBBB", "ws", CredentialStore())
        assert caught.value.code == "no_keyring" and "onewindow doctor" in caught.value.message
        assert needs_setup(ctx)
    finally:
        ctx.dispose()
