"""mfa secrets and recovery codes

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import authgate.store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authgate_mfa",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_ciphertext", sa.String(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("confirmed_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_mfa_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_authgate_mfa")),
    )
    op.create_table(
        "authgate_recovery_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("used_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_recovery_codes_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_recovery_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_authgate_recovery_codes_code_hash")),
    )
    with op.batch_alter_table("authgate_recovery_codes", schema=None) as batch_op:
        batch_op.create_index("ix_authgate_recovery_codes_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes (see 0001 for why not one by one).
    for table in ("authgate_recovery_codes", "authgate_mfa"):
        op.drop_table(table)
