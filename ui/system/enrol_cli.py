"""`onewindow enrol`: enrol a new workstation before anyone can sign in (online, or with a set-up file)."""

from __future__ import annotations

import socket
from pathlib import Path

from app.core.errors import AppError
from app.station.bootstrap import open_data_dir
from app.sync.credentials import CredentialStore
from app.sync.first_run import enrol_from_file, enrol_workstation


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
    except AppError as exc:  # ValidationError and the client's refusals are AppErrors with Chinese messages
        print(f"错误：{exc.message}")
        return 1
    finally:
        ctx.dispose()
    print(result.message)
    return 0
