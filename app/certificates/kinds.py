"""Certificate types as data: fields, layout of 正本 and 副本, validity, and the national number format."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CertificateType

COPY_LABELS = {"original": "正本", "copy": "副本"}
ORIENTATIONS = ("portrait", "landscape")
CHECKS = ("", "iso7064_mod11_10")


class TypeSpecError(ValueError):
    """A certificate type's data is inconsistent (a reference-data bug, reported with the type's code)."""


def iso7064_mod11_10(digits: str) -> str:
    """The check digit of ISO/IEC 7064 MOD 11,10 (hybrid system) over a string of digits."""
    p = 10
    for ch in digits:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


@dataclass(frozen=True)
class NumberFormat:
    """prefix (a template over {year}, {region} and coded fields) + serial of `width` digits (+ check) + suffix."""

    prefix: str
    width: int
    suffix: str = ""
    check: str = ""
    codes: Mapping[str, Mapping[str, str]] | None = None  # field key → printed value → code in the number
    demo_block_size: int = 1000

    def prefix_for(self, values: Mapping[str, str], year: int, region: str) -> str:
        """The block prefix this certificate draws from (a category code, the year, the region …)."""
        subst = {"year": str(year), "region": region}
        for key, table in (self.codes or {}).items():
            value = values.get(key, "")
            if value not in table:
                raise KeyError(key)
            subst[key] = table[value]
        return self.prefix.format(**subst)

    def all_prefixes(self, year: int, region: str) -> list[str]:
        """Every prefix a year can need (each combination of the coded fields)."""
        keys = list((self.codes or {}).keys())
        combos = product(*[list((self.codes or {})[k].keys()) for k in keys]) if keys else [()]
        return sorted({self.prefix_for(dict(zip(keys, c, strict=True)), year, region) for c in combos})

    def compose(self, prefix: str, value: int, width: int | None = None) -> str:
        """The printed number; the check digit covers every digit of prefix and serial."""
        serial = f"{value:0{width or self.width}d}"
        body = prefix + serial
        if self.check == "iso7064_mod11_10":
            body += iso7064_mod11_10("".join(ch for ch in body if ch.isdigit()))
        return body + self.suffix


@dataclass(frozen=True)
class FieldSpec:
    """One printed field: where its value comes from (case data or the clerk), and what it may be."""

    key: str
    label: str
    source: str = ""  # e.g. "applicant.address" or "applicant.legal_rep|applicant.name"; "" = typed in
    default: str = ""
    required: bool = True
    choices: tuple[str, ...] = ()
    multiline: bool = False
    hint: str = ""
    from_decision: bool = False  # what is licensed: taken from the signed decision, never a default


@dataclass(frozen=True)
class CopySpec:
    """正本 or 副本: its orientation, the fields of its table, and those printed beside the QR code."""

    copy: str  # original | copy
    orientation: str
    table: tuple[str, ...]
    side: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return COPY_LABELS[self.copy]


@dataclass(frozen=True)
class CertType:
    code: str
    name: str
    holder_label: str
    holder_id_label: str
    validity_years: int  # 0: no expiry
    validity_label: str
    number: NumberFormat
    fields: tuple[FieldSpec, ...]
    copies: tuple[CopySpec, ...]
    notes: tuple[str, ...] = ()
    accent: str = "#8b1a1a"
    basis: str = ""
    holder_kinds: tuple[str, ...] = ("person", "org")  # a 药品经营许可证 is only ever held by an enterprise

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)

    def valid_to(self, start: date) -> date | None:
        """The last day of validity: N years from the issue day, the day before the anniversary."""
        if not self.validity_years:
            return None
        year = start.year + self.validity_years
        # 29 February has no anniversary in a common year: the period runs to the end of February.
        anniversary = date(year, start.month, 28 if (start.month, start.day) == (2, 29) else start.day)
        return anniversary if (start.month, start.day) == (2, 29) else anniversary - timedelta(days=1)


def _need(ok: object, code: str, what: str) -> None:
    if not ok:
        raise TypeSpecError(f"证照类型 {code}：{what}")


def parse(doc: Mapping[str, Any]) -> CertType:
    """A type from its JSON document, checked for consistency (every referenced field exists …)."""
    code = str(doc.get("code", ""))
    _need(code and doc.get("name"), code or "?", "缺少 code 或 name")
    num = doc.get("number") or {}
    fmt = NumberFormat(prefix=num.get("prefix", ""), width=int(num.get("width", 0)), suffix=num.get("suffix", ""),
                       check=num.get("check", ""), codes=num.get("codes") or {},
                       demo_block_size=int(num.get("demo_block_size", 1000)))
    _need(fmt.prefix and 1 <= fmt.width <= 12, code, "编号格式须有前缀和 1–12 位顺序号")
    _need(fmt.check in CHECKS, code, f"未知的校验方式 {fmt.check}")
    fields = tuple(FieldSpec(key=f["key"], label=f["label"], source=f.get("source", ""), default=f.get("default", ""),
                             required=bool(f.get("required", True)), choices=tuple(f.get("choices", ())),
                             multiline=bool(f.get("multiline", False)), hint=f.get("hint", ""),
                             from_decision=bool(f.get("from_decision", False)))
                   for f in doc.get("fields", ()))
    keys = {f.key for f in fields}
    _need(len(keys) == len(fields), code, "字段 key 重复")
    for key, table in (fmt.codes or {}).items():
        _need(key in keys, code, f"编号引用了不存在的字段 {key}")
        spec = next(f for f in fields if f.key == key)
        _need(set(spec.choices) == set(table), code, f"字段 {key} 的选项与编号代码表不一致")
    copies = []
    for kind in ("original", "copy"):
        c = doc.get(kind)
        if c is None:
            continue
        cs = CopySpec(kind, c.get("orientation", "portrait"), tuple(c.get("table", ())), tuple(c.get("side", ())))
        _need(cs.orientation in ORIENTATIONS, code, f"{cs.label}版式须为 portrait 或 landscape")
        missing = [k for k in (*cs.table, *cs.side) if k not in keys]
        _need(not missing, code, f"{cs.label}引用了不存在的字段 {missing}")
        copies.append(cs)
    _need(copies and copies[0].copy == "original", code, "须定义正本版式")
    return CertType(code=code, name=doc["name"], holder_label=doc.get("holder_label", "名称"),
                    holder_id_label=doc.get("holder_id_label", "证件号码"),
                    validity_years=int((doc.get("validity") or {}).get("years", 0)),
                    validity_label=doc.get("validity_label", "有效期限"), number=fmt, fields=fields,
                    copies=tuple(copies), notes=tuple(doc.get("notes", ())), accent=doc.get("accent", "#8b1a1a"),
                    basis=doc.get("basis", ""), holder_kinds=tuple(doc.get("holder_kinds", ("person", "org"))))


def type_of(session: Session, code: str | None) -> CertType | None:
    """The configured type with this code, or None (the item issues no certificate, or it is not set up)."""
    if not code:
        return None
    row = session.execute(select(CertificateType).where(CertificateType.code == code)).scalar_one_or_none()
    return parse(json.loads(row.spec_json)) if row else None


def all_types(session: Session) -> list[CertType]:
    rows = session.execute(select(CertificateType).order_by(CertificateType.code)).scalars()
    return [parse(json.loads(r.spec_json)) for r in rows]
