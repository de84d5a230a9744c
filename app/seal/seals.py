"""The window's special seal: its record, its credential, and whether it was usable at a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.paths import DataDir
from app.documents.credentials import (
    DEMO_PASSPHRASE,
    CredentialPaths,
    issue_seal_credential,
    make_demo_ca,
    new_passphrase,
    store_passphrase,
)
from db.models import Hall, Seal, Window

STATUS_LABELS = {"active": "在用", "revoked": "已撤销", "sealed_away": "已封存", "lost": "已声明作废（遗失）"}


@dataclass(frozen=True)
class SealInfo:
    """A seal record as documents and checks need it."""

    id: int
    code: str
    org_name: str
    purpose: str
    window_id: int
    status: str
    status_changed_at: datetime | None
    valid_from: datetime | None
    custodian_id: int | None

    def active_at(self, when: datetime) -> bool:
        """Was the seal usable at `when`? A seal sealed away later does not undo earlier use."""
        if self.valid_from and when.date() < self.valid_from.date():
            return False
        if self.status == "active":
            return True
        return self.status_changed_at is not None and when < self.status_changed_at


def credential_paths(data: DataDir) -> CredentialPaths:
    return CredentialPaths(data.root / "credentials")


def info_of(seal: Seal) -> SealInfo:
    vf = datetime.combine(seal.valid_from, datetime.min.time()) if seal.valid_from else None
    return SealInfo(seal.id, seal.code, seal.org_name, seal.purpose, seal.window_id, seal.status,
                    seal.status_changed_at, vf, seal.custodian_id)


def seal_of_window(session: Session, window_id: int) -> SealInfo | None:
    row = session.execute(select(Seal).where(Seal.window_id == window_id)).scalar_one_or_none()
    return info_of(row) if row else None


def seal_by_code(session: Session, code: str) -> SealInfo | None:
    row = session.execute(select(Seal).where(Seal.code == code)).scalar_one_or_none()
    return info_of(row) if row else None


def provision_demo_credentials(session: Session, data: DataDir) -> None:
    """Demo: a hall CA and one PKCS#12 credential per window's seal.

    The passphrase goes to the OS keyring when there is one; on a machine without a keyring
    the demo uses its fixed demo passphrase (doctor says real deployments need a keyring).
    """
    paths = credential_paths(data)
    hall = session.execute(select(Hall)).scalar_one()
    if not paths.ca_cert.exists():
        make_demo_ca(paths, hall.name)
    for seal in session.execute(select(Seal)).scalars():
        if paths.seal_p12(seal.code).exists():
            continue
        window = session.get(Window, seal.window_id)
        passphrase = new_passphrase()
        if not store_passphrase(seal.code, passphrase):
            passphrase = DEMO_PASSPHRASE
        seal.cert_fingerprint = issue_seal_credential(
            paths, seal.code, seal.org_name, f"{window.number} {window.name}" if window else "", passphrase)
    session.flush()


def grant_demo_authorisations(session: Session) -> None:
    """Demo: each custodian has given the clerks of their window the standing authorisation."""
    from datetime import date

    from db.models import SealAuthorization, Staff

    for seal in session.execute(select(Seal)).scalars():
        if seal.custodian_id is None:
            continue
        clerks = session.execute(select(Staff.id).where(Staff.window_id == seal.window_id,
                                                        Staff.role == "clerk")).scalars()
        for staff_id in clerks:
            session.add(SealAuthorization(seal_id=seal.id, staff_id=staff_id, granted_by_id=seal.custodian_id,
                                          valid_from=date(2024, 1, 1), valid_to=None))
    session.flush()
