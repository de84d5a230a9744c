"""The HTTP client's contract: timeouts on every call, credentials in headers, server answers sorted into errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests

from app.sync.client import (
    ATTEMPTS,
    DeviceCredential,
    DeviceRejected,
    NeedLogin,
    ServerRefused,
    ServerUnavailable,
    SyncClient,
    _retry_after,
)


@dataclass
class FakeResponse:
    status_code: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        if self.body is None:
            raise ValueError("no body")
        return self.body


class FakeHttp:
    """Stands in for requests.Session: records what was sent, answers what it was told to."""

    def __init__(self, *answers: Any) -> None:
        self.answers, self.sent = list(answers), []

    def request(self, method: str, url: str, **kw: Any) -> Any:
        self.sent.append((method, url, kw))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        pass


def _client(*answers: Any, token: str | None = "tok") -> tuple[SyncClient, FakeHttp]:
    http = FakeHttp(*answers)
    return SyncClient("https://server.example/", DeviceCredential("dev-1", "s3cret"), token, session=http), http


def test_every_call_has_the_timeouts_and_the_credentials() -> None:
    page = {"changes": [], "cursor": 7, "more": False}
    client, http = _client(FakeResponse(200, page))
    assert client.pull(5).cursor == 7
    method, url, kw = http.sent[0]
    assert (method, url) == ("GET", "https://server.example/v1/changes") and kw["params"] == {"after": 5, "limit": 200}
    assert kw["timeout"] == (5.0, 30.0) and kw["allow_redirects"] is False
    assert kw["headers"]["X-OneWindow-Device"] == "dev-1" and kw["headers"]["X-OneWindow-Secret"] == "s3cret"
    assert kw["headers"]["Authorization"] == "Bearer tok"


def test_the_server_away_busy_or_refusing() -> None:
    # A lost request is sent ATTEMPTS times in all; a 503 with Retry-After is not tried again (the caller waits).
    client, _ = _client(*[requests.ConnectionError("refused")] * ATTEMPTS,
                        FakeResponse(503, None, {"Retry-After": "120"}),
                        FakeResponse(401, {"code": "bad_token", "message": "登录已过期"}),
                        FakeResponse(401, {"code": "bad_device", "message": "设备凭据无效"}),
                        FakeResponse(422, {"code": "bad_op", "message": "不符合同步协议"}))
    with pytest.raises(ServerUnavailable):
        client.health()
    with pytest.raises(ServerUnavailable) as busy:
        client.health()
    assert busy.value.retry_after == 120
    with pytest.raises(NeedLogin):
        client.pull(0)
    with pytest.raises(DeviceRejected):
        client.pull(0)
    with pytest.raises(ServerRefused) as refused:
        client.pull(0)
    assert refused.value.code == "bad_op" and refused.value.message == "不符合同步协议"


def test_no_token_means_sign_in_before_any_request() -> None:
    client, http = _client(token=None)
    with pytest.raises(NeedLogin):
        client.pull(0)
    assert http.sent == []


def test_a_push_refusal_is_an_answer_not_an_error() -> None:
    from app.sync.protocol import PushRefusal, PushRequest

    refusal = {"code": "seq_gap", "message": "缺少序号", "epoch": 0, "expected_seq": 3, "next_seq": 3, "results": []}
    client, http = _client(FakeResponse(409, refusal))
    answer = client.push(PushRequest(0, []))
    assert isinstance(answer, PushRefusal) and answer.expected_seq == 3
    assert json.loads(http.sent[0][2]["data"]) == {"epoch": 0, "ops": [], "top_seq": None, "audit_head": None}


def test_an_unchanged_reference_document_is_none() -> None:
    client, http = _client(FakeResponse(304, None, {"ETag": '"abc"'}), FakeResponse(200, {"version": "2"},
                                                                                   {"ETag": '"def"'}))
    assert client.reference("catalog", '"abc"') is None
    assert http.sent[0][2]["headers"]["If-None-Match"] == '"abc"'
    assert client.reference("catalog", '"abc"') == ({"version": "2"}, '"def"')


def test_retry_after_in_both_forms() -> None:
    assert _retry_after("30") == 30 and _retry_after(None) is None and _retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 <= (_retry_after(later) or 0) <= 91
