"""Figures of bundles: received, finished, the working days taken against the sum of the parts' legal limits,
and on-time decisions per department."""

from __future__ import annotations

import shutil

import pytest
from bundle_kit import FIRE, FOOD_LICENCE, REGISTRATION, SIGN, application
from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import select

from app.bundles.bundle_figures import bundle_figures
from app.bundles.bundle_intake import accept_bundle
from app.core.context import AppContext
from app.signoff.decisions import DecisionInput, decide_single
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
OK = DecisionInput("approve", "符合条件", content="准予")
DAY = at_local(2026, 11, 20).date()


def test_a_finished_bundle_counts_the_days_the_applicant_saved(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))  # Friday
    result = accept_bundle(ctx, clerk(ctx), application(ctx))
    accept_bundle(ctx, clerk(ctx), application(ctx))  # a second one, still running
    with ctx.read() as s:
        ids = {c.item_code: c.id for c in s.execute(select(Case).where(Case.bundle_id == result.bundle_id)).scalars()}
    set_clock(ctx, at_local(2026, 11, 24, 10))  # Tue: registration (2 working days)
    decide_single(ctx, clerk(ctx, "lina"), ids[REGISTRATION], OK, custodian_password=DEMO_PASSWORD)
    set_clock(ctx, at_local(2026, 11, 26, 10))  # Thu: fire check and sign
    decide_single(ctx, clerk(ctx, "fangqing"), ids[FIRE], OK, custodian_password=DEMO_PASSWORD)
    decide_single(ctx, clerk(ctx, "xujing"), ids[SIGN], OK, custodian_password=DEMO_PASSWORD)
    record_review(ctx, clerk(ctx, "lina"), ids[FOOD_LICENCE], OK)
    set_clock(ctx, at_local(2026, 11, 27, 10))  # Fri: the chief signs the food licence
    sign_off(ctx, clerk(ctx, "zhoujianhua"), ids[FOOD_LICENCE], OK, custodian_password=DEMO_PASSWORD)
    figures = bundle_figures(ctx, clerk(ctx, "chensiyuan"), DAY, DAY)
    assert (figures.received, figures.finished) == (2, 1)
    # 20 Nov → 27 Nov is 5 working days; one item after another by law: 3 + 10 + 10 + 20 = 43.
    assert (figures.days_taken, figures.days_if_one_by_one, figures.days_saved) == (5, 43, 38)
    per = {d.department: (d.decided, d.on_time) for d in figures.departments}
    assert per == {"云岫市市场监督管理局": (2, 2), "云岫市消防救援大队": (1, 1), "云岫市住房和城乡建设局": (1, 1)}
