"""`onewindow doctor` reports each protection of #19 as required for a production workstation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sync_testkit import memory_keyring

from app.station.bootstrap import open_data_dir
from app.tools.doctor import format_report
from app.tools.privacy_checks import privacy_checks


def _by_name(checks):  # type: ignore[no-untyped-def]
    return {c.name.split(" / ")[0]: c for c in checks}


def test_demo_says_it_is_plain_without_failing(demo_dir: Path) -> None:
    checks = _by_name(privacy_checks(demo_dir, demo=True))
    db = checks["数据库加密"]
    assert not db.ok and not db.required and "sqlite3" in db.detail
    assert format_report(list(checks.values()))[1] == 0


def test_plain_production_directory_fails(demo_dir: Path) -> None:
    checks = _by_name(privacy_checks(demo_dir, demo=False))
    assert checks["数据库加密"].required and not checks["数据库加密"].ok
    text, code = format_report(list(checks.values()))
    assert code == 1 and "系统密钥库" in text


def test_protected_directory_passes_every_line(demo_dir: Path) -> None:
    with memory_keyring():
        open_data_dir(demo_dir, demo=False).dispose()  # encrypted at this start
        checks = privacy_checks(demo_dir, demo=False)
        by = _by_name(checks)
        assert {"数据库加密", "本机密钥", "文书、扫描件与备份加密", "同步队列最少数据", "保留期限", "传输加密"} <= set(by)
        assert all(c.ok and c.required for c in checks), [c for c in checks if not c.ok]
        assert "本机保存" in by["保留期限"].detail
        # A plain backup dropped beside the encrypted ones (copied in by hand) is reported.
        sqlite3.connect(demo_dir / "backups" / "onewindow-copied.sqlite").execute("CREATE TABLE t(x)").connection.close()
        assert not _by_name(privacy_checks(demo_dir, demo=False))["文书、扫描件与备份加密"].ok
    # Without the keyring (another machine, a stolen disk) the keys are reported missing.
    with memory_keyring():
        assert not _by_name(privacy_checks(demo_dir, demo=False)).get("本机密钥", _Fail()).ok


class _Fail:
    ok = False
