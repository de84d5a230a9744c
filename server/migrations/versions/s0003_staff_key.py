"""staff_key: each person's op-signing public key at a device

Schema as of commit cb3d81b.

Revision ID: s0003
Revises: s0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0003"
down_revision: str | None = "s0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_key",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_staff_key_device_id_device")),
        sa.ForeignKeyConstraint(["username"], ["staff.username"], name=op.f("fk_staff_key_username_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_key")),
        sa.UniqueConstraint("device_id", "username", "public_key",
                                name=op.f("uq_staff_key_device_id_username_public_key")),
    )
    op.create_index(op.f("ix_staff_key_device_id"), "staff_key", ["device_id"])


def downgrade() -> None:
    op.drop_table("staff_key")
