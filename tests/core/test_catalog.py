"""Finding items by name, code and pinyin initials; the whole guide comes back."""

from __future__ import annotations

from sqlalchemy import select

from app.core.auth import login
from app.core.context import Actor, AppContext
from app.reference.catalog import get_item, pinyin_keys, search_items
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Staff


def _clerk(ctx: AppContext) -> Actor:
    with ctx.read() as s:
        user = s.execute(select(Staff.username).where(Staff.role == "clerk")).scalars().first()
    return login(ctx, user, DEMO_PASSWORD)


def test_pinyin_keys() -> None:
    assert pinyin_keys("食品经营许可") == ("spjyxk", "shipinjingyingxuke")
    assert pinyin_keys("公共场所卫生许可")[0] == "ggcswsxk"


def test_initials_find_food_business_licence(ctx: AppContext) -> None:
    names = [i.name for i in search_items(ctx, _clerk(ctx), "spjy")]
    assert names and names[0].startswith("食品经营许可")


def test_upper_case_initials_and_name_fragment(ctx: AppContext) -> None:
    actor = _clerk(ctx)
    assert any(i.name == "公共场所卫生许可" for i in search_items(ctx, actor, "GGCS"))
    assert all("卫生" in i.name for i in search_items(ctx, actor, "卫生"))


def test_code_search(ctx: AppContext) -> None:
    actor = _clerk(ctx)
    every = search_items(ctx, actor, "")
    assert len(every) >= 30
    code = every[5].code
    assert search_items(ctx, actor, code)[0].code == code


def test_nothing_found(ctx: AppContext) -> None:
    assert search_items(ctx, _clerk(ctx), "不存在的事项xyz") == []


def test_like_wildcards_are_literal(ctx: AppContext) -> None:
    assert search_items(ctx, _clerk(ctx), "%") == []


def test_guide_is_complete(ctx: AppContext) -> None:
    actor = _clerk(ctx)
    item = next(i for i in search_items(ctx, actor, "食品经营许可") if i.name == "食品经营许可")
    g = get_item(ctx, actor, item.id)
    assert g.basis and g.conditions and g.location and g.enquiry_phone and g.complaint_phone
    assert g.legal_days > 0 and 0 < g.promised_days <= g.legal_days // 2
    assert g.materials and all(m.name and m.form in {"original", "copy", "original_and_copy"} for m in g.materials)
    assert g.processing_label in {"即办件", "承诺件", "上报件"}
    assert g.speed_up_rate is not None and g.speed_up_rate >= 0.5
