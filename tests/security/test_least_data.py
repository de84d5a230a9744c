"""Findings 3 and 4 of issue #16: a workstation receives only what its window needs."""

from __future__ import annotations

import hashlib

from security_kit import Hall
from sync_testkit import Workstation


def _staff(hall: Hall, device: dict[str, str]) -> dict[str, dict]:
    got = hall.request("GET", "/v1/reference/hall", headers=device)
    assert got.status_code == 200
    return {p["username"]: p for p in got.json()["staff"]}


def test_hall_gives_verifiers_of_the_window_and_administrators_and_phones_of_the_window_only(hall: Hall) -> None:
    staff = _staff(hall, hall.enrol("W01"))
    with_verifier = {u for u, p in staff.items() if p.get("password_hash")}
    # From resources/demo/hall.json: W01 is zhoujianhua (chief), zhangmin, wangyan, liuting; two administrators.
    assert with_verifier == {"zhoujianhua", "zhangmin", "wangyan", "liuting", "chensiyuan", "yangfan"}
    with_phone = {u for u, p in staff.items() if p.get("phone")}
    assert with_phone == {"zhoujianhua", "zhangmin", "wangyan", "liuting"}
    assert staff["lina"]["window_code"] == "W02" and "password_hash" not in staff["lina"]


def test_a_reset_verifier_replaces_the_old_one_at_the_next_fetch(hall: Hall) -> None:
    device = hall.enrol("W01")
    before = _staff(hall, device)["wangyan"]["password_hash"]
    assert hall.server.admin("staff", "reset-password", "wangyan", "--password", "Neu-Passwort-2026") == 0
    after = _staff(hall, device)["wangyan"]["password_hash"]
    assert after != before and after.startswith("$argon2")


def test_another_windows_document_is_not_found(hall: Hall) -> None:
    w01 = hall.login(hall.enrol("W01"), "zhangmin")
    w02 = hall.login(hall.enrol("W02"), "lina")
    data = b"%PDF-1.7 window W01 only"
    sha = hashlib.sha256(data).hexdigest()
    assert hall.request("PUT", f"/v1/blobs/{sha}", headers=w01, data=data).status_code == 201
    assert hall.request("GET", f"/v1/blobs/{sha}", headers=w01).content == data
    other = hall.request("GET", f"/v1/blobs/{sha}", headers=w02)
    assert other.status_code == 404 and other.json()["code"] == "not_found"


def test_upload_needs_a_signed_in_member_of_staff(hall: Hall) -> None:
    device = hall.enrol("W01")
    data = b"%PDF-1.7 no one signed in"
    sha = hashlib.sha256(data).hexdigest()
    got = hall.request("PUT", f"/v1/blobs/{sha}", headers=device, data=data)
    assert got.status_code == 401 and got.json()["code"] == "no_token"
    signed_in = hall.login(device)
    assert hall.request("PUT", f"/v1/blobs/{sha}", headers=signed_in, data=data).status_code == 201


def test_a_password_reset_reaches_the_workstation_at_its_next_sync(hall: Hall, station: Workstation) -> None:
    from sqlalchemy import select

    from app.core.auth import login
    from db.models import Staff

    assert hall.server.admin("staff", "reset-password", "wangyan", "--password", "Neu-Passwort-2026") == 0
    assert station.sync().ok
    with station.ctx.read() as s:
        local = s.execute(select(Staff).where(Staff.username == "wangyan")).scalar_one()
    with hall.server.session() as s:
        from server.models import Staff as ServerStaff

        assert local.password_hash == s.get(ServerStaff, "wangyan").password_hash
    assert login(station.ctx, "wangyan", "Neu-Passwort-2026").username == "wangyan"  # offline sign-in, new one
