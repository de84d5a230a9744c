"""Shared values of the 告知承诺 tests: the demo item's replaced material and the on-the-spot decision."""

from __future__ import annotations

from app.signoff.decisions import DecisionInput

REPLACED = "与变更食品经营许可事项有关的材料"  # what 食品经营许可变更's commitment replaces (resources/demo/items.json)
SIGNED = DecisionInput("approve", "申请人已书面承诺符合许可条件，当场作出准予变更决定", "经营项目：预包装食品销售",
                       "2026年11月20日至2031年11月19日")
