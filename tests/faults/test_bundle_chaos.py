"""A 一件事 whose parts are decided at three workstations of three windows (A02, D01, B02; the licence signed by
the chief at A01) over a bad network — dropped requests and answers, duplicates, delays, 503s, cut-off bodies
— and through a cut of the network altogether; handed over at A01. When the network settles, every
workstation and the server agree: every part delivered, no op lost or applied twice, nothing pending."""

from __future__ import annotations

from pathlib import Path

from bundle_kit import application
from bundle_windows_kit import STAFF, Made, approve_every_part
from faults.chaos_proxy import ChaosProxy
from faults.sync_fault_kit import doubled, hall, local_op_ids, pending, server_op_ids
from ow_testkit import person
from sqlalchemy import select

from app.bundles.bundle_handover import hand_over_bundle, handover_readiness
from app.bundles.bundle_intake import accept_bundle
from db.models import Case as ClientCase
from server.models import Case


def test_a_bundle_across_three_windows_over_a_bad_network(demo_template: Path) -> None:
    with hall(demo_template) as h, ChaosProxy(h.server.url, seed=7, budget=0) as proxy:
        made: Made = {name: (h.workstation(name, user, url=proxy.url, window=window), user)
                      for name, window, user in STAFF}
        failures: list[str] = []

        def bad_network(stations: Made) -> None:
            """Every workstation syncs twice on a bad network, then once more through a cut; then it settles."""
            proxy.arm(12)
            for _ in range(2):
                for ws, user in stations.values():
                    outcome = ws.sync(user)
                    if not outcome.ok:
                        failures.append(outcome.code)
            proxy.loss = 1.0  # the cable pulled: nothing gets through
            for ws, user in stations.values():
                assert not ws.sync(user).ok
            proxy.loss = None
            proxy.calm()
            for _ in range(3):
                for ws, user in stations.values():
                    outcome = ws.sync(user)
                    assert outcome.ok and outcome.rejected == 0, (ws.ctx.data.root.name, outcome)

        a01 = made["a01"][0]
        result = accept_bundle(a01.ctx, a01.actor("zhangmin"), application(a01.ctx))
        ids = {p.item_code: p.case_id for p in result.parts}
        bad_network(made)
        approve_every_part(made, ids, sync=bad_network)
        assert handover_readiness(a01.ctx, a01.actor("zhangmin"), result.bundle_id).ready
        hand_over_bundle(a01.ctx, a01.actor("zhangmin"), result.bundle_id, method="in_person",
                         recipient_name=person().name, recipient_id_number=person().id_number)
        bad_network(made)

        assert failures and sum(n for f, n in proxy.seen.items() if f != "pass") >= 20, proxy.seen
        held = server_op_ids(h.server)
        assert not doubled(held)
        with h.server.session() as s:
            states = {c.id: c.state for c in s.execute(select(Case).where(Case.id.in_(ids.values()))).scalars()}
        assert states == dict.fromkeys(ids.values(), "delivered")
        for name, (ws, _user) in made.items():
            assert pending(ws) == 0, name
            mine = local_op_ids(ws)
            assert not doubled(mine) and set(mine) <= set(held), name
            with ws.ctx.read() as s:
                here = {c.id: c.state for c in s.execute(select(ClientCase).where(
                    ClientCase.id.in_(ids.values()))).scalars()}
            assert here and set(here.values()) == {"delivered"}, (name, here)
