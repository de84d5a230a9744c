"""一件事 themes: the demo catalog's three themes as the client reads them, the merged list of papers, and
the server's check of a catalog's themes at import."""

from __future__ import annotations

import copy
import json

import pytest

from app.core.auth import login
from app.core.context import AppContext
from app.core.paths import resources_dir
from app.reference.catalog import get_theme, list_themes
from app.station.bootstrap import DEMO_PASSWORD
from server.themes import theme_problems

DEMO_DIR = resources_dir() / "demo"
WINDOWS = {w["code"]: w["department_code"]
           for w in json.loads((DEMO_DIR / "hall.json").read_text(encoding="utf-8"))["windows"]}
CATALOG = json.loads((DEMO_DIR / "items.json").read_text(encoding="utf-8"))


def test_the_demo_catalog_has_three_themes(ctx: AppContext) -> None:
    themes = {t.name: t for t in list_themes(ctx, login(ctx, "zhangmin", DEMO_PASSWORD))}
    assert set(themes) == {"开办餐饮店", "开办歌舞娱乐场所", "开办书店"}
    food = themes["开办餐饮店"]
    assert [p.item_name for p in food.parts] == [
        "个体工商户设立登记", "食品经营许可", "公众聚集场所投入使用、营业前消防安全检查", "户外招牌设置审批"]
    assert [p.department for p in food.parts] == [
        "云岫市市场监督管理局", "云岫市市场监督管理局", "云岫市消防救援大队", "云岫市住房和城乡建设局"]
    assert [p.window_code for p in food.parts] == ["W02", "W02", "W08", "W04"]
    assert food.parts[0].after == () and all(p.after == ("330999-SJ-XK-004",) for p in food.parts[1:])
    assert [label for _, label in food.fields] == ["字号名称", "经营场所", "经营面积（平方米）", "经营范围"]


def test_a_paper_several_items_need_is_listed_once(ctx: AppContext) -> None:
    with ctx.read() as s:
        food = get_theme(s, "330999-YJS-001")
    papers = {p.key: p for p in food.papers}
    # 经营者身份证件 (registration) and 法定代表人（负责人）身份证件 (food licence) are one paper.
    person = papers["经营者身份证件"]
    assert person.item_codes == ("330999-SJ-XK-004", "330999-SJ-XK-001")
    assert person.form == "original_and_copy"
    assert "法定代表人（负责人）身份证件" not in papers
    # The premises paper: registration and the sign permit ask for it, once.
    assert papers["经营场所使用相关文件"].item_codes == ("330999-SJ-XK-004", "330999-ZJ-XK-005")
    # The business licence is what the 前置 produces: listed as coming from it, never asked of the applicant.
    licence = papers["营业执照"]
    assert licence.from_part == "330999-SJ-XK-004"
    assert set(licence.item_codes) == {"330999-SJ-XK-001", "330999-XF-XK-001", "330999-ZJ-XK-005"}
    # 22 materials in the four guides; licence 3 → 1, person 2 → 1, premises 2 → 1, the agent's papers 4 → 1.
    assert len(food.papers) == 22 - 2 - 1 - 1 - 3
    assert sum(p.for_agent for p in food.papers) == 1


def test_the_demo_themes_pass_the_servers_check() -> None:
    assert theme_problems(CATALOG, WINDOWS) == []


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["parts"][1].update(item_code="330999-XX-XK-999"), "不在本目录中"),
    (lambda t: t["parts"][2].update(window_code="W02"), "应由本部门窗口办理"),
    (lambda t: t["parts"][1].update(after=["330999-WG-XK-001"]), "不是本件事的事项"),
    (lambda t: t["parts"][0].update(after=["330999-SJ-XK-001"]), "成环"),
    (lambda t: t.update(window_code="W99"), "受理窗口 W99 不存在"),
])
def test_the_server_refuses_a_theme_that_does_not_hold(change, message: str) -> None:
    doc = copy.deepcopy(CATALOG)
    change(doc["themes"][0])
    problems = theme_problems(doc, WINDOWS)
    assert problems and message in problems[0]
