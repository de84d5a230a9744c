"""Consistency checks for the demo hall data in resources/demo/ (plain JSON, no project imports)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ROLES = {"clerk", "chief", "admin"}
KINDS = {"行政许可", "其他行政权力", "公共服务"}
PROCESSING = {"immediate", "promised", "forwarded"}
REVIEW = {"single", "double"}
FORMS = {"original", "copy", "original_and_copy"}
CERTIFICATES = {
    None,
    "FOOD_BUSINESS",
    "PUBLIC_PLACE_HYGIENE",
    "INDIVIDUAL_BUSINESS",
    "DRUG_RETAIL",
    "CONSTRUCTION_PERMIT",
    "ROAD_TRANSPORT",
}
TODAY = dt.date(2026, 11, 1)  # the demo's "now": version 2026.11-demo


def uscc_valid(code: str) -> bool:
    """GB 32100 check character: C = 31 - (sum mod 31), 31 -> 0."""
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return USCC_ALPHABET[check] == code[17]


def _load(name: str) -> dict:
    raw = (DEMO / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name} must be UTF-8 without BOM"
    return json.loads(raw.decode("utf-8"))


@pytest.fixture(scope="module")
def hall() -> dict:
    return _load("hall.json")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    data = _load("items.json")
    assert data["version"]
    return data["items"]


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _walk_strings(obj, key=None):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _walk_strings(v, k)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_strings(v, key)
    elif isinstance(obj, str):
        yield key, obj


# --------------------------------------------------------------------------- the check itself


@pytest.mark.parametrize("code", ["91440300708461136T", "91350100M000100Y43", "11100000000013338W"])
def test_uscc_check_accepts_known_samples(code):
    assert uscc_valid(code)


@pytest.mark.parametrize(
    "code", ["91310115MA1G4L1WXK", "91440300708461136A", "9144030070846113", "9144030070846113OT"]
)
def test_uscc_check_rejects_bad_codes(code):
    assert not uscc_valid(code)


# --------------------------------------------------------------------------- hall.json


def test_top_level_keys(hall):
    assert set(hall) == {"hall", "departments", "windows", "seals", "staff", "delegations", "deputies"}
    h = hall["hall"]
    for key in (
        "code",
        "name",
        "short_name",
        "region_code",
        "address",
        "phone",
        "complaint_phone",
        "verify_base_url",
    ):
        assert h[key], key
    assert re.fullmatch(r"\d{6}", h["region_code"])
    assert h["verify_base_url"].startswith("https://")


def test_counts(hall, items):
    assert len(hall["departments"]) >= 3
    assert len(hall["windows"]) >= 6
    assert len(items) >= 30
    assert {s["role"] for s in hall["staff"]} == ROLES


def test_unique_codes(hall, items):
    for coll, key in (
        ("departments", "code"),
        ("windows", "code"),
        ("windows", "number"),
        ("seals", "code"),
        ("staff", "username"),
        ("departments", "uscc"),
    ):
        values = [x[key] for x in hall[coll]]
        dup = [v for v, n in Counter(values).items() if n > 1]
        assert not dup, f"duplicate {coll}.{key}: {dup}"
    dup = [v for v, n in Counter(i["code"] for i in items).items() if n > 1]
    assert not dup, f"duplicate item codes: {dup}"
    dup = [v for v, n in Counter(i["name"] for i in items).items() if n > 1]
    assert not dup, f"duplicate item names: {dup}"


def test_every_uscc_passes_gb32100(hall, items):
    found = [v for k, v in _walk_strings([hall, items]) if k == "uscc"]
    assert len(found) == len(hall["departments"])
    bad = [v for v in found if not uscc_valid(v)]
    assert not bad, f"invalid USCC: {bad}"
    for d in hall["departments"]:
        assert d["uscc"][:2] == "11", "government bodies are registered as 11…"
        assert d["uscc"][2:8] == hall["hall"]["region_code"]


def test_windows_and_departments(hall):
    depts = {d["code"] for d in hall["departments"]}
    for w in hall["windows"]:
        assert w["department_code"] in depts, w
    assert {w["department_code"] for w in hall["windows"]} == depts, "every department needs a window"


def test_staff_references_and_roles(hall):
    depts = {d["code"] for d in hall["departments"]}
    win_dept = {w["code"]: w["department_code"] for w in hall["windows"]}
    for s in hall["staff"]:
        assert s["role"] in ROLES, s
        assert s["name"] and s["phone"], s
        if s["role"] == "admin":
            assert s["window_code"] is None and s["department_code"] is None, s
            continue
        assert s["department_code"] in depts, s
        assert s["window_code"] in win_dept, s
        assert win_dept[s["window_code"]] == s["department_code"], s

    clerks = Counter(s["window_code"] for s in hall["staff"] if s["role"] == "clerk")
    for w in hall["windows"]:
        assert clerks[w["code"]] >= 2, f"window {w['code']} needs at least two clerks"
    chiefs = Counter(s["department_code"] for s in hall["staff"] if s["role"] == "chief")
    assert all(chiefs[d] == 1 for d in depts), chiefs
    assert 1 <= sum(s["role"] == "admin" for s in hall["staff"]) <= 2


def test_a_name_outside_the_basic_cjk_block(hall):
    # e.g. 王䶮: 䶮 is U+4DAE (CJK Extension A), which many fonts and input methods lack
    def rare(ch: str) -> bool:
        return ord(ch) > 0x3400 and not 0x4E00 <= ord(ch) <= 0x9FFF

    assert any(any(rare(ch) for ch in s["name"]) for s in hall["staff"] if s["role"] == "clerk")


def test_each_window_has_a_seal_kept_by_its_chief(hall):
    win_dept = {w["code"]: w["department_code"] for w in hall["windows"]}
    dept_name = {d["code"]: d["name"] for d in hall["departments"]}
    staff = {s["username"]: s for s in hall["staff"]}
    per_window = Counter(s["window_code"] for s in hall["seals"])
    for w in win_dept:
        assert per_window[w] == 1, f"window {w} must have exactly one seal"
    for seal in hall["seals"]:
        assert seal["window_code"] in win_dept, seal
        dept = win_dept[seal["window_code"]]
        assert re.fullmatch(r"\d{13}", seal["code"]), seal
        assert seal["code"].startswith(hall["hall"]["region_code"]), seal
        assert seal["org_name"] == dept_name[dept], seal
        assert seal["purpose"] == "行政审批服务专用章", seal
        assert seal["status"] == "active", seal
        _date(seal["valid_from"])
        keeper = staff.get(seal["custodian"])
        assert keeper is not None, seal
        assert keeper["role"] == "chief" and keeper["department_code"] == dept, seal


def test_delegations(hall, items):
    staff = {s["username"]: s for s in hall["staff"]}
    by_code = {i["code"]: i for i in items}
    delegated = set()
    expired = 0
    for d in hall["delegations"]:
        item = by_code.get(d["item_code"])
        assert item is not None, d
        chief = staff.get(d["chief"])
        assert chief is not None and chief["role"] == "chief", d
        assert chief["department_code"] == item["department_code"], d
        assert item["review_mode"] == "double", f"only 一审一核 items are delegated: {d}"
        assert item["processing_type"] != "forwarded", f"a forwarded item is not decided in the hall: {d}"
        start, end = _date(d["valid_from"]), _date(d["valid_to"])
        assert start <= end, d
        expired += end < TODAY
        delegated.add(d["item_code"])
    assert expired >= 1, "the demo needs one expired delegation"

    double = [i for i in items if i["review_mode"] == "double"]
    undelegated = [i for i in double if i["code"] not in delegated]
    assert len(undelegated) >= 2
    assert all(i["processing_type"] == "forwarded" for i in undelegated), (
        "undelegated 一审一核 items are forwarded"
    )
    for dept in {i["department_code"] for i in double}:
        mine = [i for i in double if i["department_code"] == dept]
        held = [i for i in mine if i["code"] in delegated]
        assert len(held) * 2 > len(mine), f"the chief of {dept} should hold most of its 一审一核 items"


def test_deputies(hall):
    staff = {s["username"]: s for s in hall["staff"]}
    assert hall["deputies"]
    for d in hall["deputies"]:
        chief, deputy = staff.get(d["chief"]), staff.get(d["deputy"])
        assert chief is not None and chief["role"] == "chief", d
        assert deputy is not None and deputy["username"] != chief["username"], d
        assert deputy["department_code"] == chief["department_code"], d
        assert _date(d["valid_from"]) <= _date(d["valid_to"]), d
        assert d["reason"], d
        # Only someone holding the chief's authority stands in: another chief representative, or a
        # person the department names for it in writing.
        assert deputy["role"] == "chief" or d.get("named_by", "").strip(), d
        # The demo's "now" is no absence of the chief: he signs himself then, with no deputy named.
        assert not _date(d["valid_from"]) <= TODAY <= _date(d["valid_to"]), d


# --------------------------------------------------------------------------- items.json


def test_item_fields(hall, items):
    depts = {d["code"] for d in hall["departments"]}
    for i in items:
        where = i["code"]
        assert i["department_code"] in depts, where
        assert i["kind"] in KINDS, where
        assert i["processing_type"] in PROCESSING, where
        assert i["review_mode"] in REVIEW, where
        assert isinstance(i["site_visit"], bool) and isinstance(i["expert_review"], bool), where
        assert i["certificate_type_code"] in CERTIFICATES, where
        for key in ("name", "basis", "conditions", "fee", "location", "enquiry_phone", "complaint_phone"):
            assert i[key], (where, key)
        assert "《" in i["basis"], where
        assert i["fee"] == "不收费" or i["fee_basis"], f"{where}: a fee needs its legal basis"
        assert i["code"].startswith(hall["hall"]["region_code"] + "-" + i["department_code"] + "-"), where


def test_time_limits(items):
    for i in items:
        legal, promised = i["legal_days"], i["promised_days"]
        assert isinstance(legal, int) and isinstance(promised, int), i["code"]
        assert legal >= 0 and promised >= 0, i["code"]
        if legal > 0:
            assert promised <= legal // 2, (
                f"{i['code']}: promised {promised} > half of legal {legal} (seed 002)"
            )
        if i["processing_type"] == "immediate":
            assert promised == 0, i["code"]
        else:
            assert legal > 0 and promised > 0, i["code"]


def test_materials(items):
    for i in items:
        mats = i["materials"]
        assert 3 <= len(mats) <= 9, f"{i['code']}: {len(mats)} materials"
        names = [m["name"] for m in mats]
        assert len(set(names)) == len(names), i["code"]
        for m in mats:
            assert m["name"], i["code"]
            assert m["form"] in FORMS, (i["code"], m["name"])
            assert isinstance(m["copies"], int) and m["copies"] >= 1, (i["code"], m["name"])
            assert isinstance(m["template"], str) and isinstance(m["note"], str), (i["code"], m["name"])
            assert isinstance(m["may_defer"], bool), (i["code"], m["name"])
            # 行政许可法 art. 31: no catch-all "other materials" line
            assert "其他材料" not in m["name"], (i["code"], m["name"])
    assert sum(m["may_defer"] for i in items for m in i["materials"]) >= 3


def test_catalogue_mix(items):
    kinds = Counter(i["processing_type"] for i in items)
    assert kinds["immediate"] >= 4
    assert kinds["forwarded"] >= 6
    assert kinds["promised"] >= 1
    assert sum(i["review_mode"] == "double" for i in items) >= 12
    assert sum(i["site_visit"] for i in items) >= 4
    assert sum(i["expert_review"] for i in items) >= 2
