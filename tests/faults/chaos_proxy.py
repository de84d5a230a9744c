"""A bad network between a workstation and the server: a threaded HTTP proxy on 127.0.0.1 that misbehaves on cue.

Each request takes the next fault from a seeded random sequence while the budget lasts, then the
proxy passes everything through unchanged. Faults: drop the request, drop the response (forwarded,
then the connection closes unanswered), send the request twice, delay, 503 with Retry-After, and
truncate the response body.
"""

from __future__ import annotations

import http.client
import random
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = ("drop_request", "drop_response", "duplicate", "delay", "busy", "truncate", "pass")
LOSSES = ("drop_request", "drop_response", "busy", "truncate")  # the faults that lose a request or its answer
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade", "host"}


class ChaosProxy:
    def __init__(self, upstream: str, *, seed: int = 0, budget: int = 30, max_delay: float = 0.3,
                 loss: float | None = None) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.random = random.Random(seed)
        self.budget, self.max_delay = budget, max_delay
        self.loss = loss  # a steady bad network: this share of requests lost (dropped, 503, cut off), no budget
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._busy: list[str] = []  # Retry-After values for the next requests, answered 503 whatever the budget
        self.answered: list[tuple[float, float, str, str]] = []  # (arrived, answered, "METHOD /path", fault)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def _any(self) -> None:
                proxy.handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = _any  # noqa: N815 (http.server's names)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ChaosProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def arm(self, budget: int) -> None:
        """Misbehave on the next `budget` faulty draws."""
        with self._lock:
            self.budget = budget

    def calm(self) -> None:
        """No more faults from now on."""
        with self._lock:
            self.budget = 0

    def busy(self, requests: int, retry_after: str) -> None:
        """Answer the next `requests` requests 503 with this Retry-After (seconds or an HTTP date)."""
        with self._lock:
            self._busy += [retry_after] * requests

    def _next_fault(self) -> str:
        with self._lock:
            if self.loss is not None:
                lost = self.random.random() < self.loss
                fault = self.random.choice(LOSSES) if lost else "pass"
                self.seen[fault] += 1
                return fault
            if self.budget <= 0:
                return "pass"
            fault = self.random.choice(FAULTS)
            if fault != "pass":
                self.budget -= 1
            self.seen[fault] += 1
            return fault

    def _forward(self, h: BaseHTTPRequestHandler, body: bytes) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP}
            conn.request(h.command, h.path, body=body or None, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            return answer.status, answer.reason, [(k, v) for k, v in answer.getheaders()
                                                  if k.lower() not in _HOP | {"content-length"}], data
        finally:
            conn.close()

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
        with self._lock:
            retry_after = self._busy.pop(0) if self._busy else None
        h.close_connection = True
        if retry_after is not None:
            _answer(h, 503, "Service Unavailable", [("Retry-After", retry_after), ("Content-Type", "application/json")],
                    b'{"code": "busy", "message": "busy"}')
            self._log(arrived, h, "busy")
            return
        fault = self._next_fault()
        if fault == "drop_request":
            _abort(h)
            return
        if fault == "busy":
            _answer(h, 503, "Service Unavailable", [("Retry-After", "1"), ("Content-Type", "application/json")],
                    b'{"code": "busy", "message": "busy"}')
            return
        if fault == "delay":
            time.sleep(self.random.uniform(0, self.max_delay))
        if fault == "duplicate":
            self._forward(h, body)
        status, reason, headers, data = self._forward(h, body)
        if fault == "drop_response":
            _abort(h)
            return
        if fault == "truncate" and len(data) > 1:
            _answer(h, status, reason, headers, data[: len(data) // 2], length=len(data))
            _abort(h)
            return
        _answer(h, status, reason, headers, data)
        self._log(arrived, h, fault)

    def _log(self, arrived: float, h: BaseHTTPRequestHandler, fault: str) -> None:
        with self._lock:
            self.answered.append((arrived, time.monotonic(), f"{h.command} {h.path}", fault))


def _answer(h: BaseHTTPRequestHandler, status: int, reason: str, headers: list[tuple[str, str]], data: bytes,
            length: int | None = None) -> None:
    h.send_response_only(status, reason)
    for key, value in headers:
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(data) if length is None else length))
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(data)
    h.wfile.flush()


def _abort(h: BaseHTTPRequestHandler) -> None:
    """Close the connection at once, as a network that lost the packets would (an RST, not a clean end)."""
    try:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
