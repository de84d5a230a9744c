"""Opening a data directory: integrity check, backup, migrations, first-start seeding."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.core import audit, data_keys
from app.core.auth import hash_password
from app.core.context import AppContext, utc_now
from app.core.errors import AppError
from app.core.faults import fault_point
from app.core.paths import DataDir, resources_dir
from app.reference import workdays
from app.seal.seals import grant_demo_authorisations, provision_demo_credentials
from app.station.at_rest import protect
from app.sync import op_signing, reference_data, rollback_guard
from db.engine import make_engine, quick_check
from db.errors import StorageError
from db.migrate import backup_file, current_revision, head_revision, upgrade
from db.models import Hall, Setting

DEMO_PASSWORD = "demo2026"
KEEP_DAILY_BACKUPS = 7


CHECK_AT_OPEN_BYTES = 256 * 2**20  # a larger file is checked and backed up behind the window (defer_checks)


def open_data_dir(root: Path, *, demo: bool = False, clock: Callable[[], datetime] = utc_now,
                  defer_checks: bool = False) -> AppContext:
    """Everything needed before the first screen: a sound, current, seeded database.

    `defer_checks` (the window): a file over CHECK_AT_OPEN_BYTES that needs no migration opens without
    its quick_check and daily backup — at a million cases each reads the whole file (40 s apiece) — and
    `ctx.checks_pending` says run_deferred_checks() must run them behind the window. A migration is
    never run on an unchecked file.
    """
    data = DataDir(root)
    try:
        data.ensure()
    except OSError as exc:
        raise AppError("data_dir", f"无法创建数据目录 {root}：{exc.strerror}") from exc
    existed = data.database.exists() and data.database.stat().st_size > 0
    try:
        at_rest = protect(data, demo=demo)
    except OSError as exc:
        raise AppError("encrypt", f"数据加密未完成（{exc.strerror}），原数据未改动。请检查磁盘后重试。") from exc
    key = at_rest.key
    engine = make_engine(data.database, key=key)
    deferred = (defer_checks and existed and data.database.stat().st_size > CHECK_AT_OPEN_BYTES
                and current_revision(engine) == head_revision())
    try:
        if existed and not deferred:
            _check(engine)
        upgrade(engine, data.database, data.backups, checkpoint=fault_point, key=key)
        if existed and not deferred:
            daily_backup(data)
    except StorageError as exc:
        raise AppError(exc.code, exc.message) from exc
    ctx = AppContext(data, engine, make_engine(data.database, readonly=True, key=key), demo=demo, clock=clock,
                     checks_pending=deferred)
    ctx.after_commit.append(lambda s: audit.write_head(data.audit_head, s))
    with ctx.write() as s:
        audit.ensure_keyed(s)  # rows from here on are chained with a key from the OS secret store
        if at_rest.encrypted_now:
            audit.record(s, None, "encrypted_at_rest", "、".join(at_rest.encrypted_now))
        workdays.seed_if_empty(s)
        if demo and s.execute(select(Hall.id)).first() is None:
            load_demo(s, data)
    # Before anything is numbered: a database restored from a backup moves to a new epoch here.
    rollback_guard.install(ctx)
    op_signing.install(ctx)  # every op signed by the person who made it, as it commits
    return ctx


def _check(engine: Engine) -> None:
    result = quick_check(engine)
    if result != "ok":
        raise AppError("corrupt", f"数据库完整性检查未通过：{result}。请联系信息管理员从备份恢复。")


def run_deferred_checks(ctx: AppContext) -> bool:
    """The quick_check and daily backup open_data_dir left for later, off the UI thread.

    On a failed check every write is refused from then on (ctx.fence) and no backup is made, so the
    last good backups are not rotated out by copies of a damaged file; the AppError says why.
    True when the backup was made here.
    """
    if not ctx.checks_pending:
        return False
    try:
        _check(ctx.engine)
    except AppError as exc:
        ctx.fence = exc.message
        raise
    except StorageError as exc:
        ctx.fence = exc.message
        raise AppError(exc.code, exc.message) from exc
    ctx.checks_pending = False
    return daily_backup(ctx.data) is not None


def load_demo(session: Session, data: DataDir) -> None:
    """The embedded demo hall (resources/demo); every demo account gets DEMO_PASSWORD."""
    demo_dir = resources_dir() / "demo"
    reference_data.load_hall(session, reference_data.read_json(demo_dir / "hall.json"),
                             lambda _username: hash_password(DEMO_PASSWORD))
    reference_data.load_catalog(session, reference_data.read_json(demo_dir / "items.json"), "demo")
    types = demo_dir / "certificate_types.json"
    if types.exists():
        reference_data.load_certificate_types(session, reference_data.read_json(types))
    session.merge(Setting(key="device_code", value="0001"))
    provision_demo_credentials(session, data)
    grant_demo_authorisations(session)
    audit.record(session, None, "demo_loaded", "resources/demo")


def daily_backup(data: DataDir) -> Path | None:
    """One backup a day (the first start of the day), keeping the last KEEP_DAILY_BACKUPS."""
    today = datetime.now().strftime("%Y%m%d")
    existing = sorted(data.backups.glob("onewindow-*-daily.sqlite"))
    if any(p.name.startswith(f"onewindow-{today}") for p in existing):
        return None
    made = backup_file(data.database, data.backups, "daily", checkpoint=fault_point,
                       key=data_keys.key(data.root, data_keys.DATABASE))
    for old in sorted(data.backups.glob("onewindow-*-daily.sqlite"))[:-KEEP_DAILY_BACKUPS]:
        old.unlink(missing_ok=True)
    return made
