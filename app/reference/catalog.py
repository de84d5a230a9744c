"""The item catalog: find an item by name, code or pinyin initials, and read its whole guide."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.core.auth import Action, require
from app.core.commitment_terms import CommitmentTerms, from_json
from app.core.context import Actor, AppContext
from app.core.errors import NotFound, ValidationError
from app.core.promise_rules import below_target, promise_warning, speed_up_rate
from db.models import CatalogTheme, CatalogVersion, Department, Item, Window

PROCESSING_LABELS = {"immediate": "即办件", "promised": "承诺件", "forwarded": "上报件"}
REVIEW_LABELS = {"single": "一审制", "double": "一审一核制"}
FORM_LABELS = {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件"}


def for_agent(material_name: str) -> bool:
    """The power of attorney (and the agent's ID) is asked for only when someone applies through an agent."""
    return material_name.startswith("授权委托书")


@dataclass(frozen=True)
class MaterialSpec:
    """A required material as published in the item guide."""

    id: int
    seq: int
    name: str
    form: str
    copies: int
    template: str
    may_defer: bool
    note: str

    @property
    def form_label(self) -> str:
        return FORM_LABELS.get(self.form, self.form)

    @property
    def for_agent(self) -> bool:
        return for_agent(self.name)


@dataclass(frozen=True)
class ItemSummary:
    """One line of the catalog list."""

    id: int
    code: str
    name: str
    department: str
    processing_type: str
    review_mode: str
    legal_days: int
    promised_days: int
    pinyin_initials: str = ""  # as stored on the item at import (ranking needs no pinyin library)

    @property
    def below_target(self) -> bool:
        """Its promise is more than half its legal limit (提速率 < 50 %): the catalog page marks it."""
        return below_target(self.processing_type, self.legal_days, self.promised_days)


@dataclass(frozen=True)
class ItemGuide:
    """The whole published guide of an item (行政许可法 art. 30)."""

    id: int
    code: str
    name: str
    department_id: int
    department: str
    kind: str
    basis: str
    conditions: str
    processing_type: str
    review_mode: str
    site_visit: bool
    expert_review: bool
    legal_days: int
    promised_days: int
    fee: str
    fee_basis: str
    location: str
    enquiry_phone: str
    complaint_phone: str
    certificate_type_code: str | None
    materials: tuple[MaterialSpec, ...]
    commitment: CommitmentTerms | None = None  # 告知承诺 terms (all applicants or optional), None for none

    @property
    def processing_label(self) -> str:
        return PROCESSING_LABELS.get(self.processing_type, self.processing_type)

    @property
    def review_label(self) -> str:
        return REVIEW_LABELS.get(self.review_mode, self.review_mode)

    @property
    def speed_up_rate(self) -> float | None:
        """提速率 = 1 − promised / legal (None when there is no legal limit)."""
        return speed_up_rate(self.legal_days, self.promised_days)

    @property
    def promise_warning(self) -> str | None:
        """提速率 below the 50 % line, in words (None when the promise meets it)."""
        return promise_warning(self.code, self.name, self.processing_type, self.legal_days, self.promised_days)


def pinyin_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name, lower-case, for 'spjy' → 食品经营许可.

    Imported here, not at start: pypinyin costs 0.36 s and 57 MiB, and only a catalog import needs it
    (searching uses the initials stored on each item).
    """
    from pypinyin import Style, lazy_pinyin

    initials = "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if p)
    full = "".join(lazy_pinyin(name, errors="ignore"))
    return initials.lower(), full.lower()


def _current_version_id(session: Session) -> int | None:
    return session.execute(
        select(CatalogVersion.id).where(CatalogVersion.current.is_(True))
    ).scalar_one_or_none()


def search_items(ctx: AppContext, actor: Actor, query: str, limit: int = 200) -> list[ItemSummary]:
    """Items matching a name fragment, code, or pinyin initials / spelling; best matches first."""
    require(actor, Action.BROWSE_CATALOG)
    q = query.strip()
    with ctx.read() as s:
        version = _current_version_id(s)
        stmt = (select(Item, Department.name).join(Department, Item.department_id == Department.id)
                .where(Item.catalog_version_id == version, Item.active.is_(True)))
        if q:
            low = q.lower().replace(" ", "")
            like = f"%{_escape(low)}%"
            stmt = stmt.where(or_(
                Item.name.like(f"%{_escape(q)}%", escape="\\"),
                Item.code.ilike(f"{_escape(q)}%", escape="\\"),
                Item.pinyin_initials.like(like, escape="\\"),
                Item.pinyin_full.like(like, escape="\\"),
            ))
        rows = s.execute(stmt.order_by(Item.code).limit(limit)).all()
    result = [ItemSummary(i.id, i.code, i.name, dept, i.processing_type, i.review_mode,
                          i.legal_days, i.promised_days, i.pinyin_initials or "") for i, dept in rows]
    if q:
        result.sort(key=lambda it: _rank(it, q))
    return result


def slow_promises(ctx: AppContext, actor: Actor) -> list[str]:
    """The current catalog's items whose promise is more than half the legal limit, as warnings."""
    return [w for it in search_items(ctx, actor, "", limit=100_000)
            if (w := promise_warning(it.code, it.name, it.processing_type, it.legal_days, it.promised_days))]


def _rank(item: ItemSummary, q: str) -> tuple[int, str]:
    low = q.lower()
    if item.code == q or item.name == q:
        return (0, item.code)
    if item.name.startswith(q) or item.code.startswith(q):
        return (1, item.code)
    if item.pinyin_initials.startswith(low):
        return (2, item.code)
    return (3, item.code)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_item(ctx: AppContext, actor: Actor, item_id: int) -> ItemGuide:
    """The whole guide of one item."""
    require(actor, Action.BROWSE_CATALOG)
    with ctx.read() as s:
        item = s.execute(select(Item).options(selectinload(Item.materials)).where(Item.id == item_id)
                         ).scalar_one_or_none()
        if item is None:
            raise NotFound("事项不存在")
        return guide_of(item)


def get_item_by_code(session: Session, code: str) -> Item | None:
    """The current catalog's item with this code (for other use cases)."""
    return session.execute(select(Item).where(
        Item.catalog_version_id == _current_version_id(session), Item.code == code)).scalar_one_or_none()


def guide_of(item: Item) -> ItemGuide:
    """An ItemGuide DTO from a loaded row."""
    return ItemGuide(
        item.id, item.code, item.name, item.department_id, item.department.name, item.kind, item.basis,
        item.conditions, item.processing_type, item.review_mode, item.site_visit, item.expert_review,
        item.legal_days, item.promised_days, item.fee, item.fee_basis, item.location, item.enquiry_phone,
        item.complaint_phone, item.certificate_type_code,
        tuple(MaterialSpec(m.id, m.seq, m.name, m.form, m.copies, m.template, m.may_defer, m.note)
              for m in item.materials),
        from_json(item.commitment_json or ""),
    )


# --------------------------------------------------------------------------- 一件事 themes

_FORM_RANK = {"copy": 0, "original": 1, "original_and_copy": 2}


@dataclass(frozen=True)
class ThemePart:
    """One item of a theme, the window of its department that handles it, and the parts it waits on."""

    item_id: int
    item_code: str
    item_name: str
    department_id: int
    department: str
    window_code: str
    after: tuple[str, ...]  # item codes of its 前置 parts
    legal_days: int
    promised_days: int
    window: str = ""  # as the clerk knows it: "A02 市场监管登记注册窗口"


@dataclass(frozen=True)
class ThemePaper:
    """A paper of the merged list: collected once however many parts need it (the strictest form and the
    most copies any of them asks for)."""

    key: str
    name: str
    form: str
    copies: int
    may_defer: bool
    item_codes: tuple[str, ...]
    from_part: str = ""  # item code of the part whose certificate this is (shared within the hall, not asked)

    @property
    def for_agent(self) -> bool:
        return for_agent(self.name)


@dataclass(frozen=True)
class Theme:
    """一件事: a named set of items across departments with one form and one list of papers."""

    code: str
    name: str
    window_code: str
    fields: tuple[tuple[str, str], ...]  # (key, label) of the combined form's shared fields
    parts: tuple[ThemePart, ...]
    papers: tuple[ThemePaper, ...]
    same_papers: tuple[tuple[str, ...], ...]

    def paper_key(self, material_name: str) -> str:
        """The merged list's key of an item's material (one paper under several names has one key)."""
        return next((group[0] for group in self.same_papers if material_name in group), material_name)


def list_themes(ctx: AppContext, actor: Actor) -> list[Theme]:
    """The current catalog's 一件事 themes."""
    require(actor, Action.BROWSE_CATALOG)
    with ctx.read() as s:
        rows = s.execute(select(CatalogTheme).where(CatalogTheme.catalog_version_id == _current_version_id(s))
                         .order_by(CatalogTheme.code)).scalars().all()
        return [theme_of(s, json.loads(r.spec_json)) for r in rows]


def get_theme(session: Session, code: str) -> Theme:
    """A theme of the current catalog, for the bundle use cases."""
    row = session.execute(select(CatalogTheme).where(
        CatalogTheme.catalog_version_id == _current_version_id(session), CatalogTheme.code == code)
    ).scalar_one_or_none()
    if row is None:
        raise ValidationError("theme", "请选择“一件事”主题")
    return theme_of(session, json.loads(row.spec_json))


def theme_of(session: Session, spec: dict[str, Any]) -> Theme:
    """A Theme from the catalog's JSON, with its items read from the current catalog."""
    same = tuple(tuple(group) for group in spec.get("same_papers", []))
    from_parts = dict(spec.get("from_parts", {}))
    parts: list[ThemePart] = []
    merged: dict[str, dict[str, Any]] = {}
    theme = Theme(spec["code"], spec["name"], spec.get("window_code", ""),
                  tuple((f["key"], f["label"]) for f in spec.get("fields", [])), (), (), same)
    windows = {w.code: f"{w.number} {w.name}" for w in session.execute(select(Window)).scalars()}
    for p in spec["parts"]:
        item = session.execute(select(Item).options(selectinload(Item.materials)).where(
            Item.catalog_version_id == _current_version_id(session), Item.code == p["item_code"])).scalar_one_or_none()
        if item is None:
            raise NotFound(f"一件事“{spec['name']}”的事项 {p['item_code']} 不在当前目录中")
        parts.append(ThemePart(item.id, item.code, item.name, item.department_id, item.department.name,
                               p["window_code"], tuple(p.get("after", [])), item.legal_days, item.promised_days,
                               windows.get(p["window_code"], p["window_code"])))
        for m in item.materials:
            key = theme.paper_key(m.name)
            got = merged.setdefault(key, {"name": key, "form": m.form, "copies": m.copies, "may_defer": m.may_defer,
                                          "items": [], "from_part": from_parts.get(key, "")})
            got["form"] = max(got["form"], m.form, key=lambda f: _FORM_RANK.get(f, 0))
            got["copies"], got["may_defer"] = max(got["copies"], m.copies), got["may_defer"] and m.may_defer
            got["items"].append(item.code)
    papers = tuple(ThemePaper(k, v["name"], v["form"], v["copies"], v["may_defer"], tuple(v["items"]),
                              v["from_part"]) for k, v in merged.items())
    return Theme(theme.code, theme.name, theme.window_code, theme.fields, tuple(parts), papers, same)
