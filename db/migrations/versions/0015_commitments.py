"""告知承诺制 (#21 part 1): the catalog's commitment terms, the post-check of each commitment case, credit records

`item.commitment_json` holds what the catalog says about approval on a written commitment (mode all/optional,
conditions, standards, the materials it replaces, how and within how many working days the organ checks);
empty for an ordinary item. `commitment_check` is one row per case accepted on a commitment: its post-check
deadline and result, and the revocation when the commitment proved false; a partial index holds only the
open checks and the false commitments not yet revoked (the case desk and due panel read it). `credit_record` keeps the false commitments (信用记录).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as db/models/commitments.py CHECK_OPEN_SQL (SQLite uses a partial index only for its WHERE).
CHECK_OPEN_WHERE = "revoked_at IS NULL AND (result IS NULL OR result IN ('unverifiable', 'false'))"


def upgrade() -> None:
    with op.batch_alter_table("item") as batch:
        batch.add_column(sa.Column("commitment_json", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "commitment_check",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("terms_json", sa.Text(), nullable=False),
        sa.Column("scan_attachment_id", sa.String(36), nullable=True),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revocation_document_id", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE",
                                name=op.f("fk_commitment_check_case_id_case")),
        sa.ForeignKeyConstraint(["window_id"], ["window.id"], name=op.f("fk_commitment_check_window_id_window")),
        sa.ForeignKeyConstraint(["scan_attachment_id"], ["attachment.id"],
                                name=op.f("fk_commitment_check_scan_attachment_id_attachment")),
        sa.ForeignKeyConstraint(["checked_by_id"], ["staff.id"], name=op.f("fk_commitment_check_checked_by_id_staff")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["staff.id"], name=op.f("fk_commitment_check_revoked_by_id_staff")),
        sa.ForeignKeyConstraint(["revocation_document_id"], ["document.id"],
                                name=op.f("fk_commitment_check_revocation_document_id_document")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_commitment_check")),
    )
    op.create_index("ix_commitment_check_open", "commitment_check", ["window_id", "due"],
                    sqlite_where=sa.text(CHECK_OPEN_WHERE))
    op.create_index("ix_commitment_check_committed", "commitment_check", ["committed_on"])
    op.create_table(
        "credit_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("subject_id_number", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_credit_record_case_id_case")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_credit_record_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_record")),
    )
    op.create_index(op.f("ix_credit_record_case_id"), "credit_record", ["case_id"])
    op.create_index("ix_credit_record_at", "credit_record", ["at"])


def downgrade() -> None:
    op.drop_table("credit_record")
    op.drop_table("commitment_check")
    with op.batch_alter_table("item") as batch:
        batch.drop_column("commitment_json")
