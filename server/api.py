"""The HTTP API (OpenAPI at /openapi.json): enrolment, login, push, pull, blobs, reference data, figures, /verify."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Annotated, Literal

from fastapi import FastAPI, Header, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.sync.protocol import (
    API,
    MAX_PULL_PAGE,
    MAX_PUSH_BATCH,
    PROTOCOL_VERSION,
    AuditAnchors,
    BlockRequest,
    ChangePage,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
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
    parse_ts,
    to_wire,
    ts,
)
from server import changes, figures, guards, push, reference, verify_page
from server.auth import ApiError, Caller, device_of, enrol, login, staff_of
from server.certificates import MAX_BLOCK, lease_block
from server.config import ServerConfig, local_day
from server.db import create_schema, make_engine, session_factory, transaction
from server.models import Blob, Case, Device, Hall

MAX_BLOB = 64 * 1024 * 1024
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_INT32 = 2**31 - 1
DeviceId = Annotated[str | None, Header(alias="X-OneWindow-Device", description="device id from enrolment")]
DeviceSecret = Annotated[str | None, Header(alias="X-OneWindow-Secret", description="device secret")]
Bearer = Annotated[str | None, Header(alias="Authorization", description="Bearer <staff token>")]
Day = Annotated[str, Query(pattern=r"^20[0-9]{2}-[01][0-9]-[0-3][0-9]$")]
ERRORS = {401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 422: {"model": ErrorBody}}


def _day(text_: str) -> date:
    try:
        return date.fromisoformat(text_)
    except ValueError as exc:
        raise ApiError(422, "bad_day", "日期格式应为 YYYY-MM-DD") from exc


def _check_ops(req: PushRequest) -> None:
    """Protocol violations refuse the whole batch (a real workstation never sends these)."""
    if len(req.ops) > MAX_PUSH_BATCH:
        raise ApiError(422, "batch_too_large", f"每批最多 {MAX_PUSH_BATCH} 条操作")
    if not 0 <= req.epoch <= _INT32:
        raise ApiError(422, "bad_op", "epoch 超出范围")
    seqs = set()
    for op in req.ops:
        texts = (op.entity, op.entity_id, op.op, op.actor)
        if (not _UUID.match(op.op_id) or not 1 <= op.device_seq <= _INT32 or op.epoch != req.epoch
                or any("\x00" in t for t in texts) or len(op.entity) > 32 or len(op.op) > 32
                or len(op.entity_id) > 64 or len(op.actor) > 64 or not 0 <= op.schema_version <= 1000
                or op.device_seq in seqs):
            raise ApiError(422, "bad_op", f"操作 {op.device_seq} 不符合同步协议")
        seqs.add(op.device_seq)
        try:
            if not 2000 <= parse_ts(op.created_at).year <= 2100:
                raise ProtocolError("year")
        except ProtocolError as exc:
            raise ApiError(422, "bad_op", f"操作 {op.device_seq} 的时间不正确") from exc


def blob_visible(s: Session, blob: Blob, window_code: str) -> bool:
    """A window reads what its own workstations uploaded, the documents of its own cases and those of the
    bundle parts it received (统一出件 hands their decisions over); 404 otherwise, so a hash alone tells another
    window nothing."""
    uploader = s.get(Device, blob.device_id) if blob.device_id else None
    if uploader is not None and uploader.window_code == window_code:
        return True
    holders = s.execute(select(Case.window_code, Case.record_json).where(Case.record_json.contains(blob.sha256))
                        .limit(20)).all()
    return any(w == window_code or json.loads(r).get("bundle_window") == window_code for w, r in holders)


def create_app(config: ServerConfig, engine: Engine | None = None) -> FastAPI:
    """The application on `config.db_url` (schema created when missing)."""
    engine = engine or make_engine(config.db_url)
    create_schema(engine)
    factory = session_factory(engine)
    app = FastAPI(title="OneWindow central server", version=str(PROTOCOL_VERSION),
                  description="中心服务器：工作站登记、人员登录、操作推送与变更拉取、文书、参考数据、全厅统计、证照核验。")
    app.state.engine = engine

    def openapi() -> dict:
        """The generated spec, with the protocol's constraints the dataclasses cannot state."""
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = spec.get("components", {}).get("schemas", {})
            if "Op" in schemas:
                props = schemas["Op"]["properties"]
                props["op_id"].update(format="uuid", pattern=_UUID.pattern)
                props["device_seq"].update(minimum=1, maximum=_INT32)
                props["created_at"].update(format="date-time")
                props["entity"].update(maxLength=32)
                props["op"].update(maxLength=32)
            guards.document_errors(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    guards.install(app)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(to_wire(ErrorBody(exc.code, exc.message)), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(IntegrityError)
    async def race(_request: Request, _exc: IntegrityError) -> JSONResponse:
        # Two requests claimed the same new row at once (enrolments, a first lease of a prefix): try again.
        return JSONResponse(to_wire(ErrorBody("conflict", "并发冲突，请重试")), status_code=409,
                            headers={"Retry-After": "1"})

    @app.exception_handler(OperationalError)
    async def db_down(_request: Request, _exc: OperationalError) -> JSONResponse:
        return JSONResponse(to_wire(ErrorBody("unavailable", "中心服务器数据库暂不可用")), status_code=503,
                            headers={"Retry-After": "10"})

    def caller(s: object, device_id: str | None, secret: str | None, bearer: str | None = None,
               *, need_staff: bool = True) -> Caller:
        device = device_of(s, device_id, secret, config.now())  # type: ignore[arg-type]
        staff = staff_of(s, device, bearer, config.now()) if need_staff else None  # type: ignore[arg-type]
        return Caller(device, staff)

    @app.get("/health", response_model=Health, tags=["system"])
    def health() -> Health:
        with transaction(factory) as s:
            s.execute(text("SELECT 1"))
            hall = s.execute(select(Hall.code)).scalar_one_or_none()
        return Health("ok", ts(config.now()), PROTOCOL_VERSION, hall or "")

    @app.post(f"{API}/enrol", response_model=EnrolResponse, responses=ERRORS, tags=["devices"])
    def enrol_device(body: EnrolRequest) -> EnrolResponse:
        with transaction(factory) as s:
            return enrol(s, body, config.now())

    @app.post(f"{API}/login", response_model=LoginResponse, responses=ERRORS, tags=["staff"])
    def staff_login(body: LoginRequest, device_id: DeviceId = None, secret: DeviceSecret = None) -> LoginResponse:
        with transaction(factory) as s:
            device = caller(s, device_id, secret, need_staff=False).device
            result = login(s, device, body, config.now(), config.token_ttl)
        if isinstance(result, ApiError):
            raise result  # the failure count was committed first
        return result

    @app.post(f"{API}/push", responses={200: {"model": PushResponse}, 409: {"model": PushRefusal}, **ERRORS},
              tags=["sync"])
    def push_ops(body: PushRequest, device_id: DeviceId = None, secret: DeviceSecret = None,
                 authorization: Bearer = None) -> JSONResponse:
        _check_ops(body)
        with transaction(factory) as s:
            who = caller(s, device_id, secret, authorization)
            answer = push.push(s, who.device.id, body, config.now())
        return JSONResponse(to_wire(answer), status_code=409 if isinstance(answer, PushRefusal) else 200)

    @app.get(f"{API}/audit-anchor", response_model=AuditAnchors, responses=ERRORS, tags=["sync"])
    def audit_anchor(device_id: DeviceId = None, secret: DeviceSecret = None) -> AuditAnchors:
        """The audit-chain heads this device sent with its pushes, as first received (issue #16)."""
        with transaction(factory) as s:
            return push.anchors(s, caller(s, device_id, secret, need_staff=False).device)

    @app.get(f"{API}/changes", response_model=ChangePage, responses=ERRORS, tags=["sync"])
    def pull(after: Annotated[int, Query(ge=0, le=_INT32)] = 0,
             limit: Annotated[int, Query(ge=1, le=MAX_PULL_PAGE)] = 200, device_id: DeviceId = None,
             secret: DeviceSecret = None, authorization: Bearer = None) -> ChangePage:
        with transaction(factory) as s:
            who = caller(s, device_id, secret, authorization)
            return changes.page(s, who.device.window_code, after, limit)

    @app.put(f"{API}/blobs/{{sha256}}", status_code=201, responses={200: {"description": "already held"}, **ERRORS},
             tags=["documents"], openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def put_blob(request: Request, sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")],
                       device_id: DeviceId = None, secret: DeviceSecret = None,
                       authorization: Bearer = None) -> Response:
        data = await request.body()
        if len(data) > MAX_BLOB:
            raise ApiError(413, "too_large", "文件过大")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ApiError(422, "digest_mismatch", "文件内容与其 SHA-256 不符")
        with transaction(factory) as s:
            # Only a signed-in member of staff uploads: a bare device credential is not a person.
            device = caller(s, device_id, secret, authorization).device
            if s.get(Blob, sha256) is not None:
                return Response(status_code=200)
            s.add(Blob(sha256=sha256, size=len(data), data=data, stored_at=config.now(), device_id=device.id))
        return Response(status_code=201)

    @app.get(f"{API}/blobs/{{sha256}}", responses={200: {"content": {"application/octet-stream": {}}}, **ERRORS},
             response_class=Response, tags=["documents"])
    def get_blob(sha256: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")], device_id: DeviceId = None,
                 secret: DeviceSecret = None, authorization: Bearer = None) -> Response:
        with transaction(factory) as s:
            device = caller(s, device_id, secret, authorization).device
            blob = s.get(Blob, sha256)
            if blob is None or not blob_visible(s, blob, device.window_code):
                raise ApiError(404, "not_found", "中心服务器没有该文件")
            return Response(blob.data, media_type="application/octet-stream")

    @app.get(f"{API}/reference/{{name}}", responses={200: {"content": {"application/json": {}}},
                                                      304: {"description": "unchanged"}, **ERRORS},
             response_class=Response, tags=["reference"])
    def get_reference(name: Literal["hall", "catalog", "calendar", "certificate-types", "number-blocks"],
                      device_id: DeviceId = None, secret: DeviceSecret = None,
                      if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None) -> Response:
        with transaction(factory) as s:
            device = caller(s, device_id, secret, need_staff=False).device
            doc = reference.build(s, name, device)
        if doc is None:
            raise ApiError(404, "not_found", "没有该参考数据")
        body = reference.encode(doc)
        etag = reference.etag_of(body)
        if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, media_type="application/json", headers={"ETag": etag})

    @app.post(f"{API}/number-blocks", response_model=NumberBlockLease, responses=ERRORS, tags=["reference"])
    def lease(body: BlockRequest, device_id: DeviceId = None, secret: DeviceSecret = None,
              authorization: Bearer = None) -> NumberBlockLease:
        if (not 1 <= body.count <= MAX_BLOCK or not 1 <= body.width <= 15 or not body.prefix.isprintable()
                or len(body.prefix) > 64 or not body.certificate_type_code.isprintable()
                or not 0 < len(body.certificate_type_code) <= 64):
            raise ApiError(422, "bad_request", "编号段申请不正确")
        with transaction(factory) as s:
            who = caller(s, device_id, secret, authorization)
            try:
                return lease_block(s, who.device, body, config.now())
            except ValueError as exc:
                raise ApiError(409, "exhausted", str(exc)) from exc

    @app.get(f"{API}/figures", response_model=HallFigures, responses=ERRORS, tags=["figures"])
    def hall_figures(day: Day, device_id: DeviceId = None, secret: DeviceSecret = None,
                     authorization: Bearer = None) -> HallFigures:
        with transaction(factory) as s:
            caller(s, device_id, secret, authorization)
            return figures.hall_figures(s, _day(day))

    @app.get(f"{API}/reconciliation", response_model=Reconciliation, responses=ERRORS, tags=["sync"])
    def reconcile(day: Day, device_id: DeviceId = None, secret: DeviceSecret = None,
                  authorization: Bearer = None) -> Reconciliation:
        with transaction(factory) as s:
            who = caller(s, device_id, secret, authorization)
            return figures.reconciliation(s, who.device, _day(day))

    @app.get("/verify/{number}", response_class=HTMLResponse, responses={404: {"content": {"text/html": {}}}},
             tags=["public"])
    def verify(number: Annotated[str, Path(pattern=r"^[^/\x00-\x1f\x7f]{1,64}$")],
               holder: Annotated[str, Query(max_length=200, description="持证主体（证照二维码所载）")] = "",
               valid: Annotated[str, Query(max_length=40, description="有效期 YYYY-MM-DD~YYYY-MM-DD")] = ""
               ) -> HTMLResponse:
        with transaction(factory) as s:
            status, html = verify_page.render(s, number, holder, valid, local_day(config.now()))
        return HTMLResponse(html, status_code=status)

    return app
