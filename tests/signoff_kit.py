"""Shared steps for the sign-off, decision and seal custody tests (import as `from signoff_kit import ...`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ow_testkit import at_local, complete, item_named, set_clock
from sqlalchemy import select, update

from app.core.auth import actor_for
from app.core.context import Actor, AppContext
from app.intake.outcomes import accept_case
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review
from db.models import AuditEntry, Case, Document, Item, Staff

# The demo's A01 window (市场监督管理局): chief and seal custodian 周建华, clerks 王䶮, 张敏, 刘婷; admin 陈思远.
CHIEF, ADMIN = "zhoujianhua", "chensiyuan"
FRIDAY = at_local(2026, 11, 20, 10, 0)  # an ordinary working day: the chief is in (no deputy named)

APPROVE = DecisionInput("approve", "经审查，申请材料齐全，符合法定条件、标准，建议准予许可",
                        "经营项目：预包装食品销售（含冷藏冷冻食品）、热食类食品制售",
                        "2026年11月20日至2031年11月19日")
DENY = DecisionInput("deny", "经审查，不符合法定条件，建议不予许可", "经营场所距旱厕不足二十五米",
                     reasons="经营场所与旱厕等污染源的距离不符合食品安全要求",
                     basis="《中华人民共和国食品安全法》第三十五条")


def start(ctx: AppContext, when: object = FRIDAY) -> None:
    set_clock(ctx, when)  # type: ignore[arg-type]


def accepted(ctx: AppContext, item: str = "食品经营许可", by: str = "wangyan") -> str:
    """A case of the item accepted at the counter; returns its id."""
    return accept_case(ctx, who(ctx, by), complete(item_named(ctx, item))).case_id


def reviewed(ctx: AppContext, item: str = "食品经营许可", by: str = "wangyan",
             proposal: DecisionInput = APPROVE) -> str:
    """Accepted and reviewed by `by`: waiting for the chief (or forwarded)."""
    case_id = accepted(ctx, item, by)
    record_review(ctx, who(ctx, by), case_id, proposal)
    return case_id


def who(ctx: AppContext, username: str) -> Actor:
    """The actor as login returns it, without the deliberately slow password hash (and its audit row)."""
    with ctx.read() as s:
        return actor_for(s, s.execute(select(Staff).where(Staff.username == username)).scalar_one())


def case_row(ctx: AppContext, case_id: str) -> Case:
    with ctx.read() as s:
        case = s.get(Case, case_id)
        s.expunge(case)
        return case


def make_item(ctx: AppContext, name: str, **values: object) -> None:
    """Change a demo item (e.g. its processing type) before a case of it is accepted."""
    with ctx.write() as s:
        s.execute(update(Item).where(Item.name == name).values(**values))


def documents(ctx: AppContext, case_id: str, kind: str | None = None) -> list[Document]:
    with ctx.read() as s:
        q = select(Document).where(Document.case_id == case_id).order_by(Document.created_at, Document.number)
        rows = [d for d in s.execute(q).scalars() if kind is None or d.kind == kind]
        for d in rows:
            s.expunge(d)
        return rows


def audit_actions(ctx: AppContext) -> list[str]:
    with ctx.read() as s:
        return list(s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


__all__ = ["ADMIN", "APPROVE", "CHIEF", "DENY", "FRIDAY", "accepted", "at_local", "audit_actions", "case_row",
           "documents", "make_item", "pdf_text", "reviewed", "start", "who"]
