"""sync: documents of pulled cases, noted until their files are fetched from the server; documents by hash

Pulling a page looks up each document of each case by its SHA-256, as verifying a PDF does: indexed.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "remote_document",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("number", sa.String(64), nullable=False),
        sa.Column("void", sa.Boolean(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_remote_document_case_id_case")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_remote_document")),
    )
    op.create_index(op.f("ix_remote_document_case_id"), "remote_document", ["case_id"])
    op.create_index(op.f("ix_document_sha256"), "document", ["sha256"])


def downgrade() -> None:
    op.drop_index(op.f("ix_document_sha256"), "document")
    op.drop_index(op.f("ix_remote_document_case_id"), "remote_document")
    op.drop_table("remote_document")
