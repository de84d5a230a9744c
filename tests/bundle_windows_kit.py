"""开办餐饮店 across the hall's windows through a real server: the workstations of the comprehensive window
(A01, where the chief representative of 市场监管 also sits), A02, D01 and B02, and the steps each window takes
on its own part. Shared by the server test and the UI test of the same day."""

from __future__ import annotations

from collections.abc import Callable

from bundle_kit import APPROVE, FOOD_LICENCE, REGISTRATION
from sync_testkit import Workstation

from app.certificates.issuance import CertificateInfo, draft_for_case, issue_certificate
from app.signoff.decisions import DecisionInput, decide_single
from app.signoff.queue import signoff_queue
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Case

STAFF = (("a01", "W01", "zhangmin"), ("a02", "W02", "lina"), ("d01", "W08", "fangqing"), ("b02", "W04", "xujing"))
FIRE, SIGN = "330999-XF-XK-001", "330999-ZJ-XK-005"
CHIEF = "zhoujianhua"
REFUSE_REGISTRATION = DecisionInput("deny", "不予登记", reasons="经营场所不符合要求",
                                    basis="《市场主体登记管理条例》第二十一条")
Made = dict[str, tuple[Workstation, str]]


def sync_all(made: Made, rounds: int = 2) -> None:
    """Every workstation pushes and pulls, `rounds` times (a change made late in a round comes the next)."""
    for _ in range(rounds):
        for ws, user in made.values():
            assert ws.sync(user).rejected == 0, ws.ctx.data.root.name


Sync = Callable[[Made], None]  # what happens on the network between two steps: sync_all, or a bad network


def refuse_prerequisite(made: Made, ids: dict[str, str], sync: Sync = sync_all) -> None:
    """A02 denies 个体工商户设立登记: the parts waiting on it stop at their own windows."""
    a02 = made["a02"][0]
    decide_single(a02.ctx, a02.actor("lina"), ids[REGISTRATION], REFUSE_REGISTRATION,
                  custodian_password=DEMO_PASSWORD)
    sync(made)


def approve_every_part(made: Made, ids: dict[str, str], sync: Sync = sync_all) -> CertificateInfo:
    """The 前置 at A02, then the fire check at D01 and the sign at B02; 食品经营许可 reviewed at A02 and signed
    by the chief at A01, its licence made at A02. Returns that certificate. `sync` runs between the steps."""
    a01, a02 = made["a01"][0], made["a02"][0]
    decide_single(a02.ctx, a02.actor("lina"), ids[REGISTRATION], APPROVE, custodian_password=DEMO_PASSWORD)
    sync(made)  # the 前置's approval reaches the server; the waiting parts start at their own windows
    for name, code in (("d01", FIRE), ("b02", SIGN)):
        ws, user = made[name]
        with ws.ctx.read() as s:
            assert s.get(Case, ids[code]).state == "accepted", name  # type: ignore[union-attr]
        decide_single(ws.ctx, ws.actor(user), ids[code], APPROVE, custodian_password=DEMO_PASSWORD)
    record_review(a02.ctx, a02.actor("lina"), ids[FOOD_LICENCE], APPROVE)
    sync(made)
    a01.sign_in(CHIEF)
    assert ids[FOOD_LICENCE] in [r.case_id for r in signoff_queue(a01.ctx, a01.actor(CHIEF))]  # his own queue
    sign_off(a01.ctx, a01.actor(CHIEF), ids[FOOD_LICENCE], APPROVE, custodian_password=DEMO_PASSWORD)
    sync({**made, "a01": (a01, CHIEF)})  # his signed op goes with his own sign-in
    values = {f.key: f.value or (f.choices[0] if f.choices else "餐饮服务")
              for f in draft_for_case(a02.ctx, a02.actor("lina"), ids[FOOD_LICENCE]).fields}
    cert = issue_certificate(a02.ctx, a02.actor("lina"), ids[FOOD_LICENCE], values, DEMO_PASSWORD)
    sync(made)
    return cert
