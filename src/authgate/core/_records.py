"""Turn ORM rows into the frozen records the service hands out."""

from __future__ import annotations

from datetime import datetime

from authgate.core.identity import NormalizedEmail, NormalizedUsername
from authgate.core.records import AuditRecord, AuthUser
from authgate.store.models import AuditEvent, User

__all__ = ["new_user_row", "scheme_of", "to_audit", "to_user"]


def to_user(row: User) -> AuthUser:
    return AuthUser(
        id=row.id,
        username=row.username,
        email=row.email,
        display_name=row.display_name,
        roles=frozenset(role.name for role in row.roles),
        is_active=row.is_active,
        email_verified=row.email_verified,
        mfa_enabled=bool(getattr(row, "mfa_enabled", False)),
        must_change_password=row.must_change_password,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_login_at=row.last_login_at,
    )


def to_audit(row: AuditEvent) -> AuditRecord:
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


def scheme_of(encoded: str) -> str:
    """The hashing scheme of a stored hash, for audit details (never the hash)."""
    if encoded.startswith("$argon2"):
        return "argon2"
    if encoded.startswith("$2"):
        return "bcrypt"
    return "sha256"


def new_user_row(
    name: NormalizedUsername,
    mail: NormalizedEmail | None,
    *,
    display_name: str,
    password_hash: str,
    password_changed_at: datetime | None,
    must_change_password: bool,
    now: datetime,
) -> User:
    """A new, active, unverified account row (registration and import share it)."""
    return User(
        username=name.value,
        username_key=name.key,
        email=mail.value if mail else None,
        email_key=mail.key if mail else None,
        email_verified=False,
        display_name=display_name,
        password_hash=password_hash,
        password_changed_at=password_changed_at,
        must_change_password=must_change_password,
        is_active=True,
        created_at=now,
        updated_at=now,
        last_login_at=None,
    )
