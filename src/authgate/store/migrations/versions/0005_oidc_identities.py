"""identities at OpenID providers linked to accounts

Revision ID: 0005
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import authgate.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authgate_identities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("linked_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_identities_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_identities")),
        sa.UniqueConstraint("provider", "issuer", "subject", name="uq_authgate_identities_subject"),
    )
    with op.batch_alter_table("authgate_identities", schema=None) as batch_op:
        batch_op.create_index("ix_authgate_identities_user_id", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("authgate_identities")
