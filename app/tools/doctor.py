"""`onewindow doctor`: is this workstation ready? Required problems fail it, recommended ones warn."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    name: str
    required: bool
    ok: bool
    detail: str
    fix: str = ""


def _key(data: object) -> bytes | None:
    """The database key of an encrypted workstation database (None for a plain one)."""
    from app.core import data_keys
    from db.at_rest import is_plain

    if is_plain(data.database):  # type: ignore[attr-defined]
        return None
    return data_keys.key(data.root, data_keys.DATABASE)  # type: ignore[attr-defined]


def check_data_dir(root: Path) -> Check:
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".doctor-", delete=True) as fh:
            fh.write(b"ok")
            fh.flush()
            os.fsync(fh.fileno())
        return Check("数据目录 / data directory", True, True, str(root))
    except OSError as exc:
        return Check("数据目录 / data directory", True, False, f"{root}: {exc.strerror}",
                     "检查目录权限与磁盘空间，或用 ONEWINDOW_DATA_DIR 指定可写目录")


def check_database(root: Path) -> Check:
    from app.core.paths import DataDir
    from db.engine import make_engine, quick_check
    from db.migrate import current_revision, head_revision

    data = DataDir(root)
    if not data.database.exists():
        return Check("数据库 / database", True, True, "尚未创建（首次启动时自动创建）")
    engine = make_engine(data.database, key=_key(data))
    try:
        result = quick_check(engine)
        rev, head = current_revision(engine), head_revision()
    except Exception as exc:  # any driver failure here is the answer, not a crash
        return Check("数据库 / database", True, False, f"无法打开：{exc}", "从 backups/ 中最近的备份恢复")
    finally:
        engine.dispose()
    if result != "ok":
        return Check("数据库 / database", True, False, f"完整性检查失败：{result}", "从 backups/ 中最近的备份恢复")
    if rev != head and rev is not None:
        return Check("数据库 / database", True, True, f"完整；结构版本 {rev}，启动时将升级到 {head}")
    return Check("数据库 / database", True, True, f"完整（quick_check ok）；结构版本 {rev}")


def check_audit(root: Path) -> Check:
    from app.core.audit import verify_chain
    from app.core.paths import DataDir
    from app.sync.status import anchors_of_last_sync
    from db.engine import make_engine, make_session_factory

    data = DataDir(root)
    if not data.database.exists():
        return Check("审计日志 / audit chain", True, True, "尚无记录")
    engine = make_engine(data.database, readonly=True, key=_key(data))
    try:
        with make_session_factory(engine)() as s:
            report = verify_chain(s, data.audit_head, anchors_of_last_sync(s))
    except Exception as exc:
        return Check("审计日志 / audit chain", True, False, f"无法读取：{exc}")
    finally:
        engine.dispose()
    if report.ok and not report.keyed:  # intact, but a rewrite with the hashes recomputed would pass: say so
        return Check("审计日志 / audit chain", True, True, f"{report.entries} 条，哈希链完整；未加密钥（本机没有系统"
                     "密钥库，改写后重算无法发现）", "安装并解锁系统密钥库（gnome-keyring / Windows 凭据管理器）后重新启动")
    if report.ok:
        return Check("审计日志 / audit chain", True, True, f"{report.entries} 条，密钥哈希链完整")
    return Check("审计日志 / audit chain", True, False, report.message, "审计日志被改动，请报告信息管理员")


def check_fonts() -> Check:
    try:
        from app.documents.fonts import default_chain

        report = default_chain().coverage_report()
    except Exception as exc:
        return Check("字体 / fonts", True, False, f"字体不可用：{exc}", "重新安装程序（resources/fonts 缺失）")
    missing = report["missing"]
    detail = "；".join(f"{ch}→{font}" for ch, font in report["sample"].items())
    fonts = ", ".join(f"{f['family']}（{f['glyphs']} 字）" for f in report["fonts"])
    if not report["fonts"]:
        return Check("字体 / fonts", True, False, "没有可用的中文字体", "重新安装程序（resources/fonts 缺失）")
    if missing:
        return Check("字体 / fonts", True, False, f"{fonts}；生僻字无字形：{''.join(missing)}",
                     "补齐 resources/fonts 中的扩展字库（花园明朝 A/B）")
    return Check("字体 / fonts", True, True, f"{fonts}；生僻字 {detail}")


def check_calendar(root: Path, today: date) -> Check:
    from app.core.paths import DataDir
    from app.reference.workdays import horizon_of
    from db.engine import make_engine, make_session_factory

    data = DataDir(root)
    if not data.database.exists():
        from app.reference.calendar import official_horizon

        return Check("工作日历 / calendar", True, True, f"首次启动时载入；官方日程至 {official_horizon()} 年")
    engine = make_engine(data.database, readonly=True, key=_key(data))
    try:
        with make_session_factory(engine)() as s:
            official, last = horizon_of(s)
    finally:
        engine.dispose()
    if last is None or last < today:
        return Check("工作日历 / calendar", True, False, "没有今天的工作日历", "同步中心服务器的日历")
    note = "" if official > today.year else "（下一年为按法定节日估算，期限标注为暂定）"
    return Check("工作日历 / calendar", True, True, f"官方日程至 {official} 年，估算至 {last}{note}")


def check_keyring(production: bool = True) -> Check:
    """A production workstation keeps its device secret and keys only in a real secret store: required.

    Without one, sync stops for good after a restart (no_device_secret), so it is not a recommendation.
    """
    name = "系统钥匙串 / secret store"
    fix = ("Windows 自带凭据管理器；Linux 以 root 运行 scripts/install-system-deps.sh（gnome-keyring、dbus-x11、"
           "libsecret），在桌面会话中登录并解锁“登录”钥匙串")
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        names = [type(b).__name__ for b in getattr(backend, "backends", [backend])]
        if isinstance(backend, fail.Keyring) or not names:
            raise RuntimeError("no backend")
        if any("plaintext" in n.lower() or "PlaintextKeyring" in n for n in names):
            return Check(name, production, False, f"{names} 为明文存储，不可用于生产", fix)
        if production:
            # A backend that is installed but locked or without a D-Bus session fails only when used: try it.
            probe = "doctor-probe"
            keyring.set_password("OneWindow-doctor", probe, "ok")
            keyring.delete_password("OneWindow-doctor", probe)
        return Check(name, production, True, ", ".join(names))
    except Exception as exc:
        detail = "本机没有可用的钥匙串后端" if str(exc) == "no backend" else f"钥匙串不可用（{type(exc).__name__}）"
        if production:
            return Check(name, True, False, f"{detail}：无法保存本机登记凭据，重启后同步将失效，本机不能登记", fix)
        return Check(name, False, False, f"{detail}；演示模式使用演示口令，正式部署必须配置钥匙串", fix)


def enrolled_server_url(root: Path) -> str:
    """The central server this workstation was enrolled with ("" before enrolment)."""
    from app.core.paths import DataDir
    from db.engine import make_engine, make_session_factory
    from db.models import Setting

    data = DataDir(root)
    if not data.database.exists():
        return ""
    engine = make_engine(data.database, readonly=True, key=_key(data))
    try:
        with make_session_factory(engine)() as s:
            row = s.get(Setting, "sync.server_url")
            return row.value if row else ""
    except Exception:  # a broken database is reported by check_database, not here
        return ""
    finally:
        engine.dispose()


def check_server(url: str) -> Check:
    if not url:
        return Check("中心服务器 / server", False, False, "本机尚未登记到中心服务器（离线工作）",
                     "首次启动时按提示登记，或运行 onewindow enrol --server 地址 --code 登记码（离线：--setup-file 文件）")
    try:
        import requests

        resp = requests.get(url.rstrip("/") + "/health", timeout=(3, 5))
        ok = resp.status_code == 200
        return Check("中心服务器 / server", False, ok, f"{url} → HTTP {resp.status_code}")
    except Exception as exc:
        return Check("中心服务器 / server", False, False, f"{url} 无法连接：{type(exc).__name__}",
                     "检查网络；离线时仍可受理，联网后自动同步")


def run_checks(root: Path, today: date, server_url: str | None = None,
               extra: list[Callable[[], Check]] | None = None, *, demo: bool = False) -> list[Check]:
    """All checks in report order; `extra` lets ui/ add what needs Qt (printers)."""
    checks = [check_data_dir(root), check_database(root), check_audit(root), check_fonts(),
              check_calendar(root, today), check_keyring(production=not demo)]
    checks += [f() for f in extra or []]
    checks.append(check_server(server_url if server_url is not None else enrolled_server_url(root)))
    return checks


def format_report(checks: list[Check]) -> tuple[str, int]:
    """The printed report and the exit code (1 only when something required fails)."""
    lines = []
    for c in checks:
        mark = "✔" if c.ok else ("✘" if c.required else "!")
        kind = "必需 required" if c.required else "建议 recommended"
        lines.append(f"{mark} [{kind}] {c.name}: {c.detail}")
        if not c.ok and c.fix:
            lines.append(f"    → {c.fix}")
    failed = [c for c in checks if c.required and not c.ok]
    lines.append("结论 / result: " + ("就绪 ready" if not failed else f"{len(failed)} 项必需检查未通过 not ready"))
    return "\n".join(lines), 1 if failed else 0
