"""What the hall's catalog says about an item: the server reads review mode, processing type and the legal
limit from its own catalog, never from what a workstation sent (a payload saying "single" does not make a
一审一核 item single-review)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import ReferenceDoc

# The fields the catalog decides; a workstation's values for them are replaced.
CATALOG_FIELDS = ("review_mode", "processing_type", "legal_days")
_parsed: dict[int, dict[str, dict[str, Any]]] = {}  # catalog document id → items by code (documents never change)


def items(session: Session) -> dict[str, dict[str, Any]] | None:
    """The current catalog's items by code (parsed once per catalog version), or None with no catalog loaded."""
    doc_id = session.execute(select(ReferenceDoc.id).where(ReferenceDoc.kind == "catalog",
                                                           ReferenceDoc.current.is_(True))
                             .order_by(ReferenceDoc.id.desc()).limit(1)).scalar_one_or_none()
    if doc_id is None:
        return None
    if doc_id not in _parsed:
        doc = json.loads(session.get(ReferenceDoc, doc_id).doc_json)  # type: ignore[union-attr]
        _parsed[doc_id] = {str(i["code"]): i for i in doc.get("items", []) if isinstance(i, dict) and "code" in i}
    return _parsed[doc_id]


def terms(session: Session, item_code: str) -> dict[str, Any] | None:
    """The catalog's review mode, processing type and legal days for the item; None if the item is unknown.

    With no catalog loaded at all, the strictest terms: every decision needs the chief's sign-off.
    """
    known = items(session)
    if known is None:
        return {"review_mode": "double"}
    item = known.get(item_code)
    if item is None:
        return None
    return {k: item[k] for k in CATALOG_FIELDS if item.get(k) is not None}
