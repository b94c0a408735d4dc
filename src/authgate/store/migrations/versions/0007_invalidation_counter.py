"""invalidation counter (the database's own invalidation channel)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "authgate_invalidation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_invalidation")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 0, "origin": ""}])


def downgrade() -> None:
    op.drop_table("authgate_invalidation")
