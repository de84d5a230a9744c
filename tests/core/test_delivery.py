"""送达: in person or by post, to the minute, the recipient's ID checked, a 送达回证 kept; the case is delivered."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime

import pytest
from certificate_testkit import FOOD, HYGIENE, approved_case_for_test, org
from ow_testkit import PERSON_ID, at_local, clerk, set_clock
from sqlalchemy import select

from app.certificates.delivery import HandoverInput, deliveries_of_case, hand_over
from app.certificates.issuance import CertificateInfo, draft_for_case, issue_certificate, void_certificate
from app.core.auth import login
from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from app.records.doc_register import read_document
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case, Certificate, Delivery, Document, OutboxOp

FOREIGN_PR = "911124198108030024"  # DOMAIN.md sample (外国人永久居留身份证)


def _issue(ctx: AppContext, which: tuple[str, str, str] = FOOD, applicant: object = None) -> CertificateInfo:
    case_id = approved_case_for_test(ctx, which, applicant)  # type: ignore[arg-type]
    actor = clerk(ctx, which[1])
    vals = {f.key: f.value for f in draft_for_case(ctx, actor, case_id).fields}
    return issue_certificate(ctx, actor, case_id, vals, DEMO_PASSWORD)


@pytest.fixture
def issued(ctx: AppContext) -> tuple[AppContext, CertificateInfo]:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    info = _issue(ctx)
    set_clock(ctx, at_local(2026, 11, 23, 15, 42))
    return ctx, info


def test_holder_collects_in_person(issued: tuple[AppContext, CertificateInfo], tmp_path) -> None:  # type: ignore[no-untyped-def]
    ctx, info = issued
    result = hand_over(ctx, clerk(ctx), HandoverInput(info.id, "in_person", "王䶮", "resident_id",
                                                      "11010519491231002x", at=datetime(2026, 11, 23, 15, 30, 47)))
    assert result.at == datetime(2026, 11, 23, 15, 30) and result.case_state == "delivered"
    with ctx.read() as s:
        row = s.get(Delivery, result.delivery_id)
        case = s.get(Case, info.case_id)
        cert = s.get(Certificate, info.id)
        proof = s.get(Document, result.proof_document_id)
        ops = s.execute(select(OutboxOp.entity, OutboxOp.op)).all()
    assert row.recipient_id_number == PERSON_ID and row.relation == "本人" and row.method == "in_person"
    assert row.at == datetime(2026, 11, 23, 7, 30)  # stored in UTC, to the minute
    assert case.state == "delivered" and case.closed_at is not None and cert.status == "delivered"
    assert proof.kind == "delivery_proof" and not proof.sealed
    assert ("delivery", "deliver") in ops and ("case", "delivered") in ops
    path = tmp_path / "proof.pdf"
    path.write_bytes(read_document(ctx, proof.id)[1])
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                             text=True).stdout)
    assert "送达回证" in text and info.number in text and "王䶮" in text and "2026年11月23日15时30分" in text
    assert "直接送达" in text
    assert [d.recipient for d in deliveries_of_case(ctx, info.case_id)] == ["王䶮"]
    with pytest.raises(AppError) as err:
        hand_over(ctx, clerk(ctx), HandoverInput(info.id, "in_person", "王䶮", "resident_id", PERSON_ID))
    assert err.value.code == "already_delivered"


def test_agent_collects_for_an_organisation(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    info = _issue(ctx, HYGIENE, org("云岫市江滨大酒店有限公司"))
    wuqian = clerk(ctx, "wuqian")
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, wuqian, HandoverInput(info.id, "in_person", "李雷", "foreign_pr_id", FOREIGN_PR))
    assert err.value.field == "relation"  # an organisation never collects "in person": who is this to it?
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, wuqian, HandoverInput(info.id, "in_person", "李雷", "foreign_pr_id", "911124198108030025",
                                             relation="委托代理人"))
    assert err.value.field == "recipient_id_number"  # wrong check digit
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, wuqian, HandoverInput(info.id, "in_person", "李雷", "foreign_pr_id", FOREIGN_PR,
                                             relation="邻居"))
    assert err.value.field == "relation"
    result = hand_over(ctx, wuqian, HandoverInput(info.id, "in_person", "李雷", "foreign_pr_id", FOREIGN_PR,
                                                  relation="委托代理人"))
    with ctx.read() as s:
        row = s.get(Delivery, result.delivery_id)
    assert (row.recipient_name, row.relation, row.recipient_id_type) == ("李雷", "委托代理人", "foreign_pr_id")
    assert "B01" in row.place


def test_someone_else_is_not_the_holder(issued: tuple[AppContext, CertificateInfo]) -> None:
    ctx, info = issued
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, clerk(ctx), HandoverInput(info.id, "in_person", "王小䶮", "foreign_pr_id", FOREIGN_PR))
    assert err.value.field == "relation"
    hand_over(ctx, clerk(ctx), HandoverInput(info.id, "in_person", "王小䶮", "foreign_pr_id", FOREIGN_PR,
                                             relation="近亲属"))


def test_by_post_needs_tracking_number_and_address(issued: tuple[AppContext, CertificateInfo]) -> None:
    ctx, info = issued
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, clerk(ctx), HandoverInput(info.id, "post", "王䶮", place="云岫市桂花巷 12 号"))
    assert err.value.field == "tracking_no"
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, clerk(ctx), HandoverInput(info.id, "post", "王䶮", tracking_no="1180 2233 4455"))
    assert err.value.field == "place"
    result = hand_over(ctx, clerk(ctx), HandoverInput(info.id, "post", "王䶮", tracking_no="1180 2233 4455",
                                                      place="云岫市桂花巷 12 号"))
    with ctx.read() as s:
        row = s.get(Delivery, result.delivery_id)
    assert (row.method, row.tracking_no, row.recipient_id_number) == ("post", "118022334455", "")
    assert result.at == datetime(2026, 11, 23, 15, 42)  # now, to the minute


def test_time_and_state_checks(issued: tuple[AppContext, CertificateInfo]) -> None:
    ctx, info = issued
    me = HandoverInput(info.id, "in_person", "王䶮", "resident_id", PERSON_ID)
    with pytest.raises(ValidationError) as err:
        hand_over(ctx, clerk(ctx), HandoverInput(**{**me.__dict__, "at": datetime(2026, 11, 23, 16, 30)}))
    assert err.value.field == "at"  # later than now
    with pytest.raises(ValidationError):
        hand_over(ctx, clerk(ctx), HandoverInput(**{**me.__dict__, "at": datetime(2026, 11, 19, 9, 0)}))
    with pytest.raises(ValidationError):
        hand_over(ctx, clerk(ctx), HandoverInput(**{**me.__dict__, "method": "pigeon"}))
    void_certificate(ctx, login(ctx, "zhoujianhua", DEMO_PASSWORD), info.id, "填写错误")
    with pytest.raises(AppError) as err2:
        hand_over(ctx, clerk(ctx), me)
    assert err2.value.code == "voided"
