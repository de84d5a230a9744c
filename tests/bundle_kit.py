"""Shared parts of the 一件事 tests: a complete application for a theme at the comprehensive window."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ow_testkit import clerk, person
from sqlalchemy import select

from app.bundles.bundle_intake import BundleInput, PaperInput, PartRefusal
from app.certificates.issuance import draft_for_case, issue_certificate
from app.core.context import Actor, AppContext
from app.core.errors import AppError
from app.documents.data import Refusal
from app.reference.catalog import Theme, get_theme
from app.signoff.decisions import DecisionInput, decide_single
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case, Staff

FOOD = "330999-YJS-001"
REGISTRATION, FOOD_LICENCE, FIRE, SIGN = ("330999-SJ-XK-004", "330999-SJ-XK-001", "330999-XF-XK-001",
                                          "330999-ZJ-XK-005")
REFUSAL_SIGN = Refusal("招牌拟设置位置属于禁止设置区域", "《云岫市户外广告设施和招牌设置管理办法》第八条",
                       reconsideration_body="云岫市人民政府", court="云岫市人民法院")
SHOP = (("trade_name", "云岫市䶮记小吃店"), ("premises", "云岫市桂花巷 12 号一楼"), ("area", "86"),
        ("scope", "餐饮服务（小型餐馆）"))


def theme(ctx: AppContext, code: str = FOOD) -> Theme:
    with ctx.read() as s:
        return get_theme(s, code)


def application(ctx: AppContext, code: str = FOOD, *, change: dict[str, PaperInput] | None = None,
                refused: tuple[PartRefusal, ...] = ()) -> BundleInput:
    """Every paper the applicant hands over received, originals checked; `change` replaces some by key."""
    papers = [PaperInput(p.key, "received", True, p.copies) for p in theme(ctx, code).papers
              if not p.from_part and not p.for_agent]
    papers = [(change or {}).get(p.key, p) for p in papers]
    return BundleInput(code, person(), tuple(papers), SHOP, refused)


def parts_of(ctx: AppContext, bundle_id: str) -> dict[str, Case]:
    """The bundle's parts by item code."""
    with ctx.read() as s:
        return {c.item_code: c for c in s.execute(select(Case).where(Case.bundle_id == bundle_id)).scalars()}


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


APPROVE = DecisionInput("approve", "符合条件，准予许可", content="准予许可")
DENY = DecisionInput("deny", "招牌设置位置不符合规划", reasons="拟设置位置属于禁止设置区域",
                     basis="《云岫市户外广告设施和招牌设置管理办法》第八条")


def window_clerk(ctx: AppContext, case: Case) -> Actor:
    """A clerk of the window the part was routed to (the department's own window)."""
    with ctx.read() as s:
        name = s.execute(select(Staff.username).where(Staff.window_id == case.window_id, Staff.role == "clerk")
                         .order_by(Staff.id)).scalars().first()
    assert name is not None
    return clerk(ctx, name)


def decide_all(ctx: AppContext, bundle_id: str, deny: str = "", certify: bool = True) -> None:
    """The 前置 first, then the others, each at its own window; certificates where the item has one."""
    order = sorted(parts_of(ctx, bundle_id).values(), key=lambda c: c.item_code != REGISTRATION)
    for case in order:
        actor = window_clerk(ctx, case)
        decision = DENY if case.item_code == deny else APPROVE
        if case.review_mode == "single":
            decide_single(ctx, actor, case.id, decision, custodian_password=DEMO_PASSWORD)
        else:  # 一审一核: the window reviews, the chief representative signs
            record_review(ctx, actor, case.id, decision)
            sign_off(ctx, clerk(ctx, "zhoujianhua"), case.id, decision, custodian_password=DEMO_PASSWORD)
        if certify and case.item_code != deny:
            try:
                values = {f.key: f.value or (f.choices[0] if f.choices else "餐饮服务")
                          for f in draft_for_case(ctx, actor, case.id).fields}
            except AppError as e:
                assert e.code == "no_certificate_type"
                continue
            issue_certificate(ctx, actor, case.id, values, DEMO_PASSWORD)
