"""`onewindow enrol`: enrol a new workstation before anyone can sign in (online, or with a set-up file)."""

from __future__ import annotations

import socket
from pathlib import Path

from app.core.context import AppContext
from app.core.errors import AppError
from app.station.bootstrap import open_data_dir
from app.station.recovery_handover import finish_handover, pending_handover
from app.sync.credentials import CredentialStore
from app.sync.first_run import enrol_from_file, enrol_workstation

RECOVERY_INTRO = ("本工作站数据的恢复密钥（只显示这一次）。请抄写在纸上，交大厅管理员保管，不要存放在本机；"
                  "本机损坏或更换后，只有用它才能打开本机的备份：")
RECOVERY_LATER = "密钥已从本机删除。抄写后请核对一遍。"


def run_enrol(root: Path, *, server: str | None, code: str | None, setup_file: Path | None, name: str | None,
              demo: bool = False) -> int:
    if setup_file is None and not (server and code):
        print("错误：请给出 --server 与 --code（联网登记），或 --setup-file（离线安装）")
        return 2
    try:
        ctx = open_data_dir(root, demo=demo)
    except AppError as exc:
        print(f"错误：{exc.message}")
        return 1
    label = name or socket.gethostname()
    try:
        store = CredentialStore(demo=demo)
        if setup_file is not None:
            result = enrol_from_file(ctx, setup_file, label, store)
        else:
            assert server is not None and code is not None
            result = enrol_workstation(ctx, server, code, label, store)
        print(result.message)
        _hand_over_recovery_key(ctx, label)
    except AppError as exc:  # ValidationError and the client's refusals are AppErrors with Chinese messages
        print(f"错误：{exc.message}")
        return 1
    finally:
        ctx.dispose()
    return 0


def _hand_over_recovery_key(ctx: AppContext, label: str) -> None:
    """On the terminal there is no printer button: the key is shown once, to be copied onto paper."""
    handover = pending_handover(ctx, None, label)
    if handover is None:
        return
    print()
    print(RECOVERY_INTRO)
    print(f"    {handover.key}")
    print(RECOVERY_LATER)
    finish_handover(ctx, None, printed=False, via="command_line")
