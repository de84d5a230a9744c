"""A backup restores only with this workstation's keys, or elsewhere with the recovery key printed once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ow_testkit import clerk, complete, item_named
from privacy.privacy_kit import NAME, applicant
from sqlalchemy import func, select
from sync_testkit import memory_keyring

from app.cases.queries import CaseQuery, search_cases
from app.core import data_keys
from app.core.errors import ValidationError
from app.core.paths import DataDir
from app.intake.outcomes import accept_case
from app.station.bootstrap import open_data_dir
from app.station.recovery import WRAPPED, restore, take_recovery_key
from db.migrate import backup_file
from db.models import AuditEntry
from ui.system.keys_cli import run_recovery_key, run_restore


def _workstation_with_backup(root: Path) -> tuple[str, Path]:
    open_data_dir(root, demo=False).dispose()  # protected on a production start
    ctx = open_data_dir(root, demo=True)  # the demo hall's seal passphrases, on the now encrypted directory
    try:
        made = accept_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可变更"), applicant()))
        backup = backup_file(ctx.data.database, ctx.data.backups, "manual",
                             key=data_keys.key(root, data_keys.DATABASE))
        return made.case_no, backup
    finally:
        ctx.dispose()


def test_recovery_key_is_shown_once(demo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with memory_keyring():
        _workstation_with_backup(demo_dir)
        assert (demo_dir / WRAPPED).exists() and (demo_dir / "backups" / WRAPPED).exists()
        assert run_recovery_key(demo_dir) == 0
        printed = capsys.readouterr().out
        assert "只显示这一次" in printed and len(printed.split()[-1].replace("-", "")) == 52  # 32 bytes, base32
        assert run_recovery_key(demo_dir) == 1  # not again
        assert "已打印过" in capsys.readouterr().out


def test_backup_restores_here_with_the_workstation_key(demo_dir: Path) -> None:
    with memory_keyring():
        case_no, backup = _workstation_with_backup(demo_dir)
        (demo_dir / "onewindow.sqlite").write_bytes(b"broken disk")
        assert run_restore(demo_dir, backup, None) == 0
        ctx = open_data_dir(demo_dir, demo=False)
        try:
            rows = search_cases(ctx, clerk(ctx), CaseQuery(text=case_no)).rows
            assert [r.case_no for r in rows] == [case_no]
            with ctx.read() as s:
                assert s.execute(select(func.count()).select_from(AuditEntry).where(
                    AuditEntry.action == "database_restored")).scalar_one() == 1
        finally:
            ctx.dispose()


def test_backup_restores_elsewhere_only_with_the_recovery_key(demo_dir: Path, tmp_path: Path) -> None:
    with memory_keyring():
        case_no, backup = _workstation_with_backup(demo_dir)
        recovery = take_recovery_key(DataDir(demo_dir))
        assert recovery is not None
    # The workstation is gone; its backups folder reaches a new machine with an empty secret store.
    new_root = tmp_path / "new"
    shutil.copytree(demo_dir / "backups", new_root / "backups")
    copied = new_root / "backups" / backup.name
    with memory_keyring():
        with pytest.raises(ValidationError) as no_key:
            restore(DataDir(new_root), copied)
        assert no_key.value.field == "recovery_key"
        wrong = "-".join(["AAAA"] * 13)
        with pytest.raises(ValidationError, match="恢复密钥不正确"):
            restore(DataDir(new_root), copied, wrong)
        assert not (new_root / "onewindow.sqlite").exists(), "nothing changed by a refused restore"
        assert run_restore(new_root, copied, recovery.lower()) == 0  # typed from paper, any case
        ctx = open_data_dir(new_root, demo=False)
        try:
            rows = search_cases(ctx, clerk(ctx), CaseQuery(text=NAME)).rows
            assert case_no in [r.case_no for r in rows]
        finally:
            ctx.dispose()
