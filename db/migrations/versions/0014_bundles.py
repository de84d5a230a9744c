"""一件事一次办 (#20): the catalog's themes, bundles, and each case's bundle and 前置 parts

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalog_theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("catalog_version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["catalog_version_id"], ["catalog_version.id"],
                                name=op.f("fk_catalog_theme_catalog_version_id_catalog_version")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_theme")),
        sa.UniqueConstraint("catalog_version_id", "code", name=op.f("uq_catalog_theme_catalog_version_id_code")),
    )
    op.create_table(
        "bundle",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("bundle_no", sa.String(40), nullable=False),
        sa.Column("theme_code", sa.String(64), nullable=False),
        sa.Column("theme_name", sa.String(200), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("applicant_name", sa.String(200), nullable=False),
        sa.Column("applicant_id_number", sa.String(40), nullable=False),
        sa.Column("applicant_phone", sa.String(40), nullable=False),
        sa.Column("fields_json", sa.Text(), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(), nullable=True),
        sa.Column("origin_device", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["window_id"], ["window.id"], name=op.f("fk_bundle_window_id_window")),
        sa.ForeignKeyConstraint(["clerk_id"], ["staff.id"], name=op.f("fk_bundle_clerk_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bundle")),
        sa.UniqueConstraint("bundle_no", name=op.f("uq_bundle_bundle_no")),
    )
    op.create_index("ix_bundle_window_received", "bundle", ["window_id", "received_at"])
    op.add_column("case", sa.Column("bundle_id", sa.String(36), nullable=True))
    op.add_column("case", sa.Column("bundle_after", sa.Text(), nullable=False, server_default="[]"))
    op.create_index(op.f("ix_case_bundle_id"), "case", ["bundle_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_bundle_id"), "case")
    op.drop_column("case", "bundle_after")
    op.drop_column("case", "bundle_id")
    op.drop_index("ix_bundle_window_received", "bundle")
    op.drop_table("bundle")
    op.drop_table("catalog_theme")
