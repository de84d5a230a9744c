"""the server's first schema, as its first release created it with create_all

Schema as of commit 325966c.

Revision ID: s0001
Revises: (none)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_event")),
    )
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blob")),
    )
    op.create_table(
        "case",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_no", sa.String(32), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("promised_deadline", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("record_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
        sa.UniqueConstraint("case_no", name=op.f("uq_case_case_no")),
    )
    op.create_index(op.f("ix_case_window_code"), "case", ["window_code"])
    op.create_table(
        "certificate",
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("type_code", sa.String(64), nullable=False),
        sa.Column("type_name", sa.String(200), nullable=False),
        sa.Column("holder_name", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=False),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_certificate")),
    )
    op.create_table(
        "change",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=True),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change")),
    )
    op.create_index("ix_change_window_seq", "change", ["window_code", "seq"])
    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.create_table(
        "department",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("short_name", sa.String(50), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_department")),
    )
    op.create_table(
        "hall",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("doc_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_hall")),
    )
    op.create_table(
        "number_counter",
        sa.Column("type_code", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(64), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("type_code", "prefix", name=op.f("pk_number_counter")),
    )
    op.create_table(
        "reference_doc",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("doc_json", sa.Text(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_doc")),
        sa.UniqueConstraint("kind", "label", name=op.f("uq_reference_doc_kind_label")),
    )
    op.create_table(
        "window",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_code", sa.String(32), nullable=False),
        sa.Column("phone", sa.String(50), nullable=False),
        sa.ForeignKeyConstraint(["department_code"], ["department.code"],
                                name=op.f("fk_window_department_code_department")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_window")),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(4), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("mark", sa.Integer(), nullable=False),
        sa.Column("epoch_open", sa.Boolean(), nullable=False),
        sa.Column("max_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["window_code"], ["window.code"], name=op.f("fk_device_window_code_window")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("code", name=op.f("uq_device_code")),
    )
    op.create_table(
        "enrolment_code",
        sa.Column("code_sha256", sa.String(64), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("device_id", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(["window_code"], ["window.code"],
                                name=op.f("fk_enrolment_code_window_code_window")),
        sa.PrimaryKeyConstraint("code_sha256", name=op.f("pk_enrolment_code")),
    )
    op.create_table(
        "staff",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=True),
        sa.Column("department_code", sa.String(32), nullable=True),
        sa.Column("phone", sa.String(50), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["department_code"], ["department.code"],
                                name=op.f("fk_staff_department_code_department")),
        sa.ForeignKeyConstraint(["window_code"], ["window.code"], name=op.f("fk_staff_window_code_window")),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_staff")),
    )
    op.create_table(
        "applied_op",
        sa.Column("op_id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("device_seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("op", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_applied_op_device_id_device")),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_applied_op")),
        sa.UniqueConstraint("device_id", "epoch", "device_seq",
                                name=op.f("uq_applied_op_device_id_epoch_device_seq")),
    )
    op.create_index("ix_applied_op_device_day", "applied_op", ["device_id", "local_day"])
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("chief", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["chief"], ["staff.username"], name=op.f("fk_delegation_chief_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation")),
    )
    op.create_index(op.f("ix_delegation_item_code"), "delegation", ["item_code"])
    op.create_table(
        "deputy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chief", sa.String(64), nullable=False),
        sa.Column("deputy", sa.String(64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.ForeignKeyConstraint(["chief"], ["staff.username"], name=op.f("fk_deputy_chief_staff")),
        sa.ForeignKeyConstraint(["deputy"], ["staff.username"], name=op.f("fk_deputy_deputy_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deputy")),
    )
    op.create_table(
        "number_lease",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("type_code", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(64), nullable=False),
        sa.Column("first", sa.BigInteger(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("leased_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_number_lease_device_id_device")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_lease")),
    )
    op.create_index(op.f("ix_number_lease_device_id"), "number_lease", ["device_id"])
    op.create_table(
        "seal",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("org_name", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(100), nullable=False),
        sa.Column("custodian", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["custodian"], ["staff.username"], name=op.f("fk_seal_custodian_staff")),
        sa.ForeignKeyConstraint(["window_code"], ["window.code"], name=op.f("fk_seal_window_code_window")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_seal")),
    )
    op.create_table(
        "staff_token",
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_staff_token_device_id_device")),
        sa.ForeignKeyConstraint(["username"], ["staff.username"], name=op.f("fk_staff_token_username_staff")),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_staff_token")),
    )
    op.create_index(op.f("ix_staff_token_username"), "staff_token", ["username"])


def downgrade() -> None:
    op.drop_table("staff_token")
    op.drop_table("seal")
    op.drop_table("number_lease")
    op.drop_table("deputy")
    op.drop_table("delegation")
    op.drop_table("applied_op")
    op.drop_table("staff")
    op.drop_table("enrolment_code")
    op.drop_table("device")
    op.drop_table("window")
    op.drop_table("reference_doc")
    op.drop_table("number_counter")
    op.drop_table("hall")
    op.drop_table("department")
    op.drop_table("change_counter")
    op.drop_table("change")
    op.drop_table("certificate")
    op.drop_table("case")
    op.drop_table("blob")
    op.drop_table("admin_event")
