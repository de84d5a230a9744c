"""一件事 themes in the server's catalog: checked when a catalog is imported, and read to route a bundle's
parts to their department's window (the server's own catalog decides, never what a workstation sent)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import changes
from server.models import Case, ReferenceDoc, Window


def theme_problems(doc: dict[str, Any], windows: dict[str, str]) -> list[str]:
    """What is wrong with the catalog document's themes (empty when nothing): every part an item of this
    catalog, at a window of the item's own department, 前置 only parts of the same theme, and no circle.

    `windows`: window code → department code, as the server holds them.
    """
    items = {str(i.get("code")): i for i in doc.get("items", []) if isinstance(i, dict)}
    problems: list[str] = []
    for theme in doc.get("themes", []):
        name = theme.get("name") or theme.get("code") or "?"
        parts = theme.get("parts") or []
        if not theme.get("code") or not parts:
            problems.append(f"一件事“{name}”缺少编码或事项")
            continue
        if theme.get("window_code") not in windows:
            problems.append(f"一件事“{name}”的受理窗口 {theme.get('window_code')} 不存在")
        codes = [p.get("item_code") for p in parts]
        for part in parts:
            item = items.get(part.get("item_code", ""))
            if item is None:
                problems.append(f"一件事“{name}”的事项 {part.get('item_code')} 不在本目录中")
                continue
            if windows.get(part.get("window_code", "")) != item.get("department_code"):
                problems.append(f"一件事“{name}”的事项 {item['code']} 应由本部门窗口办理")
            problems += [f"一件事“{name}”的前置事项 {a} 不是本件事的事项" for a in part.get("after", [])
                         if a not in codes]
        if not problems and _has_circle(parts):
            problems.append(f"一件事“{name}”的前置顺序成环")
    return problems


def _has_circle(parts: list[dict[str, Any]]) -> bool:
    after = {p["item_code"]: set(p.get("after", [])) for p in parts}
    done: set[str] = set()
    while len(done) < len(after):
        ready = {c for c, a in after.items() if c not in done and a <= done}
        if not ready:
            return True
        done |= ready
    return False


def window_departments(session: Session) -> dict[str, str]:
    """Window code → department code, as this server holds them."""
    return dict(session.execute(select(Window.code, Window.department_code)).all())


def part_window(session: Session, intake_window: str, item_code: str) -> str | None:
    """The window that handles `item_code` as a part of a bundle received at `intake_window`, from the
    current catalog; None when no theme is received there (not a comprehensive window) or no such item."""
    doc = session.execute(select(ReferenceDoc.doc_json).where(ReferenceDoc.kind == "catalog",
                                                              ReferenceDoc.current.is_(True))
                          .order_by(ReferenceDoc.id.desc()).limit(1)).scalar_one_or_none()
    if doc is None:
        return None
    catalog = json.loads(doc)
    received_here = False
    for theme in catalog.get("themes", []):
        if theme.get("window_code") != intake_window:
            continue
        received_here = True
        for part in theme.get("parts", []):
            if part.get("item_code") == item_code:
                return str(part.get("window_code"))
    if not received_here:
        return None
    # 自选“一件事” (items added by hand at a comprehensive window, app/bundles/adhoc.py): by the item's department —
    # the comprehensive window itself when it is that department's, else the department's first window.
    item = next((i for i in catalog.get("items", []) if isinstance(i, dict) and i.get("code") == item_code), None)
    intake = session.get(Window, intake_window)
    if item is None or intake is None:
        return None
    if item.get("department_code") == intake.department_code:
        return intake_window
    return session.execute(select(Window.code).where(Window.department_code == item.get("department_code"))
                           .order_by(Window.number).limit(1)).scalar_one_or_none()


def fan_out(session: Session, case_id: str, window_code: str, record: dict[str, Any], now: datetime) -> None:
    """A bundle part's record also goes down to the comprehensive window that follows the bundle, and a
    前置's decision (and what follows it) to the windows of the parts waiting on it (their workstations start or
    stop them).

    The parts are found by the bundle id in the stored records (a scan of LIKE; fine for a hall's bundles,
    a column of its own when it is not)."""
    bundle_id = record.get("bundle_id")
    if not bundle_id:
        return
    windows = {record.get("bundle_window")} - {None, window_code}
    # Once decided, every later change too: the windows holding a copy of the 前置 keep it current.
    if record.get("state") in ("approved", "denied", "certificate_issued", "delivered"):
        for other in session.execute(select(Case).where(Case.record_json.contains(str(bundle_id)),
                                                        Case.id != case_id)).scalars():
            if case_id in json.loads(json.loads(other.record_json).get("bundle_after") or "[]"):
                windows.add(other.window_code)
    for code in sorted(windows - {window_code}):
        changes.append(session, "case", case_id, code, record, now)


# What the comprehensive window needs of a certificate made for a part at another window (the register's facts).
CERTIFICATE_KEYS = ("certificate_id", "number", "type_code", "type_name", "case_id", "holder_name",
                    "holder_id_number", "issued_on", "valid_from", "valid_to", "status", "replaces_id", "void_reason",
                    "fields")


def certificate_fan_out(session: Session, device_window: str, payload: dict[str, Any], now: datetime) -> None:
    """A certificate issued, reissued or voided for a 一件事 part goes down to the comprehensive window that
    received the bundle (from the server's own case record), which hands it over with the rest."""
    case = session.get(Case, str(payload.get("case_id") or ""))
    if case is None:
        return
    window = json.loads(case.record_json).get("bundle_window")
    if window and window != device_window and case.window_code == device_window:
        changes.append(session, "certificate", str(payload.get("certificate_id") or payload.get("number")), window,
                       {k: payload.get(k) for k in CERTIFICATE_KEYS}, now)
