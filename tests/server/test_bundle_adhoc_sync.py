"""A 自选“一件事” through the real server: the parts the comprehensive window routed by hand land at the same
windows by the server's own rule (its catalog and windows), the department's workstation finds its part, and a
window that is not a comprehensive one cannot make a bundle part at all (tests/core/test_bundle_adhoc.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

from ow_testkit import person
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolled

from app.bundles.adhoc import ADHOC, adhoc_theme
from app.bundles.bundle_intake import BundleInput, PaperInput, accept_bundle
from db.models import Case as ClientCase
from server.models import Case

OWN, HYGIENE, FREIGHT = "330999-SJ-XK-008", "330999-WJ-XK-001", "330999-JT-XK-002"


def test_hand_made_parts_land_where_the_server_routes_them(
        live_server: LiveServer, workstations: Callable[[str], Workstation]) -> None:
    made = enrolled(live_server, workstations, (("a01", "W01", "zhangmin"), ("b01", "W03", "wuqian")))
    a01, b01 = made["a01"][0], made["b01"][0]
    items = (OWN, HYGIENE, FREIGHT)
    theme = adhoc_theme(a01.ctx, a01.actor("zhangmin"), items)
    papers = tuple(PaperInput(p.key, "received", True, p.copies) for p in theme.papers if not p.for_agent)
    result = accept_bundle(a01.ctx, a01.actor("zhangmin"), BundleInput(ADHOC, person(), papers, items=items))
    assert a01.sync("zhangmin").rejected == 0
    ids = {p.item_code: p.case_id for p in result.parts}
    with live_server.session() as s:
        windows = {c.id: (c.window_code, json.loads(c.record_json).get("bundle_window"))
                   for c in s.execute(select(Case)).scalars()}
    assert {code: windows[i] for code, i in ids.items()} == {
        OWN: ("W01", "W01"), HYGIENE: ("W03", "W01"), FREIGHT: ("W05", "W01")}
    assert b01.sync("wuqian").rejected == 0
    with b01.ctx.read() as s:
        part = s.get(ClientCase, ids[HYGIENE])
        assert part is not None and part.state == "accepted" and part.bundle_id == result.bundle_id
