"""自选“一件事”: items the clerk adds by hand at the comprehensive window when no theme of the catalog fits.

The items run in parallel (a 前置 order is the catalog's to declare, never the clerk's), with one form, one
merged list of papers and one handover, like a theme. Each part goes to the window the server would route it
to, by the same rule (server/themes.py part_window): the window a theme received here names for the item;
else the comprehensive window itself when the item is its own department's; else the department's first window.

A bundle keeps no copy of its hand-made theme: it is rebuilt from its parts (item and window of each case).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.reference.catalog import Theme, get_theme, theme_of
from db.models import Bundle, Case, CatalogTheme, CatalogVersion, Item, Window

ADHOC = "ADHOC"  # Bundle.theme_code of a hand-made bundle
MAX_ITEMS = 8


def _name(count: int) -> str:
    return f"自选“一件事”（{count} 个事项）"


def _current(session: Session) -> int | None:
    return session.execute(select(CatalogVersion.id).where(CatalogVersion.current.is_(True))).scalar_one_or_none()


def part_window(session: Session, intake: Window, item: Item) -> Window:
    """The window that handles `item` as a part of a bundle received at `intake` (the server's rule)."""
    version = _current(session)
    for row in session.execute(select(CatalogTheme.spec_json).where(CatalogTheme.catalog_version_id == version)):
        spec = json.loads(row[0])
        if spec.get("window_code") != intake.code:
            continue
        for part in spec.get("parts", []):
            if part.get("item_code") == item.code:
                return session.execute(select(Window).where(Window.code == part.get("window_code"))).scalar_one()
    if intake.department_id == item.department_id:
        return intake
    return session.execute(select(Window).where(Window.department_id == item.department_id)
                           .order_by(Window.number).limit(1)).scalar_one()


def comprehensive(session: Session, window_id: int) -> bool:
    """A window the catalog receives 一件事 at (the one place a hand-made one may be received too)."""
    window = session.get(Window, window_id)
    version = _current(session)
    return window is not None and any(json.loads(spec).get("window_code") == window.code for spec in session.execute(
        select(CatalogTheme.spec_json).where(CatalogTheme.catalog_version_id == version)).scalars())


def _spec(intake: Window, parts: list[tuple[str, str]]) -> dict[str, Any]:
    return {"code": ADHOC, "name": _name(len(parts)), "window_code": intake.code, "fields": [],
            "parts": [{"item_code": code, "window_code": window} for code, window in parts]}


def build_adhoc(session: Session, intake_window_id: int, item_codes: tuple[str, ...]) -> Theme:
    """The hand-made theme of these items at this comprehensive window (checked: 2–8 distinct current items)."""
    codes = list(dict.fromkeys(c.strip() for c in item_codes if c.strip()))
    if len(codes) < 2:
        raise ValidationError("theme", "自选“一件事”至少包含两个事项；只有一个事项请在“受理”页办理")
    if len(codes) > MAX_ITEMS:
        raise ValidationError("theme", f"自选“一件事”最多包含 {MAX_ITEMS} 个事项")
    intake = session.get(Window, intake_window_id)
    assert intake is not None
    version = _current(session)
    parts = []
    for code in codes:
        item = session.execute(select(Item).where(Item.catalog_version_id == version, Item.code == code)
                               ).scalar_one_or_none()
        if item is None:
            raise ValidationError("theme", f"事项 {code} 不在当前事项目录中")
        parts.append((code, part_window(session, intake, item).code))
    return theme_of(session, _spec(intake, parts))


def adhoc_theme(ctx: AppContext, actor: Actor, item_codes: tuple[str, ...]) -> Theme:
    """For the intake form: what the chosen items make (parts, windows, merged papers)."""
    require(actor, Action.INTAKE)
    if actor.window_id is None:
        raise ValidationError("theme", "本机未设置窗口，不能受理“一件事”")
    with ctx.read() as s:
        return build_adhoc(s, actor.window_id, item_codes)


def own_bundle(session: Session, actor: Actor, bundle_id: str, doing: str) -> Bundle:
    """The bundle, if this actor's window is the comprehensive window that received it (`doing`: 补正, 扫描 …)."""
    bundle = session.get(Bundle, bundle_id)
    if bundle is None:
        raise NotFound("一件事办件不存在")
    if actor.window_id != bundle.window_id:
        raise PermissionDenied(f"只能在受理该“一件事”的综合窗口{doing}")
    return bundle


def bundle_theme(session: Session, bundle: Bundle) -> Theme:
    """The theme a bundle was received under: the catalog's, or its hand-made one rebuilt from its parts."""
    if bundle.theme_code != ADHOC:
        return get_theme(session, bundle.theme_code)
    intake = session.get(Window, bundle.window_id)
    assert intake is not None
    rows = session.execute(select(Case.item_code, Window.code).join(Window, Window.id == Case.window_id)
                           .where(Case.bundle_id == bundle.id).order_by(Case.case_no)).all()
    return theme_of(session, _spec(intake, [(code, window) for code, window in rows]))
