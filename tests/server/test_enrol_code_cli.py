"""`onewindow-server enrol-code` on a real (non-demo) database: any window it holds, by code or counter number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from server.cli import run
from server.db import make_engine, session_factory
from server.models import EnrolmentCode
from server.security import digest, normalise_code

# A hall of its own (not the demo's): the command must work from whatever load-hall imported.
HALL = {
    "hall": {"code": "330888", "name": "青溪县政务服务中心"},
    "departments": [{"code": "QX", "name": "青溪县交通运输局", "short_name": "交通"}],
    "windows": [{"code": "Q07", "number": "D05", "name": "交通综合窗口", "department_code": "QX"}],
    "staff": [],
}


def _codes(db: str) -> list[str]:
    with session_factory(make_engine(db))() as s:
        return [row.window_code for row in s.execute(select(EnrolmentCode)).scalars()]


def test_fresh_database_says_to_load_the_hall(sqlite_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--db", sqlite_db, "enrol-code", "--window", "W01"]) == 1
    out = capsys.readouterr().out
    assert "窗口 W01 不存在" in out and "load-hall" in out
    assert _codes(sqlite_db) == []


def test_any_loaded_window_by_code_or_number(sqlite_db: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    hall = tmp_path / "hall.json"
    hall.write_text(json.dumps(HALL, ensure_ascii=False), encoding="utf-8")
    assert run(["--db", sqlite_db, "load-hall", str(hall)]) == 0
    capsys.readouterr()
    assert run(["--db", sqlite_db, "enrol-code", "--window", "Q07"]) == 0
    first = capsys.readouterr().out.strip()
    assert run(["--db", sqlite_db, "enrol-code", "--window", "d05"]) == 0  # the number on the counter
    second = capsys.readouterr().out.strip()
    assert _codes(sqlite_db) == ["Q07", "Q07"]
    with session_factory(make_engine(sqlite_db))() as s:
        stored = {row.code_sha256 for row in s.execute(select(EnrolmentCode)).scalars()}
    assert stored == {digest(normalise_code(first)), digest(normalise_code(second))}
    assert run(["--db", sqlite_db, "enrol-code", "--window", "W01"]) == 1  # the demo's window is not this hall's
    out = capsys.readouterr().out
    assert "窗口 W01 不存在" in out and "Q07（D05 交通综合窗口）" in out
