"""`onewindow doctor`, #19: is citizens' personal data protected on this workstation?

Each check is required on a production workstation; on the demo the same lines are reported but do
not fail it (a developer may open the demo with sqlite3, and doctor says so).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import data_keys, secret_store
from app.core.errors import ValidationError
from app.core.paths import DataDir
from app.core.sealed_files import is_sealed
from app.station.retention import CLOSED, DEFAULT_DAYS
from app.sync.enrolment import clean_url
from app.tools.doctor import Check
from db.at_rest import is_plain
from db.engine import make_engine, make_session_factory
from db.models import Case, OutboxOp, Setting


@contextmanager
def reading(data: DataDir) -> Iterator[Session]:
    """A read session on the workstation database, with its key when it is encrypted."""
    key = None if is_plain(data.database) else data_keys.key(data.root, data_keys.DATABASE)
    engine = make_engine(data.database, readonly=True, key=key)
    try:
        with make_session_factory(engine)() as s:
            yield s
    finally:
        engine.dispose()


def _plain_files(folder: Path) -> int:
    if not folder.exists():
        return 0
    count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.endswith(".part"):
            with open(path, "rb") as fh:
                count += not is_sealed(fh.read(8))
    return count


def check_encryption(data: DataDir, demo: bool) -> list[Check]:
    required = not demo
    if not data.database.exists():
        return [Check("数据加密 / encryption at rest", required, True, "首次启动时生成密钥并加密")]
    if is_plain(data.database):
        detail = ("演示数据未加密（开发者可用 sqlite3 打开），不得存放真实申请人信息" if demo else
                  "数据库未加密：被盗或报废的硬盘会泄露申请人的姓名、身份证号、电话")
        fix = "" if demo else "安装并解锁系统密钥库（Windows 凭据管理器 / gnome-keyring）后重新启动程序，将自动加密"
        return [Check("数据库加密 / database encryption", required, False, detail, fix)]
    checks = [Check("数据库加密 / database encryption", required, True, "SQLCipher 4（AES-256），密钥在系统密钥库")]
    ids = data_keys.key_ids(data.root)
    try:
        missing = [name for name in ids.values() if secret_store.get_key(name) is None]
    except secret_store.SecretStoreUnavailable as exc:
        missing = [exc.message]
    checks.append(Check("本机密钥 / keys", required, not missing,
                        f"密钥标识 {', '.join(ids.values())}" if not missing else f"缺少：{'; '.join(missing)}",
                        "用恢复密钥恢复（onewindow restore），或联系信息管理员"))
    plain = _plain_files(data.documents) + _plain_files(data.attachments)
    backups = [b for b in data.backups.glob("*.sqlite") if is_plain(b)]
    checks.append(Check("文书、扫描件与备份加密 / files and backups", required, not plain and not backups,
                        "全部加密（AES-256-GCM；备份为 SQLCipher）" if not plain and not backups else
                        f"{plain} 个文件、{len(backups)} 份备份未加密", "重新启动程序完成加密"))
    return checks


def check_queue_and_retention(data: DataDir, demo: bool, days: int = DEFAULT_DAYS,
                              now: datetime | None = None) -> list[Check]:
    required = not demo
    if not data.database.exists():
        return []
    now = now or datetime.utcnow()  # noqa: DTZ003 (stored times are naive UTC)
    with reading(data) as s:
        kept = s.execute(select(func.count()).select_from(OutboxOp).where(
            OutboxOp.state.in_(("acked", "rejected")), OutboxOp.payload_json != "")).scalar_one()
        count, since = s.execute(select(func.count(), func.min(Case.received_at))).one()
        due = s.execute(select(func.count()).select_from(Case).where(
            Case.state.in_([str(c) for c in CLOSED]),
            func.coalesce(Case.closed_at, Case.decided_at, Case.updated_at) < now - timedelta(days=days))).scalar_one()
        url_row = s.get(Setting, "sync.server_url")
    url = url_row.value if url_row else ""
    checks = [Check("同步队列最少数据 / sync queue", required, kept == 0,
                    "已确认的操作不保留内容" if kept == 0 else f"{kept} 条已确认操作仍保留内容（旧版本遗留）",
                    "下次同步后自动清除")]
    held = f"本机保存 {count} 件办件" + (f"，最早收件于 {since:%Y-%m-%d}" if since else "")
    checks.append(Check("保留期限 / retention", required, True,
                        f"{held}；已办结超过 {days} 天的 {due} 件待中心服务器存档后清除" if due else
                        f"{held}；没有超过 {days} 天的已办结办件"))
    refused = None
    try:
        if url:
            clean_url(url)  # the enrolment's own rule: https://, or http:// only to this machine
    except ValidationError as exc:
        refused = exc.message
    checks.append(Check("传输加密 / transport", required, refused is None,
                        "尚未登记中心服务器" if not url else (f"{url}（HTTPS，按系统信任的大厅 CA 校验证书）"
                                                    if refused is None else refused),
                        "改用 https:// 地址重新登记本机"))
    return checks


def privacy_checks(root: Path, demo: bool) -> list[Check]:
    data = DataDir(root)
    try:
        return check_encryption(data, demo) + check_queue_and_retention(data, demo)
    except Exception as exc:  # noqa: BLE001 — any failure here is the answer, not a crash
        return [Check("个人信息保护 / personal data", not demo, False, f"无法检查：{exc}")]
