"""Single-use, purpose-bound tokens: cookie tickets, email verification, resets.

A token is 256 random bits shown once; the store keeps its SHA-256, the
purpose it was made for, an expiry and the time it was used. Consuming is one
conditional UPDATE, so two requests racing with the same token cannot both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from authgate.core._secrets import digest, new_token
from authgate.core.errors import InvalidToken, TokenExpired, TokenReused
from authgate.store.models import OneTimeToken

__all__ = ["TokenPurpose", "consume_token", "delete_expired_tokens", "issue_token"]

_MAX_TOKEN_LENGTH = 512


class TokenPurpose(StrEnum):
    COOKIE_TICKET = "cookie_ticket"
    EMAIL_VERIFICATION = "email_verification"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose tag, not a secret
    MFA_TICKET = "mfa_ticket"


def issue_token(
    db: DbSession,
    purpose: TokenPurpose,
    *,
    now: datetime,
    ttl: timedelta,
    user_id: int | None = None,
    session_id: str | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    """Store a new token's digest and return the token (its only copy)."""
    token = new_token()
    db.add(
        OneTimeToken(
            purpose=purpose.value,
            token_hash=digest(token),
            user_id=user_id,
            session_id=session_id,
            created_at=now,
            expires_at=now + ttl,
            used_at=None,
            data=data,
        )
    )
    return token


def consume_token(
    db: DbSession, purpose: TokenPurpose, token: object, *, now: datetime
) -> OneTimeToken:
    """Mark the token used and return its row, or raise why it cannot be used.

    The purpose is part of the lookup, so a reset token is useless as a cookie
    ticket and the other way round.
    """
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidToken()
    token_hash = digest(token)
    row = db.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == token_hash, OneTimeToken.purpose == purpose.value
        )
    )
    if row is None:
        raise InvalidToken()
    if row.used_at is not None:
        raise TokenReused()
    if now >= row.expires_at:
        raise TokenExpired()
    claimed = db.execute(
        update(OneTimeToken)
        .where(OneTimeToken.id == row.id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise TokenReused()
    db.refresh(row)
    return row


def delete_expired_tokens(db: DbSession, *, now: datetime, batch_size: int = 1000) -> int:
    ids = db.scalars(
        select(OneTimeToken.id).where(OneTimeToken.expires_at <= now).limit(batch_size)
    ).all()
    if not ids:
        return 0
    db.execute(delete(OneTimeToken).where(OneTimeToken.id.in_(ids)))
    return len(ids)
