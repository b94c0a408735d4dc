"""throttle rows count the attempts refused while locked

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authgate_login_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refused", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("authgate_login_throttle", schema=None) as batch_op:
        batch_op.drop_column("refused")
