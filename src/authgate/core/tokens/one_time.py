"""Single-use, purpose-bound tokens: cookie tickets, email verification, resets, MFA tickets.

A token is 256 random bits shown once; the store keeps its SHA-256, the
purpose it was made for, an expiry and the time it was used. The purpose is
part of every lookup, so a reset token is useless as a cookie ticket and the
other way round. Spending is one conditional update in the store, so two
requests racing with the same token cannot both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from authgate.core.ports.tokens import (
    NewOneTimeToken,
    OneTimeTokenRecord,
    OneTimeTokenRepository,
)
from authgate.core.secrets import digest, new_token
from authgate.errors import InvalidToken, TokenExpired, TokenReused

__all__ = ["TokenPurpose", "consume_token", "issue_token", "peek_token"]

_MAX_TOKEN_LENGTH = 512


class TokenPurpose(StrEnum):
    COOKIE_TICKET = "cookie_ticket"
    EMAIL_VERIFICATION = "email_verification"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose tag, not a secret
    MFA_TICKET = "mfa_ticket"
    VISITOR_TICKET = "visitor_ticket"
    PASSKEY_REGISTRATION = "passkey_registration"
    PASSKEY_LOGIN = "passkey_login"
    PASSKEY_REAUTH = "passkey_reauth"
    REAUTHENTICATED = "reauthenticated"


def issue_token(
    tokens: OneTimeTokenRepository,
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
    tokens.add(
        NewOneTimeToken(
            purpose=purpose.value,
            token_hash=digest(token),
            user_id=user_id,
            session_id=session_id,
            created_at=now,
            expires_at=now + ttl,
            data=data,
        )
    )
    return token


def peek_token(
    tokens: OneTimeTokenRepository, purpose: TokenPurpose, token: object, *, now: datetime
) -> OneTimeTokenRecord:
    """The token's record if it could be spent now, without spending it.

    Multi-step flows (the MFA step of a login, a reset page that must know
    whether to ask for a code) check a token before the step that spends it.
    Raises InvalidToken, TokenReused or TokenExpired.
    """
    record = _find(tokens, purpose, token)
    if record.used_at is not None:
        raise TokenReused()
    if now >= record.expires_at:
        raise TokenExpired()
    return record


def consume_token(
    tokens: OneTimeTokenRepository, purpose: TokenPurpose, token: object, *, now: datetime
) -> OneTimeTokenRecord:
    """Spend the token and return its record, or raise why it cannot be used."""
    record = peek_token(tokens, purpose, token, now=now)
    if not tokens.claim(record.id, now=now):
        raise TokenReused()
    return record


def _find(
    tokens: OneTimeTokenRepository, purpose: TokenPurpose, token: object
) -> OneTimeTokenRecord:
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        raise InvalidToken()
    record = tokens.find(purpose.value, digest(token))
    if record is None:
        raise InvalidToken()
    return record
