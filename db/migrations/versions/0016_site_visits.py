"""site visits (#21 part 4): 现场踏勘/核查 of a case — schedule, notice, result — and the photos of each visit

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_visit",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("inspectors_json", sa.Text(), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=False),
        sa.Column("scheduled_by_id", sa.Integer(), nullable=False),
        sa.Column("notice_document_id", sa.String(36), nullable=True),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("result_note", sa.Text(), nullable=False),
        sa.Column("rectify_due", sa.Date(), nullable=True),
        sa.Column("result_at", sa.DateTime(), nullable=True),
        sa.Column("result_by_id", sa.Integer(), nullable=True),
        sa.Column("photo_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], ondelete="CASCADE", name=op.f("fk_site_visit_case_id_case")),
        sa.ForeignKeyConstraint(["scheduled_by_id"], ["staff.id"], name=op.f("fk_site_visit_scheduled_by_id_staff")),
        sa.ForeignKeyConstraint(["notice_document_id"], ["document.id"],
                                name=op.f("fk_site_visit_notice_document_id_document")),
        sa.ForeignKeyConstraint(["result_by_id"], ["staff.id"], name=op.f("fk_site_visit_result_by_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_visit")),
    )
    op.create_index("ix_site_visit_case_id", "site_visit", ["case_id"])
    op.create_table(
        "site_visit_photo",
        sa.Column("site_visit_id", sa.String(36), nullable=False),
        sa.Column("attachment_id", sa.String(36), nullable=False),
        sa.ForeignKeyConstraint(["site_visit_id"], ["site_visit.id"], ondelete="CASCADE",
                                name=op.f("fk_site_visit_photo_site_visit_id_site_visit")),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"], ondelete="CASCADE",
                                name=op.f("fk_site_visit_photo_attachment_id_attachment")),
        sa.PrimaryKeyConstraint("site_visit_id", "attachment_id", name=op.f("pk_site_visit_photo")),
    )


def downgrade() -> None:
    op.drop_table("site_visit_photo")
    op.drop_index("ix_site_visit_case_id", "site_visit")
    op.drop_table("site_visit")
