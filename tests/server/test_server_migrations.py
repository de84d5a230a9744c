"""The central server's schema migrations.

The old releases' databases are built from tests/server/data/server_schema_<revision>.<dialect>.sql,
the CREATE statements each release's own server/models.py emitted (dumped from git history once, by
scripts/dump_old_server_schemas.py), so what an old database looks like does not come from the migrations
under test. Each is upgraded with a few rows in it: the rows survive and the schema ends equal to the models.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Table, inspect, select, text

from server import migrate
from server.cli import run
from server.db import create_schema, make_engine, session_factory
from server.models import Base, Case, ChangeCounter, Deputy, Staff

DATA = Path(__file__).parent / "data"
OLD = [f"s{n:04d}" for n in range(1, 9)]  # one per schema the main line shipped
HEAD = "s0008"
DAY = date(2026, 11, 2)
AT = datetime(2026, 11, 2, 9, 30)
# Rows every release's schema holds, in the columns the first release had.
ROWS: list[tuple[str, dict[str, object]]] = [
    ("hall", {"code": "H1", "doc_json": '{"name": "测试大厅"}'}),
    ("department", {"code": "SJ", "name": "市场监督管理局", "short_name": "市监", "uscc": "", "address": ""}),
    ("window", {"code": "W01", "number": "01", "name": "综合窗口", "department_code": "SJ", "phone": ""}),
    ("staff", {"username": "zhangmin", "name": "张敏", "role": "clerk", "window_code": "W01",
               "department_code": None,
               "phone": "", "password_hash": "x", "active": True, "failed_logins": 0, "locked_until": None}),
    ("staff", {"username": "sunli", "name": "孙立", "role": "chief", "window_code": "W01",
               "department_code": "SJ",
               "phone": "", "password_hash": "y", "active": True, "failed_logins": 0, "locked_until": None}),
    ("deputy", {"id": 1, "chief": "sunli", "deputy": "zhangmin", "valid_from": DAY, "valid_to": DAY,
                "reason": "休假"}),
    ("case", {"id": "c-1", "case_no": "2026-0001", "window_code": "W01", "item_code": "330999-SJ-XK-001",
              "state": "accepted", "received_at": AT, "accepted_at": AT, "decided_at": None,
              "promised_deadline": DAY, "version": 3, "updated_at": AT, "record_json": "{}"}),
    ("change_counter", {"id": 1, "last": 5}),
]


def _dialect(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def old_database(url: str, revision: str, stamped: str | None = None, rows: bool = True) -> None:
    """A database as the release at `revision` left it (no alembic_version unless `stamped` is given)."""
    sql = (DATA / f"server_schema_{revision}.{_dialect(url)}.sql").read_text(encoding="utf-8")
    statements = [s.strip() for s in re.sub(r"^--.*$", "", sql, flags=re.M).split(";") if s.strip()]
    engine = make_engine(url)  # as the old release opened it (on SQLite: WAL)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
            tables = MetaData()
            for name, row in ROWS if rows else []:
                known = tables.tables
                table = known[name] if name in known else Table(name, tables, autoload_with=conn)
                # a column a later release added was filled by its model's default, "" (deputy.named_by)
                later = {c.name: "" for c in table.columns if c.name not in row and not c.nullable}
                conn.execute(table.insert(), {**later, **row})
            if stamped:
                conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
                conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": stamped})
    finally:
        engine.dispose()


def _differences(conn: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def _version(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]


def test_the_migrations_build_exactly_the_models(server_db: str) -> None:
    """Every revision from an empty database (the route an old database takes) ends at the models' schema."""
    engine = make_engine(server_db)
    try:
        with engine.connect() as conn, conn.begin():
            migrate._alembic(conn, "upgrade", "head")
        with engine.connect() as conn:
            assert _differences(conn) == []
            assert _version(conn) == [HEAD]
    finally:
        engine.dispose()


def test_a_new_database_is_built_and_stamped_at_head(server_db: str) -> None:
    engine = make_engine(server_db)
    try:
        assert create_schema(engine) == migrate.Migration(None, HEAD)
        assert create_schema(engine) == migrate.Migration(HEAD, HEAD)  # the next start: nothing to do
        with engine.connect() as conn:
            assert _differences(conn) == [] and _version(conn) == [HEAD]
    finally:
        engine.dispose()
    assert migrate.head_revision() == HEAD and migrate.known_revisions() == tuple(OLD)


@pytest.mark.parametrize("revision", OLD)
def test_an_old_release_database_is_recognised_and_upgraded(server_db: str, revision: str) -> None:
    old_database(server_db, revision)
    engine = make_engine(server_db)
    try:
        migration = create_schema(engine)
        assert (migration.before, migration.after, migration.recognised) == (revision, HEAD, True)
        with engine.connect() as conn:
            assert _differences(conn) == [] and _version(conn) == [HEAD]
        with session_factory(engine)() as s:  # the rows, read through today's models
            assert s.get(Staff, "zhangmin").name == "张敏" and s.get(Staff, "sunli").active is True
            deputy = s.get(Deputy, 1)
            assert (deputy.reason, deputy.named_by, deputy.valid_to) == ("休假", "", DAY)
            case = s.execute(select(Case)).scalar_one()
            assert (case.case_no, case.version, case.accepted_at) == ("2026-0001", 3, AT)
            assert case.promised_deadline == DAY
            assert s.get(ChangeCounter, 1).last == 5
    finally:
        engine.dispose()
    if _dialect(server_db) == "sqlite" and revision != HEAD:
        assert migration.backup == _sqlite_path(server_db).with_name(f"server.sqlite.before-{HEAD}.bak")
        with sqlite3.connect(migration.backup) as old:  # the copy is the database as it was
            assert "alembic_version" not in {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
            assert old.execute("SELECT name FROM staff WHERE username = 'zhangmin'").fetchone() == ("张敏",)
    else:
        assert migration.backup is None  # PostgreSQL: its administrator's pg_dump; at head: nothing upgraded


def test_a_versioned_database_goes_on_from_its_revision(server_db: str) -> None:
    old_database(server_db, "s0004", stamped="s0004")
    engine = make_engine(server_db)
    try:
        migration = create_schema(engine)
        assert (migration.before, migration.after, migration.recognised) == ("s0004", HEAD, False)
        assert migration.describe().startswith("数据库已从版本 s0004 升级到 s0008")
        with engine.connect() as conn:
            assert _differences(conn) == [] and _version(conn) == [HEAD]
    finally:
        engine.dispose()


@pytest.mark.parametrize("version", ["s0099", "0020"])  # newer than this program; the workstation's own
def test_an_unknown_revision_is_refused_and_the_file_left_as_it_was(tmp_path: Path, version: str) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    old_database(url, "s0005", stamped=version)
    before = _sqlite_path(url).read_bytes()
    engine = make_engine(url)
    with pytest.raises(migrate.SchemaRefused, match=f"服务器数据库的版本 {version} 比本程序新或未知"):
        create_schema(engine)
    engine.dispose()
    assert _sqlite_path(url).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.sqlite"]  # no copy, no journal left


def test_an_unversioned_database_of_no_known_shape_is_refused(server_db: str) -> None:
    old_database(server_db, "s0006")
    engine = make_engine(server_db)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql('ALTER TABLE "case" ADD COLUMN extra TEXT')  # no release ever had it
        with pytest.raises(migrate.SchemaRefused, match="与本程序已知的任何版本都不符"):
            create_schema(engine)
        with engine.connect() as conn:
            insp = inspect(conn)
            assert not insp.has_table("alembic_version") and not insp.has_table("commitment")
    finally:
        engine.dispose()


def test_a_failed_upgrade_rolls_back_and_the_copy_is_there(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    old_database(url, "s0007", stamped="s0007")
    engine = make_engine(url)
    with engine.begin() as conn:  # in the way of s0008's new table
        conn.exec_driver_sql("CREATE TABLE credit_record (x INTEGER)")
    with pytest.raises(migrate.UpgradeFailed, match="从版本 s0007 升级到 s0008 失败，已回到升级前的状态"):
        create_schema(engine)
    with engine.connect() as conn:
        assert _version(conn) == ["s0007"]
        assert "note" not in {c["name"] for c in inspect(conn).get_columns("commitment")}
    engine.dispose()
    assert (tmp_path / f"server.sqlite.before-{HEAD}.bak").exists()


def test_two_servers_starting_together_migrate_once(server_db: str) -> None:
    """SQLite's immediate transaction and PostgreSQL's advisory lock let one in; the other finds head."""
    old_database(server_db, "s0002")
    engines = [make_engine(server_db) for _ in range(2)]
    start, results, errors = threading.Barrier(2), [], []

    def start_server(i: int) -> None:
        start.wait()
        try:
            results.append(create_schema(engines[i]))
        except Exception as exc:  # noqa: BLE001  (shown by the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=start_server, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for engine in engines:
        engine.dispose()
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert sorted((m.before, m.recognised) for m in results) == [("s0002", True), (HEAD, False)]


def test_migrate_command_says_from_which_revision_to_which(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    old_database(url, "s0003")
    assert run(["--db", url, "migrate"]) == 0
    out = capsys.readouterr().out
    assert "按表结构识别为 s0003" in out and "已从版本 s0003 升级到 s0008" in out
    assert f"升级前的副本：{tmp_path / 'server.sqlite.before-s0008.bak'}" in out
    assert run(["--db", url, "migrate"]) == 0
    assert capsys.readouterr().out.strip() == "数据库已是最新版本 s0008"
    with sqlite3.connect(tmp_path / "server.sqlite") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 's0100'")
    assert run(["--db", url, "migrate"]) == 1
    assert capsys.readouterr().out.startswith("错误：服务器数据库的版本 s0100 比本程序新或未知")


def test_init_and_serve_upgrade_at_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    old_database(url, "s0001")
    served: list[int] = []
    assert run(["--db", url, "serve"], serve=lambda _config, _host, port: served.append(port)) == 0
    out = capsys.readouterr().out
    assert served == [8765] and "启动前检查数据库：数据库未记版本，按表结构识别为 s0001；已从版本 s0001 升级到 s0008" in out
    assert run(["--db", url, "init"]) == 0
    assert capsys.readouterr().out.splitlines() == ["数据库已是最新版本 s0008", "数据库已就绪"]
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    old_database(other, "s0007")
    assert run(["--db", other, "init"]) == 0
    assert "已从版本 s0007 升级到 s0008" in capsys.readouterr().out
    refused = f"sqlite:///{tmp_path / 'refused.sqlite'}"
    old_database(refused, "s0008", stamped="s0009")
    assert run(["--db", refused, "serve"], serve=lambda *_: served.append(0)) == 1
    assert served == [8765] and "错误：服务器数据库的版本 s0009" in capsys.readouterr().out  # never served
