"""Server-side sessions: opening, validating, sliding and revoking them.

The browser holds a 256-bit random token; the store holds its SHA-256, so a
leaked database yields no live session. Every login gets a new token and a new
session id (no fixation). The idle timeout slides with use, the absolute
lifetime never moves, and ``last_seen_at`` is written at most once per
``touch_interval`` so validation is a read on almost every page view.

These functions work on the caller's database session; ``AuthService`` owns
transactions, events and errors around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from authgate.core._secrets import digest, new_id, new_token
from authgate.core.identity import sanitize_client_text
from authgate.core.records import SessionRecord
from authgate.store.models import RefreshToken, Session

__all__ = [
    "SessionPolicy",
    "delete_expired",
    "delete_expired_refresh_tokens",
    "find_by_id",
    "find_by_token",
    "is_expired",
    "is_session_id",
    "open_session",
    "revoke_user_sessions",
    "slid_expiry",
    "to_record",
    "touch",
]

_MAX_USER_AGENT = 512
_SESSION_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_lifetime: timedelta = timedelta(hours=12)
    remember_lifetime: timedelta = timedelta(days=30)
    touch_interval: timedelta = timedelta(minutes=1)


def open_session(
    db: DbSession,
    user_id: int,
    *,
    now: datetime,
    policy: SessionPolicy,
    remember: bool = False,
    mfa: bool = False,
    ip: str | None = None,
    user_agent: str | None = None,
) -> tuple[Session, str]:
    """Create a session row; return it with the token (the only copy)."""
    token = new_token()
    lifetime = policy.remember_lifetime if remember else policy.absolute_lifetime
    # A remembered session is meant to outlive a closed laptop lid: its idle
    # limit is its whole lifetime. Ordinary sessions keep the short idle limit.
    idle = lifetime if remember else min(policy.idle_timeout, lifetime)
    absolute = now + lifetime
    row = Session(
        id=new_id(),
        token_hash=digest(token),
        user_id=user_id,
        created_at=now,
        last_seen_at=now,
        idle_timeout_seconds=int(idle.total_seconds()),
        expires_at=min(now + idle, absolute),
        absolute_expires_at=absolute,
        remember=remember,
        mfa=mfa,
        ip=sanitize_client_text(ip, 64),
        user_agent=sanitize_client_text(user_agent, _MAX_USER_AGENT),
    )
    db.add(row)
    return row, token


def find_by_token(db: DbSession, token: str) -> Session | None:
    if not isinstance(token, str) or not token or len(token) > 512:
        return None
    return db.scalar(select(Session).where(Session.token_hash == digest(token)))


def is_session_id(value: object) -> bool:
    """True for a well-formed session id (32 hex digits); anything else names nothing."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


def find_by_id(db: DbSession, session_id: str) -> Session | None:
    if not is_session_id(session_id):
        return None
    return db.get(Session, session_id)


def is_expired(row: Session, now: datetime) -> bool:
    return now >= row.expires_at or now >= row.absolute_expires_at


def slid_expiry(now: datetime, idle_seconds: int, absolute_expires_at: datetime) -> datetime:
    """The idle expiry after activity at ``now``: it slides, but never past the absolute one."""
    return min(now + timedelta(seconds=idle_seconds), absolute_expires_at)


def touch(row: Session, *, now: datetime, policy: SessionPolicy) -> bool:
    """Slide the idle timeout; return True if the row changed (needs a commit)."""
    if now - row.last_seen_at < policy.touch_interval:
        return False
    row.last_seen_at = now
    row.expires_at = slid_expiry(now, row.idle_timeout_seconds, row.absolute_expires_at)
    return True


def revoke_user_sessions(db: DbSession, user_id: int, *, keep: str | None = None) -> int:
    """Delete all of a user's sessions except ``keep``; return how many ended."""
    statement = delete(Session).where(Session.user_id == user_id)
    if keep:
        statement = statement.where(Session.id != keep)
    result = db.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def delete_expired(db: DbSession, *, now: datetime, batch_size: int) -> int:
    """Delete one batch of expired sessions; return how many went."""
    ids = db.scalars(
        select(Session.id)
        .where((Session.expires_at <= now) | (Session.absolute_expires_at <= now))
        .limit(batch_size)
    ).all()
    if not ids:
        return 0
    db.execute(delete(Session).where(Session.id.in_(ids)))
    return len(ids)


def delete_expired_refresh_tokens(db: DbSession, *, now: datetime, batch_size: int) -> int:
    """Delete one batch of expired refresh tokens (their sessions may live on)."""
    ids = db.scalars(
        select(RefreshToken.id).where(RefreshToken.expires_at <= now).limit(batch_size)
    ).all()
    if ids:
        db.execute(delete(RefreshToken).where(RefreshToken.id.in_(ids)))
    return len(ids)


def to_record(row: Session) -> SessionRecord:
    return SessionRecord(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        absolute_expires_at=row.absolute_expires_at,
        remember=row.remember,
        ip=row.ip,
        user_agent=row.user_agent,
        mfa=row.mfa,
    )
