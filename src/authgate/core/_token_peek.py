"""Look at a one-time token without spending it.

Multi-step flows (the MFA step of a login, a reset page that must know
whether to ask for a code) need to know a token is good before the step that
consumes it; ``consume_token`` is still what finally spends it, atomically.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from authgate.core._secrets import digest
from authgate.core.errors import InvalidToken, TokenExpired, TokenReused
from authgate.core.tokens import TokenPurpose
from authgate.store.models import OneTimeToken

__all__ = ["peek_token"]

_MAX_TOKEN_LENGTH = 512


def peek_token(
    db: DbSession, purpose: TokenPurpose, token: object, *, now: datetime
) -> OneTimeToken:
    """The token's row if it could be consumed now; else InvalidToken, TokenReused, TokenExpired."""
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidToken()
    row = db.scalar(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == digest(token), OneTimeToken.purpose == purpose.value
        )
    )
    if row is None or row.user_id is None:
        raise InvalidToken()
    if row.used_at is not None:
        raise TokenReused()
    if now >= row.expires_at:
        raise TokenExpired()
    return row
