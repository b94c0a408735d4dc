"""The hot path: resolve a session to (session, user, roles) in two plain SELECTs.

``validate_session`` runs on every page view and every API call that checks
revocation, so it skips the ORM's unit of work: column tuples instead of
entities, one ``sessions JOIN users`` by indexed key and one roles query, in a
read-only transaction (on SQLite a deferred one, so readers never queue behind
the write lock). The once-a-minute ``last_seen_at`` slide is a separate,
targeted UPDATE.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, select, update
from sqlalchemy.orm import Session as DbSession

from authgate.core.records import AuthUser, SessionRecord
from authgate.core.sessions import slid_expiry
from authgate.store.models import Role, Session, User, UserRole

_USER_COLUMNS = (
    User.id,
    User.username,
    User.email,
    User.display_name,
    User.is_active,
    User.email_verified,
    User.must_change_password,
    User.created_at,
    User.updated_at,
    User.last_login_at,
    User.mfa_enabled,  # type: ignore[attr-defined]
    User.password_hash,
)

__all__ = ["SessionRow", "fetch_login_user", "fetch_session", "fetch_user", "slide_session"]

_COLUMNS = (
    Session.id.label("s_id"),
    Session.user_id.label("s_user_id"),
    Session.created_at.label("s_created_at"),
    Session.last_seen_at.label("s_last_seen_at"),
    Session.idle_timeout_seconds.label("s_idle"),
    Session.expires_at.label("s_expires_at"),
    Session.absolute_expires_at.label("s_absolute_expires_at"),
    Session.remember.label("s_remember"),
    Session.mfa.label("s_mfa"),
    Session.ip.label("s_ip"),
    Session.user_agent.label("s_user_agent"),
    User.username.label("u_username"),
    User.email.label("u_email"),
    User.display_name.label("u_display_name"),
    User.is_active.label("u_is_active"),
    User.email_verified.label("u_email_verified"),
    User.must_change_password.label("u_must_change_password"),
    User.created_at.label("u_created_at"),
    User.updated_at.label("u_updated_at"),
    User.last_login_at.label("u_last_login_at"),
    User.mfa_enabled.label("u_mfa_enabled"),  # type: ignore[attr-defined]
)


class SessionRow:
    """A session and its user as read in one go; ``idle`` drives the slide."""

    __slots__ = ("idle", "session", "user")

    def __init__(self, session: SessionRecord, user: AuthUser, idle: int) -> None:
        self.session = session
        self.user = user
        self.idle = idle


def _roles_aggregate(dialect: str) -> Any:
    """The user's role names as one comma-joined string, inside the session query.

    Role names cannot contain a comma (``identity.normalize_role``), so the
    join is lossless, and the page view costs one round trip instead of two.
    """
    joined = (
        func.string_agg(Role.name, literal_column("','"))
        if dialect == "postgresql"
        else func.group_concat(Role.name)
    )
    # No derived table: MySQL cannot correlate into one.
    return (
        select(joined)
        .select_from(UserRole)
        .join(Role, Role.id == UserRole.role_id)
        .where(UserRole.user_id == Session.user_id)
        .correlate(Session)
        .scalar_subquery()
        .label("u_roles")
    )


def fetch_session(db: DbSession, where: ColumnElement[bool]) -> SessionRow | None:
    dialect = db.get_bind().dialect.name
    row: Any = db.execute(
        select(*_COLUMNS, _roles_aggregate(dialect))
        .join(User, User.id == Session.user_id)
        .where(where)
    ).first()
    if row is None:
        return None
    roles = frozenset(row.u_roles.split(",")) if row.u_roles else frozenset()
    session = SessionRecord(
        id=row.s_id,
        user_id=row.s_user_id,
        created_at=row.s_created_at,
        last_seen_at=row.s_last_seen_at,
        expires_at=row.s_expires_at,
        absolute_expires_at=row.s_absolute_expires_at,
        remember=bool(row.s_remember),
        ip=row.s_ip,
        user_agent=row.s_user_agent,
        mfa=bool(row.s_mfa),
    )
    user = AuthUser(
        id=row.s_user_id,
        username=row.u_username,
        email=row.u_email,
        display_name=row.u_display_name,
        roles=roles,
        is_active=bool(row.u_is_active),
        email_verified=bool(row.u_email_verified),
        mfa_enabled=bool(row.u_mfa_enabled),
        must_change_password=bool(row.u_must_change_password),
        created_at=row.u_created_at,
        updated_at=row.u_updated_at,
        last_login_at=row.u_last_login_at,
    )
    return SessionRow(session, user, int(row.s_idle))


def slide_session(db: DbSession, found: SessionRow, *, now: datetime) -> SessionRecord:
    """Move ``last_seen_at`` to now and the idle expiry with it (never past absolute)."""
    record = found.session
    expires = slid_expiry(now, found.idle, record.absolute_expires_at)
    db.execute(
        update(Session)
        .where(Session.id == record.id)
        .values(last_seen_at=now, expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    return replace(record, last_seen_at=now, expires_at=expires)


def _roles(db: DbSession, user_id: int) -> frozenset[str]:
    return frozenset(
        db.scalars(
            select(Role.name)
            .join(UserRole, UserRole.role_id == Role.id)
            .where(UserRole.user_id == user_id)
        ).all()
    )


def fetch_user(db: DbSession, where: ColumnElement[bool]) -> tuple[AuthUser, str | None] | None:
    """One user and their password hash, in two SELECTs and no ORM entities."""
    row: Any = db.execute(select(*_USER_COLUMNS).where(where).limit(1)).first()
    if row is None:
        return None
    user = AuthUser(
        id=row.id,
        username=row.username,
        email=row.email,
        display_name=row.display_name,
        roles=_roles(db, row.id),
        is_active=bool(row.is_active),
        email_verified=bool(row.email_verified),
        mfa_enabled=bool(row.mfa_enabled),
        must_change_password=bool(row.must_change_password),
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_login_at=row.last_login_at,
    )
    return user, row.password_hash


def fetch_login_user(db: DbSession, key: str) -> tuple[AuthUser, str | None] | None:
    """The user a login identifier (username key or email key) names, if any."""
    return fetch_user(db, (User.username_key == key) | (User.email_key == key))
