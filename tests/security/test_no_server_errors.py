"""Finding 5 of issue #16: no input makes a 5xx; every error is a documented 4xx that does not echo the input."""

from __future__ import annotations

import json
import uuid

import pytest
from security_kit import Hall

JSON = {"Content-Type": "application/json"}
ENDPOINTS = ("/v1/push", "/v1/login", "/v1/enrol", "/v1/number-blocks")
BODIES = {
    "out of range": b'{"epoch": 1e400, "ops": [], "username": "a", "password": 1e400, "code": 1e400}',
    "lone surrogate": b'{"username": "\\ud800", "password": "x", "code": "\\udfff", "epoch": 0, "ops": []}',
    "malformed": b'{"epoch": ',
    "wrong types": b'{"epoch": "x", "ops": {}, "username": [], "password": {}, "code": 7, "count": "many"}',
    "not an object": b"[1, 2]",
    "NaN": b'{"epoch": NaN, "ops": []}',
    "huge integer": b'{"epoch": 1' + b"0" * 5000 + b', "ops": []}',
    "not UTF-8": b'{"username": "\xff\xfe", "password": "x"}',
    "deep": b"[" * 100_000 + b"]" * 100_000,
}
ECHO = ("1e400", "\\ud800", "\ud800", "Infinity", "NaN", "00000000", "many")


@pytest.mark.parametrize("name", list(BODIES))
def test_bad_bodies_get_a_clear_4xx_that_does_not_echo_them(hall: Hall, name: str) -> None:
    auth = hall.login(hall.enrol("W01"))
    for path in ENDPOINTS:
        got = hall.request("POST", path, headers={**auth, **JSON}, data=BODIES[name])
        assert got.status_code == 422, (path, got.status_code, got.text[:200])
        body = got.json()
        assert set(body) == {"code", "message"} and body["message"], (path, body)
        assert not any(e in body["message"] for e in ECHO), (path, body)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body  # said in Chinese


def test_a_lone_surrogate_inside_a_pushed_case_is_refused_not_a_500(hall: Hall) -> None:
    auth = hall.login(hall.enrol("W01"))
    case_id = str(uuid.uuid4())
    op = {"op_id": str(uuid.uuid4()), "device_seq": 1, "epoch": 0, "entity": "case", "entity_id": case_id,
          "op": "accept", "created_at": "2026-12-05T08:00:00Z", "actor": "zhangmin", "schema_version": 1,
          "payload": {"case_id": case_id, "state": "accepted", "applicant_name": "\ud800"}}
    raw = json.dumps({"epoch": 0, "ops": [op]}).encode()  # ASCII escapes, as any JSON encoder may send them
    got = hall.request("POST", "/v1/push", headers={**auth, **JSON}, data=raw)
    assert got.status_code == 422 and "applicant_name" in got.json()["message"]


def test_a_body_over_the_declared_limit_is_413_declared_or_streamed(hall: Hall) -> None:
    auth = hall.login(hall.enrol("W01"))
    big = b'{"epoch": 0, "ops": []' + b" " * (9 * 1024 * 1024) + b"}"
    got = hall.request("POST", "/v1/push", headers={**auth, **JSON}, data=big)
    assert got.status_code == 413 and got.json()["code"] == "too_large"
    streamed = hall.request("POST", "/v1/push", headers={**auth, **JSON},
                            data=(big[i:i + 65536] for i in range(0, len(big), 65536)))  # chunked, no length
    assert streamed.status_code == 413


def test_every_status_the_api_answers_is_documented(hall: Hall) -> None:
    spec = hall.request("GET", "/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            documented = set(operation["responses"])
            assert {"401", "404", "413", "422", "503"} <= documented, (method, path)
            if "content" in operation["responses"]["422"]:
                schema = operation["responses"]["422"]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_a_body_without_a_content_type_is_checked_as_json_too(hall: Hall) -> None:
    device = hall.enrol("W01")
    got = hall.request("POST", "/v1/login", headers=device,
                       data=b'{"username": "\\ud800", "password": "xxxxxxxx"}')
    assert got.status_code == 422 and got.json()["code"] == "bad_request"
