"""What the signed decision fixes on the certificate: the licensed content and the validity.

The chief signs a decision that says what is licensed (“经营项目：预包装食品销售”) and, where the law
sets one, how long. The certificate is the decision's evidence and may not say otherwise, so the
fields a type marks `from_decision` take the decision's words and are locked; those it does not
mention are left empty for the clerk to ask about — a type's default is never put in their place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.certificates.kinds import CertType, FieldSpec
from app.core.errors import ValidationError
from app.documents.legal_text import validity_dates

_TRIM = " \t\r\n；;，,。"


@dataclass(frozen=True)
class DecisionTerms:
    """The decision's words, and what they fix on one certificate type."""

    content: str
    validity: str
    fields: dict[str, str]  # field key → the value the decision fixes
    valid_from: date | None
    valid_to: date | None


def _labels(spec: FieldSpec) -> list[str]:
    """A field's label, and the label without its parenthesis (法定代表人（负责人） → 法定代表人)."""
    short = re.sub(r"（[^）]*）|\([^)]*\)", "", spec.label)
    return [spec.label] + ([short] if short and short != spec.label else [])


def decided_fields(ctype: CertType, content: str) -> dict[str, str]:
    """The decided fields the decision's content names (“label：value”, values run to the next label).

    Content naming no label is the licensed scope as a whole: it goes to the type's one multi-line decided
    field (经营项目, 许可项目, 经营范围), which is what a decision without labels describes.
    """
    decided = [f for f in ctype.fields if f.from_decision]
    by_label = {label: f.key for f in decided for label in _labels(f)}
    if not content.strip() or not decided:
        return {}
    pattern = re.compile("(" + "|".join(re.escape(lb) for lb in sorted(by_label, key=len, reverse=True)) + ")[：:]")
    hits = list(pattern.finditer(content))
    if not hits:
        main = [f for f in decided if f.multiline]
        return {main[0].key: content.strip(_TRIM)} if len(main) == 1 else {}
    out: dict[str, str] = {}
    for hit, nxt in zip(hits, [*hits[1:], None], strict=True):
        value = content[hit.end(): nxt.start() if nxt else len(content)].strip(_TRIM)
        if value:
            out[by_label[hit.group(1)]] = value
    return out


def terms_of(ctype: CertType, content: str, validity: str) -> DecisionTerms:
    try:
        start, end = validity_dates(validity)
    except ValueError:
        start = end = None  # checked when signed; an older decision's odd wording leaves the type's rule
    return DecisionTerms(content, validity, decided_fields(ctype, content), start, end)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def check_against(ctype: CertType, terms: DecisionTerms, values: dict[str, str]) -> None:
    """Refuse a certificate that says other than its decision (the field that differs is named)."""
    for key, fixed in terms.fields.items():
        if not _same(values.get(key, ""), fixed):
            label = ctype.field(key).label
            raise ValidationError(f"fields.{key}", f"“{label}”须与准予许可决定书一致：{fixed}")


def validity(ctype: CertType, terms: DecisionTerms, issued_on: date) -> tuple[date, date | None]:
    """The certificate's first and last day: the decision's where it fixes them, else the type's rule."""
    start = terms.valid_from or issued_on
    return start, terms.valid_to or ctype.valid_to(start)
