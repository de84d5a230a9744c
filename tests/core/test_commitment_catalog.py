"""The catalog marks 告知承诺 items (国办发〔2020〕42号): terms read on the workstation and the server alike.

The expected terms are read from the demo catalog file (resources/demo/items.json), never from the code under
test; a catalog whose commitment replaces a material the item does not have is refused at the field on both sides.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from signoff_kit import ADMIN, who

from app.core.commitment_terms import TermsError, parse
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.reference.catalog import get_item, search_items
from app.sync.reference_data import load_catalog

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"
ITEMS = json.loads((DEMO / "items.json").read_text(encoding="utf-8"))


def test_three_demo_items_are_commitment_items_with_every_published_term(ctx: AppContext) -> None:
    marked = {i["name"]: i for i in ITEMS["items"] if i.get("commitment")}
    assert len(marked) == 3 and {i["commitment"]["mode"] for i in marked.values()} <= {"all", "optional"}
    admin = who(ctx, ADMIN)
    for name, raw in marked.items():
        (summary,) = [s for s in search_items(ctx, admin, name) if s.name == name]
        terms = get_item(ctx, admin, summary.id).commitment
        assert terms is not None
        assert (terms.mode, terms.standards, terms.check_method, terms.check_days) == (
            raw["commitment"]["mode"], raw["commitment"]["standards"], raw["commitment"]["check_method"],
            raw["commitment"]["check_days"])
        assert terms.replaces == tuple(raw["commitment"]["replaces"])
        assert terms.conditions == raw.get("commitment", {}).get("conditions", raw["conditions"])
    ordinary = next(i for i in ITEMS["items"] if not i.get("commitment"))
    (summary,) = [s for s in search_items(ctx, admin, ordinary["name"]) if s.name == ordinary["name"]]
    assert get_item(ctx, admin, summary.id).commitment is None


def _bad_catalog(**change: object) -> dict:
    doc = copy.deepcopy(ITEMS)
    doc["version"] = "2027.01-bad"
    item = next(i for i in doc["items"] if i.get("commitment"))
    item["commitment"].update(change)
    return doc


@pytest.mark.parametrize(("change", "field"), [
    ({"replaces": ["营业执照副本（不存在的材料）"]}, "replaces"),
    ({"check_days": 0}, "check_days"),
    ({"mode": "sometimes"}, "mode"),
    ({"standards": "  "}, "standards"),
])
def test_a_catalog_with_wrong_terms_is_refused_at_the_field(ctx: AppContext, change: dict, field: str) -> None:
    doc = _bad_catalog(**change)
    with pytest.raises(ValidationError) as err, ctx.write() as s:
        load_catalog(s, doc, "import")
    assert err.value.field.endswith(".commitment") and f"commitment.{field}" in err.value.message
    item = next(i for i in doc["items"] if i.get("commitment"))
    with pytest.raises(TermsError, match=field):
        parse(item["commitment"], [m["name"] for m in item["materials"]], item["conditions"])
