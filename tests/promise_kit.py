"""A catalog that breaks the 50 % line, shared by the core and UI tests of #21 part 5."""

from __future__ import annotations

import json
from pathlib import Path

DEMO_ITEMS = Path(__file__).resolve().parents[1] / "resources" / "demo" / "items.json"


def slow_catalog() -> dict[str, object]:
    """The demo catalog as a department might send it: 药品零售许可 promised 15 of its legal 20 days (25 %)."""
    doc = json.loads(DEMO_ITEMS.read_text(encoding="utf-8"))
    doc["version"] = "2027.01-slow"
    for it in doc["items"]:
        if it["name"] == "药品零售许可":
            it["promised_days"] = 15
    return doc
