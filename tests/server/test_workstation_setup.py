"""A new workstation set up for real: `onewindow enrol` online and with an offline set-up file, a real server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sync_testkit import LiveServer, enrolment_code

from app.core.auth import login
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.sync import settings as keys
from app.sync.credentials import CredentialStore
from app.sync.engine import sync_once
from app.sync.enrolment import server_login
from app.sync.first_run import needs_setup
from server.models import Device
from ui.main import main


def _device_count(server: LiveServer) -> int:
    with server.session() as s:
        return s.query(Device).count()

def test_enrol_online_without_anyone_signed_in(live_server: LiveServer, tmp_path: Path, keyring_ring: object,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "new-workstation"
    ctx = open_data_dir(root)
    assert needs_setup(ctx)  # a fresh data directory: no accounts, not enrolled
    ctx.dispose()
    code = enrolment_code(live_server, "W01")
    assert main(["--data-dir", str(root), "enrol", "--server", live_server.url, "--code", code,
                 "--name", "A01-1号机"]) == 0
    assert "本机已登记" in capsys.readouterr().out
    ctx = open_data_dir(root)
    try:
        assert not needs_setup(ctx)
        with ctx.read() as s:
            assert keys.enrolment(s).window_code == "W01"  # type: ignore[union-attr]
        actor = login(ctx, "zhangmin", DEMO_PASSWORD)  # the hall's accounts came down with the enrolment
        store = CredentialStore()
        server_login(ctx, actor, DEMO_PASSWORD, store)
        assert sync_once(ctx, store, "zhangmin").ok
    finally:
        ctx.dispose()
    # The code is spent, and a second first run on the same directory is refused in Chinese.
    assert main(["--data-dir", str(root), "enrol", "--server", live_server.url, "--code", code]) == 1
    assert "本机已登记" in capsys.readouterr().out
    assert _device_count(live_server) == 1

def test_a_bad_code_changes_nothing(live_server: LiveServer, tmp_path: Path, keyring_ring: object,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    assert main(["--data-dir", str(root), "enrol", "--server", live_server.url, "--code", "AAAAA-BBBBB"]) == 1
    assert "错误" in capsys.readouterr().out
    assert main(["--data-dir", str(root), "enrol", "--server", "ftp://x", "--code", "AAAAA-BBBBB"]) == 1
    assert "中心服务器地址" in capsys.readouterr().out
    ctx = open_data_dir(root)
    try:
        assert needs_setup(ctx)
    finally:
        ctx.dispose()
    assert _device_count(live_server) == 0

def test_offline_install_with_a_setup_file(live_server: LiveServer, tmp_path: Path, keyring_ring: object,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "A01-setup.json"
    assert live_server.admin("setup-file", "--window", "A01", "--out", str(out), "--server", live_server.url) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["window_code"] == "W01" and doc["server_url"] == live_server.url
    live_server.stop()  # the install happens where the server cannot be reached
    root = tmp_path / "offline-ws"
    assert main(["--data-dir", str(root), "enrol", "--setup-file", str(out)]) == 0
    assert "联网后第一次同步时自动登记本机" in capsys.readouterr().out
    ctx = open_data_dir(root)
    try:
        actor = login(ctx, "zhangmin", DEMO_PASSWORD)  # sign-in works before the server was ever reached
        store = CredentialStore()
        live_server.start()
        server_login(ctx, actor, DEMO_PASSWORD, store)  # the first contact spends the code
        assert sync_once(ctx, store, "zhangmin").ok
        with ctx.read() as s:
            assert keys.get(s, keys.PENDING_CODE) == ""
            assert keys.enrolment(s).window_code == "W01"  # type: ignore[union-attr]
    finally:
        ctx.dispose()
    assert _device_count(live_server) == 1

def test_a_wrong_setup_file_is_refused(tmp_path: Path, keyring_ring: object,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "ws"), "enrol", "--setup-file", str(bad)]) == 1
    assert "不是 OneWindow 工作站设置文件" in capsys.readouterr().out

def test_setup_file_names_an_unknown_window(live_server: LiveServer, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert live_server.admin("setup-file", "--window", "Z09", "--out", str(tmp_path / "x.json")) == 1
    assert "窗口 Z09 不存在" in capsys.readouterr().out
    assert not (tmp_path / "x.json").exists()
