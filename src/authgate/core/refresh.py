"""Refresh-token families: single-use links, rotation, and reuse detection.

A refresh token is 256 random bits shown once; the store keeps its SHA-256 in
``authgate_refresh_tokens``. Every login starts a family; each refresh uses up
one link and adds the next. A link that is presented again after it was used
means two parties hold the same family (RFC 9700, section 4.14.2): the caller
revokes the whole family and the session behind it.

Claiming a link is one conditional UPDATE (``... WHERE used_at IS NULL``), so of
two requests racing with the same token exactly one wins; the loser is told it
presented a used token, which it did. The functions here work on the caller's
database session; ``TokenService`` owns the transaction and the audit events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from authgate.core._secrets import digest, new_id, new_token
from authgate.core.errors import InvalidToken, TokenExpired
from authgate.store.models import RefreshToken

__all__ = [
    "RefreshReuse",
    "claim_refresh_token",
    "delete_expired_refresh_tokens",
    "find_refresh_token",
    "issue_refresh_token",
    "revoke_family",
]

_MAX_TOKEN_LENGTH = 512
_INVALID = "The refresh token is not valid."
_EXPIRED = "The refresh token has expired. Please log in again."


@dataclass(frozen=True)
class RefreshReuse:
    """A used link was presented again: which family and session are now suspect."""

    family_id: str
    session_id: str
    user_id: int


def issue_refresh_token(
    db: DbSession,
    *,
    user_id: int,
    session_id: str,
    now: datetime,
    expires_at: datetime,
    family_id: str | None = None,
) -> tuple[str, RefreshToken]:
    """Add a link (a new family when ``family_id`` is None); return the token and its row."""
    token = new_token()
    row = RefreshToken(
        family_id=family_id or new_id(),
        token_hash=digest(token),
        session_id=session_id,
        user_id=user_id,
        created_at=now,
        expires_at=expires_at,
        used_at=None,
        revoked_at=None,
    )
    db.add(row)
    return token, row


def find_refresh_token(db: DbSession, token: object) -> RefreshToken | None:
    """The row for a token in any state, or None for garbage and unknown tokens."""
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    return db.scalar(select(RefreshToken).where(RefreshToken.token_hash == digest(token)))


def claim_refresh_token(
    db: DbSession, token: object, *, now: datetime
) -> RefreshToken | RefreshReuse:
    """Use up one link and return its row, or report reuse, or raise why it is unusable.

    Raises InvalidToken for unknown or revoked tokens (a revoked family was
    already dealt with, so it is not reported again) and TokenExpired for an
    unused link past its expiry. Returns ``RefreshReuse`` rather than raising
    so that the caller can commit the revocation before it answers.
    """
    row = find_refresh_token(db, token)
    if row is None or row.revoked_at is not None:
        raise InvalidToken(_INVALID)
    if row.used_at is not None:
        return RefreshReuse(row.family_id, row.session_id, row.user_id)
    if now >= row.expires_at:
        raise TokenExpired(_EXPIRED)
    claimed = db.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == row.id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        # Another request used it between our read and our write.
        return RefreshReuse(row.family_id, row.session_id, row.user_id)
    db.refresh(row)
    return row


def revoke_family(db: DbSession, family_id: str, *, now: datetime) -> int:
    """Mark every live link of a family revoked; return how many were."""
    result = db.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_expired_refresh_tokens(db: DbSession, *, now: datetime, batch_size: int = 1000) -> int:
    """Delete one batch of links past their expiry; a deleted link can no longer signal reuse."""
    ids = db.scalars(
        select(RefreshToken.id).where(RefreshToken.expires_at <= now).limit(batch_size)
    ).all()
    if not ids:
        return 0
    db.execute(delete(RefreshToken).where(RefreshToken.id.in_(ids)))
    return len(ids)
