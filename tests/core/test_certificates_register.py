"""The certificate register: search, .xlsx export, expiry reminders (art. 50), the art. 44 deadline light."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from certificate_testkit import FOOD, HYGIENE, approved_case_for_test, org
from openpyxl import load_workbook
from ow_testkit import at_local, clerk, set_clock

from app.certificates.issuance import (
    CertificateInfo,
    certificate_info,
    draft_for_case,
    issue_certificate,
    void_certificate,
)
from app.certificates.register import (
    RegisterQuery,
    awaiting_issue,
    expiry_reminders,
    export_register,
    issue_light,
    search_register,
)
from app.core.auth import login
from app.core.context import AppContext
from app.intake.input_checks import ApplicantInput
from app.reference import workdays
from app.station.bootstrap import DEMO_PASSWORD

FOREIGN_PR = "932682198501010017"  # DOMAIN.md sample


def foreigner() -> ApplicantInput:
    return ApplicantInput(kind="person", name="欧阳娜娜", id_type="foreign_pr_id", id_number=FOREIGN_PR,
                          phone="13800001234", address="云岫市桂花巷 18 号")


def _issue(ctx: AppContext, case_id: str, username: str = "zhangmin") -> CertificateInfo:
    actor = clerk(ctx, username)
    vals = {f.key: f.value for f in draft_for_case(ctx, actor, case_id).fields}
    return issue_certificate(ctx, actor, case_id, vals, DEMO_PASSWORD)


@pytest.fixture
def register(ctx: AppContext) -> tuple[AppContext, list[CertificateInfo]]:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    a = _issue(ctx, approved_case_for_test(ctx, FOOD))
    b = _issue(ctx, approved_case_for_test(ctx, FOOD, foreigner()))
    set_clock(ctx, at_local(2026, 11, 24, 9, 0))
    c = _issue(ctx, approved_case_for_test(ctx, HYGIENE, org("云岫市江滨大酒店有限公司")), "wuqian")
    void_certificate(ctx, login(ctx, "zhoujianhua", DEMO_PASSWORD), b.id, "申请人撤回")
    return ctx, [a, b, c]


def test_search_by_number_holder_id_type_status_and_date(register: tuple[AppContext, list[CertificateInfo]]) -> None:
    ctx, (a, b, c) = register

    def numbers(**q: object) -> set[str]:
        return {x.number for x in search_register(ctx, RegisterQuery(**q))}  # type: ignore[arg-type]

    assert numbers() == {a.number, b.number, c.number}
    assert numbers(text=a.number[-6:]) == {a.number}
    assert numbers(text="欧阳") == {b.number}
    assert numbers(text="9326821985") == {b.number}
    assert numbers(text="91350100m000100y43") == {c.number}  # ID search ignores letter case
    assert numbers(type_code="PUBLIC_PLACE_HYGIENE") == {c.number}
    assert numbers(status="voided") == {b.number}
    assert numbers(issued_from=date(2026, 11, 21)) == {c.number}
    assert numbers(issued_to=date(2026, 11, 20), type_code="FOOD_BUSINESS", status="issued") == {a.number}


def test_export_xlsx(register: tuple[AppContext, list[CertificateInfo]], tmp_path: Path) -> None:
    ctx, (a, b, c) = register
    path = tmp_path / "证照登记簿.xlsx"
    assert export_register(ctx, RegisterQuery(), path) == 3
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("证照编号", "证照名称", "持证主体", "证件号码")
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[b.number][7] == "已作废" and by_number[b.number][10] == "申请人撤回"
    assert by_number[c.number][1] == "公共场所卫生许可证" and by_number[c.number][2] == "云岫市江滨大酒店有限公司"
    assert by_number[a.number][6].date() == date(2031, 11, 19)


def test_expiry_reminders(register: tuple[AppContext, list[CertificateInfo]]) -> None:
    ctx, (a, b, c) = register
    set_clock(ctx, at_local(2030, 10, 1))
    found = expiry_reminders(ctx)
    assert [r.certificate.number for r in found] == [c.number]  # valid to 2030-11-23; the food licences to 2031
    r = found[0]
    assert (r.days_left, r.apply_by, r.late) == (53, date(2030, 10, 24), False)
    set_clock(ctx, at_local(2030, 10, 30))
    assert expiry_reminders(ctx)[0].late  # less than 30 days left: the renewal should already be in
    set_clock(ctx, at_local(2031, 11, 1))
    assert [x.certificate.number for x in expiry_reminders(ctx)] == [a.number]  # the voided one is not reminded


def test_issue_light_and_queue(ctx: AppContext) -> None:
    with ctx.read() as s:
        cal = workdays.current_calendar(s)
    due = date(2026, 12, 4)  # Friday: 10 working days after Friday 20 November
    assert issue_light(cal, due, date(2026, 11, 20), 3) == "green"
    assert issue_light(cal, due, date(2026, 12, 1), 3) == "yellow"  # 12-02, 12-03, 12-04 left
    assert issue_light(cal, due, date(2026, 11, 30), 3) == "green"  # four working days left
    assert issue_light(cal, due, date(2026, 12, 4), 3) == "yellow"
    assert issue_light(cal, due, date(2026, 12, 5), 3) == "red"
    assert issue_light(cal, None, date(2026, 12, 5), 3) == "none"
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    case_id = approved_case_for_test(ctx, FOOD)
    queue = awaiting_issue(ctx, clerk(ctx))
    assert [(p.case_id, p.issue_deadline, p.light, p.configured) for p in queue] == [
        (case_id, due, "green", True)]
    assert awaiting_issue(ctx, clerk(ctx, "wuqian")) == []  # another window's queue


@pytest.mark.parametrize("query", [RegisterQuery(), RegisterQuery(status="issued"),
                                   RegisterQuery(after=(date(2026, 11, 20), "Z"))])
def test_a_register_page_walks_the_issued_index(ctx: AppContext, query: RegisterQuery) -> None:
    """Newest first along ix_certificate_issued, so a page stops after its lines: no sort of every certificate."""
    from sqlalchemy.dialects import sqlite

    from app.certificates.register import _filtered

    sql = str(_filtered(query).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with ctx.read() as s:
        plan = [r[3] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()]
    assert "ix_certificate_issued" in plan[0] and not any("TEMP B-TREE" in line for line in plan), plan


def test_register_pages_follow_one_another(register: tuple[AppContext, list[CertificateInfo]]) -> None:
    ctx, certs = register
    first = search_register(ctx, RegisterQuery(limit=2))
    rest = search_register(ctx, RegisterQuery(limit=2, after=(first[-1].issued_on, first[-1].number)))
    assert len(first) == 2 and [c.number for c in first + rest] == [c.number for c in search_register(ctx, RegisterQuery())]
    assert {c.number for c in first + rest} == {c.number for c in certs}
    whole = {c.number: c for c in first + rest}
    assert all(len(c.document_ids) == 2 and c.verify_url and c.fields for c in whole.values())  # 正本 and 副本
    # each line as the certificate's own page reads it, one look-up at a time
    assert all(c == certificate_info(ctx, c.id) for c in whole.values())
