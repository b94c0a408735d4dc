"""anonymous visitors

Revision ID: 0006
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import authgate.store.models

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authgate_visitors",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_visitors")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_authgate_visitors_token_hash")),
    )
    with op.batch_alter_table("authgate_visitors", schema=None) as batch_op:
        batch_op.create_index("ix_authgate_visitors_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_table("authgate_visitors")
