"""The entry point: `onewindow [--demo]` starts the window; doctor / samples / verify are subcommands.

This module is the composition root: it may import everything, and it keeps Qt out of the
subcommands that do not need a window (doctor imports Qt only for the printer list).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.core.paths import default_data_dir


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="onewindow", description="OneWindow 窗口受理客户端")
    p.add_argument("--demo", action="store_true", help="使用内置演示大厅数据（独立的数据目录）")
    p.add_argument("--data-dir", type=Path, help="数据目录（默认按用户，演示模式另用一个）")
    p.add_argument("--as", dest="as_user", help="仅演示模式：以该演示账号直接登录")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("doctor", help="检查本机是否就绪")
    v = sub.add_parser("verify", help="核验一份电子签章文书（PDF）")
    v.add_argument("file", type=Path)
    sm = sub.add_parser("samples", help="为模板审核生成每一种文书的样张")
    sm.add_argument("outdir", type=Path)
    sm.add_argument("--name", default="王䶮", help="申请人姓名（可用长名或生僻字）")
    sm.add_argument("--org", default="", help="申请单位名称（给出时以单位为申请人）")
    sub.add_parser("recovery-key", help="显示本机数据的恢复密钥（只显示一次，交大厅管理员保管）")
    rs = sub.add_parser("restore", help="从备份恢复数据库（程序须已关闭）")
    rs.add_argument("backup", type=Path)
    rs.add_argument("--recovery-key", help="在另一台工作站上恢复时，输入大厅管理员保管的恢复密钥")
    en = sub.add_parser("enrol", help="登记本机到中心服务器（新工作站首次运行，无需登录）")
    en.add_argument("--server", help="中心服务器地址，如 https://onewindow.example")
    en.add_argument("--code", help="大厅管理员给出的一次性登记码")
    en.add_argument("--setup-file", type=Path, help="离线安装：大厅管理员导出的设置文件")
    en.add_argument("--name", help="工作站名称（默认本机主机名）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.data_dir or default_data_dir(args.demo)
    if args.command == "doctor":
        from ui.system.doctor_cli import run_doctor

        return run_doctor(root, demo=args.demo)
    if args.command == "verify":
        from ui.system.verify_cli import run_verify

        return run_verify(root, args.file, demo=args.demo)
    if args.command == "enrol":
        from ui.system.enrol_cli import run_enrol

        return run_enrol(root, server=args.server, code=args.code, setup_file=args.setup_file, name=args.name,
                         demo=args.demo)
    if args.command == "samples":
        from ui.system.samples_cli import run_samples

        return run_samples(root, args.outdir, name=args.name, org=args.org, demo=True)
    if args.command == "recovery-key":
        from ui.system.keys_cli import run_recovery_key

        return run_recovery_key(root)
    if args.command == "restore":
        from ui.system.keys_cli import run_restore

        return run_restore(root, args.backup, args.recovery_key)
    from ui.system.pyside_sources import keep_no_sources

    keep_no_sources()  # before the window's imports, or PySide6 keeps their source text (~25 MiB)
    from ui.system.gui import run_gui

    return run_gui(root, demo=args.demo, as_user=args.as_user)


if __name__ == "__main__":
    sys.exit(main())
