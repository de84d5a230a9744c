"""No input makes a 5xx: a size limit on every body, JSON checked before FastAPI sees it, and one error shape.

Whatever a caller sends — numbers out of range (1e400), lone surrogates, NaN, malformed JSON, wrong
types, a body larger than the declared limit — the answer is a 4xx whose body is an ErrorBody that
names the field but never echoes the input (an echoed lone surrogate or infinity cannot even be
encoded as JSON, which was the 500). Every status the API can answer is in the OpenAPI description.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.core.text_rules import value_problem
from app.sync.protocol import ErrorBody, to_wire

MAX_BODY = 8 * 1024 * 1024  # a push of 100 ops is well under 1 MiB
MAX_BLOB_BODY = 64 * 1024 * 1024
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}(\[[0-9]{1,6}\])*$")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ERROR_STATUSES = {
    401: "未登记本机或未登录（凭据缺失、无效或已过期）",
    403: "无权进行该操作",
    404: "没有该资源",
    409: "与中心服务器记录冲突，或并发冲突（可稍后重试）",
    413: "请求体超过声明的大小上限",
    422: "请求数据不符合接口说明（字段、类型、取值或字符）",
    423: "账号已锁定",
    503: "中心服务器暂不可用（按 Retry-After 稍后重试）",
}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(to_wire(ErrorBody(code, message)), status_code=status, headers=headers)


def _field(loc: Any) -> str:
    """A validation error's location as a field path; only names the schema gave (never the caller's text)."""
    parts = [str(p) for p in loc if isinstance(p, int) or (isinstance(p, str) and p.isidentifier()
                                                          and p.isascii() and len(p) <= 40)]
    return ".".join(p for p in parts if p not in ("body", "query", "path", "header")) or "请求"


def _safe_path(path: str) -> str:
    """A field path from the caller's own keys, with any key that is not a plain name left out."""
    parts = [p if _NAME.match(p) else "…" for p in path.split(".")] if path else []
    return ".".join(parts) or "请求"


def _json_problem(raw: bytes) -> tuple[str, str] | None:
    """(field, reason) when a JSON body cannot be taken as it is, else None (FastAPI checks the rest)."""
    def no_constant(name: str) -> Any:
        raise ValueError(name)

    try:
        data = json.loads(raw, parse_constant=no_constant)
    except RecursionError:
        return "请求", "JSON 嵌套过深"
    except (ValueError, UnicodeDecodeError):
        return "请求", "不是有效的 UTF-8 JSON（或数值超出范围）"
    found = value_problem(data, storable_only=True)  # the full rule is the endpoints' (a push refuses one op)
    return (_safe_path(found[0]), found[1]) if found else None


class BodyGuard:
    """ASGI middleware: bodies over the limit → 413 before they are read whole; bad JSON → 422."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        blob = scope["path"].startswith("/v1/blobs/")  # documents are bytes, never JSON
        limit = MAX_BLOB_BODY if blob else MAX_BODY
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1")
        too_large = error_response(413, "too_large", f"请求体超过上限（{limit // (1024 * 1024)} MiB）")
        if declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await too_large(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        content_type = headers.get(b"content-type", b"")
        if body and not blob and (b"json" in content_type or not content_type):  # FastAPI reads JSON when none is named
            problem = _json_problem(body)
            if problem is not None:
                field, reason = problem
                await error_response(422, "bad_request", f"请求数据不正确：{field} {reason}")(scope, receive, send)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def install(app: FastAPI) -> None:
    """The body guard, the one error shape for validation errors, and every error documented."""
    app.add_middleware(BodyGuard)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        fields = sorted({_field(e.get("loc", ())) for e in errors})[:3]
        return error_response(422, "bad_request", f"请求数据不符合接口说明：{'、'.join(fields)}")


def document_errors(spec: dict[str, Any]) -> None:
    """Every operation lists every error status with the ErrorBody schema (FastAPI's own 422 shape replaced)."""
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, text in ERROR_STATUSES.items():
                current = responses.get(str(status), {})
                if "content" in current and "text/html" in current["content"]:
                    continue  # /verify answers its 404 as a page
                responses[str(status)] = {"description": current.get("description", text),
                                          "content": {"application/json": {"schema": ref}}}
    schemas = spec.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
