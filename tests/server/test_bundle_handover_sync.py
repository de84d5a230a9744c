"""统一出件 through the real server: the 前置 is denied at A02, the waiting parts stop at their own windows
(A02, D01, B02), and the comprehensive window hands the bundle over; the server delivers each part at its own
window's record because its own record says the bundle was received at W01 — and refuses any other change of
another window's part from W01."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from bundle_kit import REGISTRATION, application
from bundle_windows_kit import FIRE, STAFF, refuse_prerequisite
from ow_testkit import person
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolled

from app.bundles.bundle_handover import hand_over_bundle, handover_readiness
from app.bundles.bundle_intake import accept_bundle
from app.cases.snapshot import case_snapshot
from app.core import outbox
from db.models import Case as ClientCase
from db.models import Document, OutboxOp
from server.models import Case


def _server_records(server: LiveServer) -> dict[str, tuple[str, dict]]:
    with server.session() as s:
        return {c.id: (c.window_code, json.loads(c.record_json)) for c in s.execute(select(Case)).scalars()}


def test_the_comprehensive_window_delivers_every_part_on_the_server(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    made = enrolled(live_server, workstations, STAFF)
    a01, a02 = made["a01"][0], made["a02"][0]
    result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
    ids = {p.item_code: p.case_id for p in result.parts}
    assert a01.sync("zhangmin").rejected == 0
    assert a02.sync("lina").ok
    refuse_prerequisite(made, ids)
    assert a01.sync("zhangmin").rejected == 0  # the stopped parts and the denial's document come down
    ready = handover_readiness(a01.ctx, a01.actor("zhangmin"), result.bundle_id)
    assert ready.ready, ready.missing
    assert {p.outcome for p in ready.parts} == {"denied", "stopped"}

    handed = hand_over_bundle(a01.ctx, a01.actor("zhangmin"), result.bundle_id, method="in_person",
                              recipient_name=person().name, recipient_id_number=person().id_number)
    # Each stopped part (of D01, B02, A02) gets its 终止办理告知书 at W01 from the pulled denial, and stays stopped:
    # no change of another window's part is pushed for it, so nothing is rejected.
    assert len(handed.termination_ids) == sum(1 for p in ready.parts if p.outcome == "stopped") == 3
    outcome = a01.sync("zhangmin")
    assert outcome.ok and outcome.rejected == 0
    window, record = _server_records(live_server)[ids[REGISTRATION]]
    assert window == "W02" and record["state"] == "delivered" and record["bundle_window"] == "W01"
    assert a02.sync("lina").rejected == 0  # the owning window learns it was delivered
    with a02.ctx.read() as s:
        assert s.get(ClientCase, ids[REGISTRATION]).state == "delivered"  # type: ignore[union-attr]
    # The notices join the stopped parts' records on the server, and reach their own windows: D01's part
    # holds its 终止办理告知书 after D01's next sync, the file fetched and matching its hash.
    records = _server_records(live_server)
    stopped = [cid for cid, (_w, rec) in records.items() if rec["state"] == "stopped"]
    assert len(stopped) == 3
    for cid in stopped:
        kinds = [d["kind"] for d in records[cid][1]["documents"]]
        assert kinds.count("termination_notice") == 1, kinds
    d01 = made["d01"][0]
    assert d01.sync("fangqing").rejected == 0
    with d01.ctx.read() as s:
        fire = s.get(ClientCase, ids[FIRE])
        assert fire is not None and fire.state == "stopped"
        notices = s.execute(select(Document).where(Document.case_id == fire.id,
                                                   Document.kind == "termination_notice")).scalars().all()
        assert len(notices) == 1 and (d01.ctx.data.root / notices[0].path).exists()
        assert hashlib.sha256((d01.ctx.data.root / notices[0].path).read_bytes()).hexdigest() == notices[0].sha256
    with a01.ctx.read() as s:
        assert s.execute(select(OutboxOp).where(OutboxOp.state == "pending")).first() is None

    # Delivery is all the comprehensive window may do to another window's part: any other change is refused.
    with a01.ctx.write() as s:
        part = s.get(ClientCase, ids[REGISTRATION])
        assert part is not None
        outbox.enqueue(s, "case", part.id, "review", {**case_snapshot(part), "state": "under_review"},
                       a01.ctx.now())
    assert a01.sync("zhangmin").rejected == 1
    with a01.ctx.read() as s:
        result_json = s.execute(select(OutboxOp.result_json).where(OutboxOp.state == "rejected")).scalar_one()
    assert json.loads(result_json)["code"] == "not_your_window"
    assert _server_records(live_server)[ids[REGISTRATION]][1]["state"] == "delivered"

    # Filing a notice is all it may send for a stopped part: the other fields it carries are not taken.
    fire_record = _server_records(live_server)[ids[FIRE]][1]
    with a01.ctx.write() as s:
        part = s.get(ClientCase, ids[FIRE])
        assert part is not None
        outbox.enqueue(s, "case", part.id, "termination_notice", {**case_snapshot(part), "applicant_name": "某某"},
                       a01.ctx.now())
    assert a01.sync("zhangmin").rejected == 0  # applied: the notice is filed, nothing else taken
    after = _server_records(live_server)[ids[FIRE]][1]
    assert after["applicant_name"] == fire_record["applicant_name"] and after["documents"] == fire_record["documents"]
