"""What this workstation knows about its place in the hall's sync: device, server, cursor, ETags (Setting rows)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.models import Setting

DEVICE_ID = "sync.device_id"
SERVER_URL = "sync.server_url"
WINDOW_CODE = "sync.window_code"
HALL_CODE = "sync.hall_code"
CURSOR = "sync.cursor"
LAST_SUCCESS = "sync.last_success"
BLOCK_REQUESTS = "sync.block_requests"
RECONCILED = "sync.reconciled"
FIGURES = "sync.figures"
AUDIT_ANCHORS = "sync.audit_anchors"  # [[entry id, hash], …] as the server kept them, at the last sync
EPOCH = "epoch"  # app.core.outbox.current_epoch reads it: case numbers carry its last digit
DEVICE_CODE = "device_code"  # app.seal.sealing.device_code reads it


def etag_key(name: str) -> str:
    return f"sync.etag.{name}"


def get(session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else default


def put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    device_code: str
    server_url: str
    window_code: str
    hall_code: str


def enrolment(session: Session) -> Enrolment | None:
    device_id = get(session, DEVICE_ID)
    if not device_id:
        return None
    return Enrolment(device_id, get(session, DEVICE_CODE), get(session, SERVER_URL), get(session, WINDOW_CODE),
                     get(session, HALL_CODE))


# A set-up file's one-time code, kept until the server can be reached (then spent and deleted).
PENDING_CODE = "sync.pending_code"
PENDING_NAME = "sync.pending_name"
