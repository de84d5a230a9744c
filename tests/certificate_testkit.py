"""Cases ready for a certificate, for the certificate and delivery tests."""

from __future__ import annotations

from ow_testkit import clerk, complete, item_named, person
from sqlalchemy import select

from app.core.context import AppContext
from app.intake.input_checks import ApplicantInput
from app.intake.outcomes import accept_case
from app.reference import workdays
from db.models import Case, Staff

# (item name, clerk, chief who holds the window's seal) for the three demo certificate types.
FOOD = ("食品经营许可", "zhangmin", "zhoujianhua")
HYGIENE = ("公共场所卫生许可", "wuqian", "sunlijuan")
DRUG = ("药品零售许可", "zhangmin", "zhoujianhua")
ORG_USCC = "91350100M000100Y43"  # GB 32100 sample from DOMAIN.md
# What the stand-in sign-off's decision licenses, per item: the certificate's licensed fields come from it.
TERMS = {"食品经营许可": "主体业态：餐饮服务经营者；经营项目：热食类食品制售",
         "公共场所卫生许可": "许可项目：住宿场所",
         "药品零售许可": "企业类别：单体药店（法人）；经营范围：中成药、化学药、生物制品（除疫苗）"}


def org(name: str = "云岫市𠮷祥大药房有限公司", legal_rep: str = "陈㛃") -> ApplicantInput:
    return ApplicantInput(kind="org", name=name, id_type="uscc", id_number=ORG_USCC, phone="0589-87001234",
                          address="浙江省云岫市江滨大道288号一层101室", legal_rep=legal_rep)


def approved_case_for_test(ctx: AppContext, which: tuple[str, str, str] = FOOD,
                           applicant: ApplicantInput | None = None, terms: str | None = None) -> str:
    """Accept through the real intake, then mark the case approved directly (a stand-in for the sign-off:
    state, decision, decided_at, approver, and the art. 44 issue deadline 10 working days later)."""
    item_name, clerk_name, chief_name = which
    result = accept_case(ctx, clerk(ctx, clerk_name), complete(item_named(ctx, item_name), applicant or person()))
    with ctx.write() as s:
        case = s.get(Case, result.case_id)
        assert case is not None
        chief = s.execute(select(Staff).where(Staff.username == chief_name)).scalar_one()
        case.state, case.decision, case.decided_at, case.approver_id = "approved", "approved", ctx.now(), chief.id
        case.decision_content = TERMS.get(item_name, "") if terms is None else terms
        case.issue_deadline = workdays.current_calendar(s).add_working_days(ctx.today(), 10).day
    return result.case_id
