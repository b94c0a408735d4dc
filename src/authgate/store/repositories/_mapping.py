"""How the store's answers become core's terms: rows into records, clashes into DuplicateRecord.

Every read of a user selects the same labelled columns (``USER_COLUMNS`` plus
the roles aggregate of ``roles_column``), whether it reads the user alone or
joined to a session, so ``to_user`` is the one place an ``AuthUser`` is built.
Reads select columns, never ORM entities: nothing is tracked by the unit of
work, nothing can load lazily later, and the hot paths skip the identity map.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    Connection,
    CursorResult,
    Executable,
    Label,
    Table,
    func,
    literal_column,
    select,
)
from sqlalchemy.exc import IntegrityError

from authgate.core.ports.store import DuplicateRecord
from authgate.core.records import AuditRecord, AuthUser, SessionRecord
from authgate.store.models import Role, Session, User, UserRole

__all__ = [
    "SESSION_COLUMNS",
    "USER_COLUMNS",
    "apply",
    "inserted_id",
    "is_duplicate",
    "roles_column",
    "table_of",
    "to_audit",
    "to_session",
    "to_user",
    "unique_keys",
]

USER_COLUMNS: tuple[Label[Any], ...] = (
    User.id.label("u_id"),
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

SESSION_COLUMNS: tuple[Label[Any], ...] = (
    Session.id.label("s_id"),
    Session.user_id.label("s_user_id"),
    Session.created_at.label("s_created_at"),
    Session.last_seen_at.label("s_last_seen_at"),
    Session.expires_at.label("s_expires_at"),
    Session.absolute_expires_at.label("s_absolute_expires_at"),
    Session.remember.label("s_remember"),
    Session.mfa.label("s_mfa"),
    Session.ip.label("s_ip"),
    Session.user_agent.label("s_user_agent"),
)


@lru_cache(maxsize=8)
def roles_column(dialect: str) -> Label[Any]:
    """The user's role names as one comma-joined string, inside the user's own SELECT.

    Role names cannot contain a comma (``identity.normalize_role``), so the
    join is lossless, and reading a user costs one round trip instead of two.
    It correlates to ``User``, so it works alone or joined to a session.
    """
    joined = (
        func.string_agg(Role.name, literal_column("','"))
        if dialect == "postgresql"
        else func.group_concat(Role.name)
    )
    # A scalar subquery, not a derived table: MySQL cannot correlate into one.
    return (
        select(joined)
        .select_from(UserRole)
        .join(Role, Role.id == UserRole.role_id)
        .where(UserRole.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
        .label("u_roles")
    )


def to_user(row: Any) -> AuthUser:
    """The ``AuthUser`` of a row holding ``USER_COLUMNS`` and ``roles_column``."""
    roles = row.u_roles
    return AuthUser(
        id=row.u_id,
        username=row.u_username,
        email=row.u_email,
        display_name=row.u_display_name,
        roles=frozenset(roles.split(",")) if roles else frozenset(),
        is_active=bool(row.u_is_active),
        email_verified=bool(row.u_email_verified),
        mfa_enabled=bool(row.u_mfa_enabled),
        must_change_password=bool(row.u_must_change_password),
        created_at=row.u_created_at,
        updated_at=row.u_updated_at,
        last_login_at=row.u_last_login_at,
    )


def to_session(row: Any) -> SessionRecord:
    """The ``SessionRecord`` of a row holding ``SESSION_COLUMNS``."""
    return SessionRecord(
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


def to_audit(row: Any) -> AuditRecord:
    """The ``AuditRecord`` of a row of ``authgate_audit_events`` columns."""
    return AuditRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        event_type=row.event_type,
        outcome=row.outcome,
        user_id=row.user_id,
        actor_id=row.actor_id,
        username=row.username,
        ip=row.ip,
        user_agent=row.user_agent,
        detail=dict(row.detail or {}),
    )


def table_of(model: type[Any]) -> Table:
    """The Core table of a mapped class: statements on it skip the ORM's bulk-write layer."""
    return cast(Table, model.__table__)


def inserted_id(result: CursorResult[Any]) -> int:
    """The integer primary key a single-row INSERT just created.

    Core types it as optional (a statement that was no INSERT has none);
    here it always is one, so a missing key is a bug, said as one.
    """
    key = result.inserted_primary_key
    if key is None:
        raise AssertionError("inserted_id needs the result of a single-row INSERT")
    return int(key[0])


def apply(db: Connection, statement: Executable) -> int:
    """Run an UPDATE or DELETE; how many rows it touched (the winner test of every claim).

    On a Core connection the statement is exactly one round trip: no ORM
    session is there to synchronize loaded objects (which on MySQL would
    first SELECT the rows).
    """
    result = db.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


_MYSQL_DUPLICATE_KEY = {1062, 1586}
_SQLITE_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def is_duplicate(error: IntegrityError) -> bool:
    """True when the violated constraint is a unique key (not a foreign key or NOT NULL).

    Only a taken key is a condition core can answer ("that name is taken");
    any other integrity failure is a bug and must surface as one.
    """
    original = error.orig
    args = getattr(original, "args", ())
    if args and isinstance(args[0], int):  # PyMySQL: (errno, message)
        return args[0] in _MYSQL_DUPLICATE_KEY
    if isinstance(original, sqlite3.IntegrityError):
        name = getattr(original, "sqlite_errorname", None)
        if name is not None:
            return name in _SQLITE_UNIQUE
        return "UNIQUE constraint failed" in str(original)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:  # psycopg
        return bool(sqlstate == "23505")
    return True  # an unknown driver: keep the old meaning of "the insert lost"


@contextmanager
def unique_keys(db: Connection) -> Iterator[None]:
    """Run statements in a savepoint; a taken unique key raises DuplicateRecord.

    The savepoint keeps the transaction usable after the clash (PostgreSQL
    would otherwise refuse every later statement), so core may answer with an
    audit row in the same unit of work.
    """
    try:
        with db.begin_nested():
            yield
    except IntegrityError as error:
        if is_duplicate(error):
            raise DuplicateRecord() from error
        raise
