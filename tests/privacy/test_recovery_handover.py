"""The recovery key at enrolment: shown once with a printable sheet, then gone from the secret store (issue #19).

A real server enrols a fresh production data directory; the key is read back from the printed sheet with
pdftotext and must unwrap the directory's keys — the paper, not the code under test, is the witness.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sync_testkit import LiveServer, demo_server_with_keyring, enrolment_code

from app.core.auth import login
from app.core.sealed_files import unseal
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.station.recovery import WRAPPED, parse_key, peek_recovery_key
from app.station.recovery_handover import finish_handover, pending_handover
from app.sync.credentials import CredentialStore
from app.sync.first_run import enrol_workstation
from app.tools.key_checks import check_recovery_key, check_signing_keys
from db.models import AuditEntry
from ui.main import main
from ui.system.keys_cli import run_recovery_key

KEY_GROUP = re.compile(r"\b[A-Z2-7]{4}\b")


@pytest.fixture
def server(tmp_path: Path, demo_template: Path) -> Iterator[LiveServer]:
    with demo_server_with_keyring(tmp_path) as live:
        yield live


def _pdftotext(pdf: bytes, tmp: Path) -> str:
    path = tmp / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_enrolment_hands_over_the_key_once_on_one_printed_page(server: LiveServer, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ctx = open_data_dir(root)  # production: encrypted, the recovery key waits in the secret store
    try:
        assert peek_recovery_key(ctx.data) is not None
        enrolled = enrol_workstation(ctx, server.url, enrolment_code(server, "W01"), "A01-1号机", CredentialStore())
        handover = pending_handover(ctx, None, "A01-1号机")
        assert handover is not None
        pdf = handover.pdf()
        (tmp_path / "sheet.pdf").write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(tmp_path / "sheet.pdf")], check=True, capture_output=True,
                              text=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M)
        text = _pdftotext(pdf, tmp_path)
        assert enrolled.enrolment is not None
        for words in ("工作站数据恢复密钥", "交大厅管理员", enrolled.enrolment.device_code,
                      "A01 市场监管综合窗口", "A01-1号机", "onewindow restore", "接收人（大厅管理员）签字"):
            assert words in text
        # The key as a person would copy it off the paper opens the wrapped keys of this directory.
        printed = "-".join(KEY_GROUP.findall(text.split("恢复密钥：", 1)[1]))
        assert printed == handover.key
        record = json.loads(unseal(parse_key(printed), (root / WRAPPED).read_bytes(), "恢复密钥文件"))
        assert set(record["ids"]) == {"database", "files"}
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(tmp_path / "sheet.pdf"),
                        str(tmp_path / "sheet")], check=True)
        assert (tmp_path / "sheet.png").stat().st_size > 0

        waiting = check_recovery_key(ctx.data, demo=False)
        assert not waiting.ok and waiting.required and "尚未交大厅管理员" in waiting.detail
        finish_handover(ctx, None, printed=True, via="first_run")
        done = check_recovery_key(ctx.data, demo=False)
        assert done.ok and "已交大厅管理员（打印恢复密钥单）" in done.detail
        login(ctx, "zhangmin", DEMO_PASSWORD)  # her signing key is made here at her first sign-in
        keys = check_signing_keys(ctx.data)
        assert not keys.required and "zhangmin" in keys.detail
        assert peek_recovery_key(ctx.data) is None and pending_handover(ctx, None) is None
        with ctx.read() as s:
            entry = s.execute(select(AuditEntry).where(AuditEntry.action == "recovery_key_handed_over")).scalar_one()
        assert json.loads(entry.detail_json) == {"printed": True, "via": "first_run"}
        assert handover.key.replace("-", "") not in entry.detail_json + entry.target  # never the key itself
    finally:
        ctx.dispose()
    assert run_recovery_key(root) == 1  # not a second time, not by the command either


def test_onewindow_enrol_shows_the_key_once(server: LiveServer, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    open_data_dir(root).dispose()
    code = enrolment_code(server, "W01")
    assert main(["--data-dir", str(root), "enrol", "--server", server.url, "--code", code, "--name", "A01-2"]) == 0
    out = capsys.readouterr().out
    assert "本机已登记" in out and "交大厅管理员保管" in out
    shown = re.search(r"^\s+((?:[A-Z2-7]{4}-){12}[A-Z2-7]{4})$", out, re.M)
    assert shown is not None
    assert json.loads(unseal(parse_key(shown.group(1)), (root / WRAPPED).read_bytes(), "恢复密钥文件"))["ids"]
    assert main(["--data-dir", str(root), "recovery-key"]) == 1
    assert "已打印过" in capsys.readouterr().out


def test_a_plain_demo_directory_has_no_key_to_hand_over(ctx: object) -> None:
    assert pending_handover(ctx, None) is None  # type: ignore[arg-type]
    line = check_recovery_key(ctx.data, demo=True)  # type: ignore[attr-defined]
    assert line.ok and not line.required and "没有恢复密钥" in line.detail
