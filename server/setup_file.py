"""A workstation set-up file for an offline install: server address, a one-time code, the hall's reference data.

The client (`onewindow enrol --setup-file`) loads the reference data so staff can sign in at once, and
spends the code when the server is first reachable. The file holds password hashes and a live code:
it is handed over like the code itself (USB stick, not e-mail), and the code expires (--hours).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from server import admin, reference
from server.models import Device

FORMAT = "onewindow-setup"  # app/sync/first_run.SETUP_FORMAT reads it
NAMES = ("hall", "catalog", "calendar", "certificate-types")


def build(session: Session, window: str, server_url: str, ttl: timedelta, now: datetime) -> dict[str, Any]:
    row = admin.find_window(session, window)
    if not server_url.startswith(("https://", "http://")):
        raise admin.AdminError("中心服务器地址应形如 https://服务器名（工作站用它连接本服务器）")
    code = admin.new_code(session, row.code, ttl, now)
    # Reference documents are built per device; a transient one (never added) stands for the new workstation.
    device = Device(id="", code="", window_code=row.code)
    docs = {name: reference.build(session, name, device) for name in NAMES}
    return {"format": FORMAT, "version": 1, "server_url": server_url.rstrip("/"), "code": code,
            "window_code": row.code, "window": f"{row.number} {row.name}",
            "expires_at": (now + ttl).isoformat(), "reference": docs}


def encode(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1)
