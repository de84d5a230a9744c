"""All OneWindow tables; importing this module registers them on Base.metadata."""

from db.base import Base
from db.models.audit import AuditEntry
from db.models.bundles import BUNDLE_DESK_WHERE, Bundle, CatalogTheme
from db.models.cases import (
    AWAITING_ISSUE_SQL,
    DESK_PENDING_SQL,
    FORWARD_PENDING_SQL,
    Attachment,
    Case,
    CaseEvent,
    CaseMaterial,
    DeadlineChange,
    Extension,
    IntakeDraft,
    Rating,
    Review,
    Suspension,
)
from db.models.certificates import Certificate, CertificateNumber, Delivery, NumberBlock
from db.models.commitments import CHECK_OPEN_SQL, CommitmentCheck, CreditRecord
from db.models.consultations import Consultation, ConsultationItem
from db.models.documents import Document, DocumentCounter, PrintJob, SealUse
from db.models.reference import (
    CalendarDay,
    CalendarVersion,
    CatalogVersion,
    CertificateType,
    Delegation,
    Department,
    Deputy,
    Hall,
    Item,
    ItemMaterial,
    Seal,
    SealAuthorization,
    Setting,
    Staff,
    Window,
)
from db.models.site_visits import SiteVisit, SiteVisitPhoto
from db.models.sync import BlobUpload, CaseCounter, OutboxOp, RemoteDocument, RemoteScan, SigningKey, SyncRun

__all__ = [
    "AWAITING_ISSUE_SQL", "BUNDLE_DESK_WHERE", "DESK_PENDING_SQL", "FORWARD_PENDING_SQL", "Attachment", "AuditEntry", "Base", "BlobUpload", "Bundle", "CatalogTheme", "CalendarDay", "CalendarVersion", "Case",
    "CaseCounter", "CaseEvent", "CaseMaterial", "CatalogVersion", "CHECK_OPEN_SQL", "CommitmentCheck", "CreditRecord", "Consultation", "ConsultationItem", "Certificate", "CertificateNumber",
    "CertificateType", "DeadlineChange", "Delegation", "Delivery", "Department", "Deputy", "Document",
    "DocumentCounter", "Extension", "Hall", "IntakeDraft", "Item", "ItemMaterial", "NumberBlock",
    "OutboxOp", "PrintJob", "Rating", "RemoteDocument", "RemoteScan", "Review", "Seal", "SealAuthorization", "SealUse", "Setting",
    "Staff", "Suspension", "SigningKey",
    "SyncRun", "Window",
    "SiteVisit", "SiteVisitPhoto",
]
