"""The HTTP client for the central server: requests with the OS trust store, 5 s / 30 s timeouts, typed errors."""

from __future__ import annotations

import email.utils
import hashlib
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, NoReturn, TypeVar
from urllib.parse import urlsplit

from app.core.errors import AppError
from app.sync.protocol import (
    API,
    DEVICE_HEADER,
    SECRET_HEADER,
    AuditAnchors,
    BlockRequest,
    ChangePage,
    EnrolRequest,
    EnrolResponse,
    HallFigures,
    Health,
    LoginRequest,
    LoginResponse,
    NumberBlockLease,
    ProtocolError,
    PushRefusal,
    PushRequest,
    PushResponse,
    Reconciliation,
    from_wire,
    to_wire,
)

TIMEOUT = (5.0, 30.0)  # connect, read
CHUNK = 256 * 1024  # a streamed download's piece: what one is held in memory at a time
ATTEMPTS = 3  # an idempotent request lost on the way is sent again at once, this many times in all
RETRY_PAUSE = 0.2  # seconds, times the attempt number
R = TypeVar("R")


class ServerUnavailable(AppError):
    """The server cannot be reached or is overloaded: try again later (after `retry_after` if it said)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__("offline", message)
        self.retry_after = retry_after


class ServerRefused(AppError):
    """The server answered with a refusal (4xx) that trying again will not change."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status


class NeedLogin(ServerRefused):
    """The staff token is missing or expired: the member of staff signs in to the server again."""


class DeviceRejected(ServerRefused):
    """The device credential is wrong or the device was retired: enrol again."""


@dataclass(frozen=True)
class DeviceCredential:
    device_id: str
    secret: str


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (either form the RFC allows)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine (localhost, 127.0.0.0/8, ::1): the only place plain HTTP may go."""
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def plain_http_refused(url: str) -> str | None:
    """The message when `url` would send citizens' data in clear over the network; None when it is fine.

    Case payloads, ID numbers and staff tokens cross the hall's network: only HTTPS, verified against
    the hall's CA in the OS trust store (http_session), except to a server on this same machine.
    """
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        return "中心服务器地址必须使用 https://（加密传输，个人信息保护要求）；http:// 只允许本机地址（127.0.0.1）"
    return None


def http_session() -> Any:
    """A requests session that verifies HTTPS against the OS trust store (a hall's own CA works)."""
    import requests
    import truststore
    from requests.adapters import HTTPAdapter

    class TrustStoreAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["ssl_context"] = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            return super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("https://", TrustStoreAdapter())
    return session


class SyncClient:
    """One server, one device credential, optionally one staff token."""

    def __init__(self, base_url: str, device: DeviceCredential | None = None, token: str | None = None,
                 *, session: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        refused = plain_http_refused(self.base_url)
        if refused:
            raise AppError("plain_http", refused)
        self.device, self.token = device, token
        self._http = session or http_session()

    def close(self) -> None:
        self._http.close()

    def _headers(self, auth: str) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if auth in ("device", "staff"):
            if self.device is None:
                raise AppError("not_enrolled", "本机尚未登记到中心服务器")
            headers[DEVICE_HEADER], headers[SECRET_HEADER] = self.device.device_id, self.device.secret
        if auth == "staff":
            if not self.token:
                raise NeedLogin(401, "no_token", "请先登录中心服务器")
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _call(self, method: str, path: str, *, auth: str, body: Any = None, data: bytes | None = None,
              headers: dict[str, str] | None = None, params: dict[str, Any] | None = None,
              accept: tuple[int, ...] = (200,), stream: bool = False) -> Any:
        import requests

        all_headers = {**self._headers(auth), **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/octet-stream"
        try:
            response = self._http.request(method, self.base_url + path, headers=all_headers, params=params,
                                          data=data if data is not None else (
                                              json.dumps(to_wire(body), ensure_ascii=False).encode()
                                              if body is not None else None),
                                          timeout=TIMEOUT, allow_redirects=False, stream=stream)
        except requests.exceptions.SSLError as exc:
            raise ServerRefused(0, "tls", f"中心服务器的 HTTPS 证书未通过验证（{exc.__class__.__name__}），"
                                          "请信息管理员检查证书或本机的受信任根证书") from exc
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ServerUnavailable("无法连接中心服务器（网络不通或服务器未启动）") from exc
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            # The answer was cut off on the way (tests/faults/test_sync_chaos.py): try again later.
            raise ServerUnavailable("与中心服务器的连接中断，应答不完整") from exc
        if response.status_code in accept:
            return response
        self._raise(response)

    def _raise(self, response: Any) -> NoReturn:
        status = response.status_code
        try:
            body = response.json()
            code, message = str(body.get("code", "")), str(body.get("message", ""))
        except (ValueError, AttributeError):
            code, message = "", ""
        if status in (429, 502, 503, 504) or status >= 500:
            raise ServerUnavailable(f"中心服务器暂时不可用（HTTP {status}）", _retry_after(
                response.headers.get("Retry-After")))
        if status == 401 and code in ("no_token", "bad_token"):
            raise NeedLogin(status, code, message or "请重新登录中心服务器")
        if status == 401:
            raise DeviceRejected(status, code or "bad_device", message or "本机的设备凭据无效，请重新登记本机")
        raise ServerRefused(status, code or f"http_{status}", message or f"中心服务器拒绝了请求（HTTP {status}）")

    def _json(self, response: Any) -> Any:
        try:
            return response.json()
        except ValueError as exc:  # most often an answer cut off on the way: a network matter, try again
            raise ServerUnavailable("中心服务器的应答不完整或不是有效的数据") from exc

    @staticmethod
    def _again(call: Callable[[], R]) -> R:
        """An idempotent request (a GET, a content-addressed upload, a push — the server answers a repeated
        op_id with its stored result) tried again when lost on the way: on a bad network a run then gets
        through instead of stopping at its first lost packet. Never when the server asked for a pause
        (Retry-After: the controller waits that long) and never for a refusal."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return call()
            except ServerUnavailable as exc:
                if exc.retry_after is not None or attempt == ATTEMPTS:
                    raise
                time.sleep(RETRY_PAUSE * attempt)
        raise AssertionError("unreachable")

    def _post(self, path: str, body: Any, cls: type[Any], auth: str) -> Any:
        response = self._call("POST", API + path, auth=auth, body=body, headers={"Content-Type": "application/json"})
        return self._parse(cls, self._json(response))

    def _parse(self, cls: type[Any], data: Any) -> Any:
        try:
            return from_wire(cls, data)
        except ProtocolError as exc:
            raise ServerRefused(200, "bad_response", f"中心服务器的应答不符合同步协议：{exc}") from exc

    # --- endpoints ---------------------------------------------------------------------------------

    def health(self) -> Health:
        return self._again(lambda: self._parse(Health, self._json(self._call("GET", "/health", auth="none"))))

    def enrol(self, code: str, workstation_name: str) -> EnrolResponse:
        return self._post("/enrol", EnrolRequest(code, workstation_name), EnrolResponse, "none")

    def login(self, username: str, password: str, public_key: str = "") -> LoginResponse:
        """A staff token; `public_key` (this person's op-signing key here) is registered with it."""
        return self._post("/login", LoginRequest(username, password, public_key), LoginResponse, "device")

    def push(self, request: PushRequest) -> PushResponse | PushRefusal:
        return self._again(lambda: self._push(request))

    def _push(self, request: PushRequest) -> PushResponse | PushRefusal:
        response = self._call("POST", API + "/push", auth="staff", body=request,
                              headers={"Content-Type": "application/json"}, accept=(200, 409))
        data = self._json(response)
        if response.status_code == 409:
            return self._parse(PushRefusal, data)
        return self._parse(PushResponse, data)

    def pull(self, after: int, limit: int = 200) -> ChangePage:
        return self._again(lambda: self._parse(ChangePage, self._json(self._call(
            "GET", API + "/changes", auth="staff", params={"after": after, "limit": limit}))))

    def reference(self, name: str, etag: str | None) -> tuple[dict[str, Any], str] | None:
        """The named document and its ETag, or None when it is unchanged since `etag`."""
        return self._again(lambda: self._reference(name, etag))

    def _reference(self, name: str, etag: str | None) -> tuple[dict[str, Any], str] | None:
        response = self._call("GET", f"{API}/reference/{name}", auth="device",
                              headers={"If-None-Match": etag} if etag else None, accept=(200, 304))
        if response.status_code == 304:
            return None
        return self._json(response), response.headers.get("ETag", "")

    def put_blob(self, sha256: str, data: bytes) -> bool:
        """Upload a file by its SHA-256; True when the server did not have it yet."""
        response = self._again(lambda: self._call("PUT", f"{API}/blobs/{sha256}", auth="staff", data=data,
                                                  accept=(200, 201)))
        return bool(response.status_code == 201)

    def get_blob(self, sha256: str) -> bytes:
        return bytes(self._again(lambda: self._call("GET", f"{API}/blobs/{sha256}", auth="staff").content))

    def fetch_blob(self, sha256: str, sink: BinaryIO, limit: int) -> int:
        """Stream a file into `sink` in chunks (never whole in memory); ServerRefused past `limit` bytes or when the
        content is not the one its SHA-256 names. Returns the size."""
        import requests

        response = self._again(lambda: self._call("GET", f"{API}/blobs/{sha256}", auth="staff", stream=True))
        digest, size = hashlib.sha256(), 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ServerRefused(200, "too_large", f"中心服务器上的文件超过 {limit // 2**20} MB，未下载")
                digest.update(chunk)
                sink.write(chunk)
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise ServerUnavailable("与中心服务器的连接中断，文件未下载完") from exc
        finally:
            response.close()
        if digest.hexdigest() != sha256:
            raise ServerRefused(200, "digest_mismatch", "中心服务器返回的文件与其摘要不符")
        return size

    def lease_block(self, request: BlockRequest) -> NumberBlockLease:
        return self._post("/number-blocks", request, NumberBlockLease, "staff")

    def figures(self, day: str) -> HallFigures:
        return self._again(lambda: self._parse(HallFigures, self._json(self._call(
            "GET", API + "/figures", auth="staff", params={"day": day}))))

    def audit_anchors(self) -> AuditAnchors:
        return self._again(lambda: self._parse(AuditAnchors, self._json(self._call(
            "GET", API + "/audit-anchor", auth="device"))))

    def reconciliation(self, day: str) -> Reconciliation:
        return self._again(lambda: self._parse(Reconciliation, self._json(self._call(
            "GET", API + "/reconciliation", auth="staff", params={"day": day}))))
