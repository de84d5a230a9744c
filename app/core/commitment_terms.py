"""One reading of a catalog item's 告知承诺 terms, for the workstation's and the server's catalog imports.

Standard library only: the central server imports this module too, so a catalog the server accepts is a
catalog the workstation accepts. The national rule (国办发〔2020〕42号) marks an item as 告知承诺 for all
applicants ("all") or at the applicant's choice ("optional"); the organ publishes the conditions, the
standards, the materials the commitment replaces, and how and within how many working days it verifies.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

MODES = {"all": "全部申请人适用", "optional": "申请人自愿选择"}
MAX_CHECK_DAYS = 120  # working days: half a year is the longest post-check period a guide publishes


class TermsError(ValueError):
    """The catalog's commitment terms of an item are incomplete or wrong (the message names the field)."""


@dataclass(frozen=True)
class CommitmentTerms:
    """What the organ tells the applicant before the applicant commits, and how it will check."""

    mode: str  # all | optional
    conditions: str
    standards: str
    replaces: tuple[str, ...]  # names of the item's materials that the commitment stands in for
    check_method: str
    check_days: int  # working days from the day of the commitment

    @property
    def mode_label(self) -> str:
        return MODES[self.mode]

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "replaces": list(self.replaces)}, ensure_ascii=False)


def parse(raw: Any, material_names: list[str], item_conditions: str = "") -> CommitmentTerms | None:
    """The item's `commitment` entry checked against its own materials; None when the item has none.

    The conditions default to the item's published conditions (the commitment promises to meet them).
    """
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise TermsError("commitment 应为对象")
    mode = raw.get("mode")
    if mode not in MODES:
        raise TermsError("commitment.mode 应为 all（全部适用）或 optional（自愿选择）")
    texts = {}
    for key in ("standards", "check_method"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise TermsError(f"commitment.{key} 不能为空")
        texts[key] = value.strip()
    conditions = raw.get("conditions") or item_conditions
    if not isinstance(conditions, str) or not conditions.strip():
        raise TermsError("commitment.conditions 不能为空（事项也没有受理条件）")
    replaces = raw.get("replaces")
    if not isinstance(replaces, list) or not replaces or not all(isinstance(n, str) for n in replaces):
        raise TermsError("commitment.replaces 应列出承诺替代的材料名称")
    unknown = [n for n in replaces if n not in material_names]
    if unknown:
        raise TermsError(f"commitment.replaces 中的材料“{unknown[0]}”不是本事项的材料")
    days = raw.get("check_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_CHECK_DAYS:
        raise TermsError(f"commitment.check_days 应为 1 至 {MAX_CHECK_DAYS} 个工作日")
    return CommitmentTerms(mode, conditions.strip(), texts["standards"], tuple(replaces), texts["check_method"], days)


def from_json(text: str) -> CommitmentTerms | None:
    """Terms as stored on an item or a case (written by `to_json`); None for ""."""
    if not text:
        return None
    d = json.loads(text)
    return CommitmentTerms(d["mode"], d["conditions"], d["standards"], tuple(d["replaces"]), d["check_method"],
                           int(d["check_days"]))
