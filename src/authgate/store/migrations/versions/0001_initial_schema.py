"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import authgate.store.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authgate_audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("occurred_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=320), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_audit_events")),
    )
    with op.batch_alter_table("authgate_audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_authgate_audit_events_event_type", ["event_type"], unique=False)
        batch_op.create_index("ix_authgate_audit_events_occurred_at", ["occurred_at"], unique=False)
        batch_op.create_index("ix_authgate_audit_events_user_id", ["user_id"], unique=False)

    op.create_table(
        "authgate_login_throttle",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("last_failure_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("locked_until", authgate.store.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_login_throttle")),
        sa.UniqueConstraint("key", name="uq_authgate_login_throttle_key"),
    )
    op.create_table(
        "authgate_roles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_roles")),
        sa.UniqueConstraint("name", name=op.f("uq_authgate_roles_name")),
    )
    op.create_table(
        "authgate_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("username_key", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("email_verified", sa.Boolean(), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("password_changed_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("last_login_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_users")),
        sa.UniqueConstraint("email_key", name=op.f("uq_authgate_users_email_key")),
        sa.UniqueConstraint("username_key", name=op.f("uq_authgate_users_username_key")),
    )
    op.create_table(
        "authgate_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("idle_timeout_seconds", sa.Integer(), nullable=False),
        sa.Column("expires_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("absolute_expires_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("mfa", sa.Boolean(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_sessions_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_authgate_sessions_token_hash")),
    )
    with op.batch_alter_table("authgate_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_authgate_sessions_expires_at", ["expires_at"], unique=False)
        batch_op.create_index("ix_authgate_sessions_user_id", ["user_id"], unique=False)

    op.create_table(
        "authgate_user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["authgate_roles.id"],
            name=op.f("fk_authgate_user_roles_role_id_authgate_roles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_user_roles_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "role_id", name=op.f("pk_authgate_user_roles")),
    )
    op.create_table(
        "authgate_one_time_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("used_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["authgate_sessions.id"],
            name=op.f("fk_authgate_one_time_tokens_session_id_authgate_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_one_time_tokens_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_one_time_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_authgate_one_time_tokens_token_hash")),
    )
    with op.batch_alter_table("authgate_one_time_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authgate_one_time_tokens_expires_at", ["expires_at"], unique=False
        )

    op.create_table(
        "authgate_refresh_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("expires_at", authgate.store.models.UTCDateTime(), nullable=False),
        sa.Column("used_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", authgate.store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["authgate_sessions.id"],
            name=op.f("fk_authgate_refresh_tokens_session_id_authgate_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["authgate_users.id"],
            name=op.f("fk_authgate_refresh_tokens_user_id_authgate_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authgate_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_authgate_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("authgate_refresh_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_authgate_refresh_tokens_family_id", ["family_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes; dropping them first fails on MySQL,
    # where an index that backs a foreign key cannot be dropped on its own.
    for table in (
        "authgate_refresh_tokens",
        "authgate_one_time_tokens",
        "authgate_user_roles",
        "authgate_sessions",
        "authgate_users",
        "authgate_roles",
        "authgate_login_throttle",
        "authgate_audit_events",
    ):
        op.drop_table(table)
