"""The administrator's command line: serve, load the hall, staff, enrolment codes, delegations, seals, catalog, calendar."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.sync.protocol import ProtocolError
from server import admin
from server.cases import Rejected, decide_forwarded
from server.config import ServerConfig, default_db_url
from server.db import create_schema, make_engine, session_factory, transaction
from server.migrate import SchemaError
from server.models import Hall
from server.security import hash_password


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="onewindow-server", description="OneWindow 中心服务器")
    p.add_argument("--db", help="数据库 URL（sqlite:///… 或 postgresql://…；默认 ONEWINDOW_SERVER_DB 或本机文件）")
    p.add_argument("--demo", action="store_true", help="使用演示大厅数据（独立的数据库），未给子命令时即启动服务")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--tls-cert", type=Path, help="服务器证书（PEM，由大厅 CA 签发）；与 --tls-key 一起启用 HTTPS")
    p.add_argument("--tls-key", type=Path, help="服务器证书的私钥（PEM）")
    p.add_argument("--behind-proxy", action="store_true",
                   help="由反向代理（nginx 等）终结 HTTPS，本服务只监听代理可达的地址")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("serve", help="启动服务（默认）")
    sub.add_parser("init", help="建表（已有的数据库升级到本程序的版本）")
    sub.add_parser("migrate", help="将数据库升级到本程序的版本（SQLite 文件先在旁边留一份副本）")
    lh = sub.add_parser("load-hall", help="导入大厅、部门、窗口、人员、印章与授权（hall.json 格式）")
    lh.add_argument("file", type=Path)
    st = sub.add_parser("staff", help="人员账号").add_subparsers(dest="action", required=True)
    c = st.add_parser("create")
    c.add_argument("username")
    c.add_argument("--name", required=True)
    c.add_argument("--role", required=True, choices=admin.ROLES)
    c.add_argument("--window")
    c.add_argument("--password", help="不给出时提示输入")
    r = st.add_parser("reset-password")
    r.add_argument("username")
    r.add_argument("--password")
    for name in ("lock", "unlock"):
        st.add_parser(name).add_argument("username")
    ec = sub.add_parser("enrol-code", help="生成工作站登记码（一次性）")
    ec.add_argument("--window", required=True)
    ec.add_argument("--hours", type=int, default=24)
    sf = sub.add_parser("setup-file", help="导出离线安装用的工作站设置文件（含一次性登记码与大厅数据）")
    sf.add_argument("--window", required=True)
    sf.add_argument("--out", required=True, type=Path)
    sf.add_argument("--server", help="工作站连接本服务器用的地址（默认 ONEWINDOW_SERVER_URL 或 http://HOST:PORT）")
    sf.add_argument("--hours", type=int, default=24 * 7)
    dl = sub.add_parser("delegation", help="首席代表授权").add_subparsers(dest="action", required=True)
    a = dl.add_parser("add")
    a.add_argument("--item", required=True)
    a.add_argument("--chief", required=True)
    a.add_argument("--from", dest="valid_from", type=date.fromisoformat, required=True)
    a.add_argument("--to", dest="valid_to", type=date.fromisoformat)
    rv = dl.add_parser("revoke")
    rv.add_argument("--item", required=True)
    rv.add_argument("--chief", required=True)
    se = sub.add_parser("seal", help="印章状态").add_subparsers(dest="action", required=True)
    for name in ("revoke", "seal-away", "lost", "reactivate"):
        sp = se.add_parser(name)
        sp.add_argument("code")
        sp.add_argument("--reason", default="")
    cat = sub.add_parser("catalog", help="事项目录").add_subparsers(dest="action", required=True)
    cat.add_parser("import").add_argument("file", type=Path)
    ct = sub.add_parser("certificate-types", help="证照类型").add_subparsers(dest="action", required=True)
    ct.add_parser("import").add_argument("file", type=Path)
    cal = sub.add_parser("calendar", help="工作日历").add_subparsers(dest="action", required=True)
    cal.add_parser("update", help="导入一年的官方放假安排（JSON）").add_argument("file", type=Path)
    d = sub.add_parser("decide", help="登记上报件的后台审批决定")
    d.add_argument("case_no")
    d.add_argument("outcome", choices=("approve", "deny"))
    d.add_argument("--opinion", required=True)
    d.add_argument("--by", required=True, help="决定机关或处室")
    d.add_argument("--content", default="", help="准予：许可内容（范围、条件）")
    d.add_argument("--validity", default="", help="准予：有效期限")
    d.add_argument("--reasons", default="", help="不予：理由")
    d.add_argument("--basis", default="", help="不予：法律依据")
    return p


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("新密码：")
    if first != getpass.getpass("再次输入："):
        raise admin.AdminError("两次输入的密码不一致")
    return first


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def ensure_demo(session: Session, config: ServerConfig) -> bool:
    """First start of the demo server: the demo hall, catalog and certificate types (password demo2026)."""
    if session.execute(select(Hall.code)).first() is not None:
        return False
    now = config.now()
    admin.load_hall(session, _read(admin.DEMO_DIR / "hall.json"), hash_password(admin.DEMO_PASSWORD), now)
    admin.import_catalog(session, _read(admin.DEMO_DIR / "items.json"), now)
    types = admin.DEMO_DIR / "certificate_types.json"
    if types.exists():
        admin.load_certificate_types(session, _read(types), now)
    return True


def _setup_file(args: argparse.Namespace, s: Session, now: Any) -> str:
    import os
    from datetime import timedelta

    from server import setup_file

    url = args.server or os.environ.get("ONEWINDOW_SERVER_URL") or f"http://{args.host}:{args.port}"
    doc = setup_file.build(s, args.window, url, timedelta(hours=args.hours), now)
    args.out.write_text(setup_file.encode(doc), encoding="utf-8")
    return (f"设置文件已写入 {args.out}（窗口 {doc['window']}，服务器 {doc['server_url']}，登记码 {doc['expires_at'][:16]} 前有效）。"
            "文件含登记码与人员密码摘要，请用移动存储当面交付，用后删除。")


def _command(args: argparse.Namespace, s: Session, now: Any, config: ServerConfig) -> str:
    cmd, action = args.command, getattr(args, "action", None)
    if cmd == "init":
        return "数据库已就绪"
    if cmd == "load-hall":
        admin.load_hall(s, _read(args.file), "", now)
        return "大厅数据已导入（新人员须由管理员设置密码）"
    if cmd == "staff":
        if action == "create":
            admin.create_staff(s, args.username, args.name, args.role, args.window, _password(args.password), now)
        elif action == "reset-password":
            admin.reset_password(s, args.username, _password(args.password), now)
        else:
            admin.set_locked(s, args.username, action == "lock", now)
        return f"人员 {args.username}：{action} 完成"
    if cmd == "enrol-code":
        from datetime import timedelta

        return admin.new_code(s, args.window, timedelta(hours=args.hours), now)
    if cmd == "setup-file":
        return _setup_file(args, s, now)
    if cmd == "delegation":
        if action == "add":
            admin.add_delegation(s, args.item, args.chief, args.valid_from, args.valid_to, now)
        else:
            admin.revoke_delegation(s, args.item, args.chief, now)
        return f"授权 {args.item} / {args.chief}：{action} 完成"
    if cmd == "seal":
        status = {"revoke": "revoked", "seal-away": "sealed_away", "lost": "lost", "reactivate": "active"}[action]
        admin.set_seal_status(s, args.code, status, now, args.reason)
        return f"印章 {args.code} 已改为 {status}"
    if cmd == "catalog":
        doc = _read(args.file)
        label = admin.import_catalog(s, doc, now)
        warnings = "".join(f"\n警告：{w}" for w in admin.import_warnings(doc))
        return f"事项目录 {label} 已导入并启用{warnings}"
    if cmd == "certificate-types":
        admin.load_certificate_types(s, _read(args.file), now)
        return "证照类型已导入"
    if cmd == "calendar":
        return f"{admin.update_calendar(s, _read(args.file), now)} 年官方放假安排已导入"
    if cmd == "decide":
        record = decide_forwarded(s, args.case_no, args.outcome, args.opinion, args.by, now, content=args.content,
                                  validity=args.validity, reasons=args.reasons, basis=args.basis)
        return f"办件 {args.case_no} 已登记为 {record['state']}"
    raise admin.AdminError(f"未知命令 {cmd}")


def _schema(engine: Engine, command: str | None) -> bool:
    """Bring the database to head before any command; False (and why, printed) when it is refused.

    serve, init and migrate always say where the database stands; the other commands only when an old
    database was upgraded, so their output stays what scripts read."""
    try:
        migration = create_schema(engine)
    except SchemaError as exc:
        print(f"错误：{exc}")
        return False
    if command in (None, "serve", "init", "migrate") or migration.changed_old_database:
        prefix = "启动前检查数据库：" if command in (None, "serve") else ""
        print(prefix + migration.describe())
    return True


def run(argv: list[str], serve: Callable[[ServerConfig, str, int], None] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = ServerConfig(args.db or default_db_url(args.demo))
    engine = make_engine(config.db_url)
    if not _schema(engine, args.command):
        engine.dispose()
        return 1
    if args.command == "migrate":
        engine.dispose()
        return 0
    if args.command in (None, "serve"):
        if args.demo:
            with transaction(session_factory(engine)) as s:
                ensure_demo(s, config)
                code = admin.new_code(s, "W01", config.enrol_code_ttl, config.now())
            print(f"演示中心服务器：http://{args.host}:{args.port}  （接口说明 /docs，演示密码 {admin.DEMO_PASSWORD}）")
            print(f"A01 窗口工作站登记码：{code}（24 小时内有效，仅可使用一次）")
        engine.dispose()
        refused = _tls_refusal(args)
        if refused:
            print(f"错误：{refused}")
            return 2
        tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
        (serve or (lambda c, h, p: _serve(c, h, p, tls)))(config, args.host, args.port)
        return 0
    try:
        with transaction(session_factory(engine)) as s:
            if args.demo:
                ensure_demo(s, config)
            print(_command(args, s, config.now(), config))
    except (admin.AdminError, Rejected, ProtocolError, OSError, ValueError) as exc:
        print(f"错误：{getattr(exc, 'reason', None) or exc}")
        return 1
    finally:
        engine.dispose()
    return 0


def _tls_refusal(args: argparse.Namespace) -> str | None:
    """Citizens' data never crosses the hall network in clear: off this machine, HTTPS or a TLS proxy."""
    import ipaddress

    if bool(args.tls_cert) != bool(args.tls_key):
        return "--tls-cert 与 --tls-key 须同时给出"
    try:
        on_this_machine = args.host == "localhost" or ipaddress.ip_address(args.host).is_loopback
    except ValueError:  # a host name: only "localhost" is known to stay on this machine
        on_this_machine = False
    if args.tls_cert or args.behind_proxy or on_this_machine:
        return None
    return (f"监听 {args.host} 须启用 HTTPS：给出 --tls-cert/--tls-key（大厅 CA 签发的证书），"
            "或由反向代理终结 HTTPS 并加 --behind-proxy")


def _serve(config: ServerConfig, host: str, port: int, tls: tuple[Path, Path] | None = None) -> None:
    import uvicorn

    from server.api import create_app

    if tls is None:
        uvicorn.run(create_app(config), host=host, port=port, log_level="info")
    else:
        uvicorn.run(create_app(config), host=host, port=port, log_level="info",
                    ssl_certfile=str(tls[0]), ssl_keyfile=str(tls[1]))
