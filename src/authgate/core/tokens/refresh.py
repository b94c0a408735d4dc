"""Refresh-token families: single-use links, rotation, and reuse detection.

A refresh token is 256 random bits shown once; the store keeps its SHA-256.
Every login starts a family; each refresh uses up one link and adds the next.
A link that is presented again after it was used means two parties hold the
same family (RFC 9700, section 4.14.2): the caller revokes the whole family
and the session behind it.

Claiming a link is one conditional update in the store, so of two requests
racing with the same token exactly one wins; the loser is told it presented a
used token, which it did. ``TokenService`` owns the transaction and the events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from authgate.core.ports.tokens import NewRefreshLink, RefreshLink, RefreshTokenRepository
from authgate.core.secrets import digest, new_id, new_token
from authgate.errors import InvalidToken, TokenExpired

__all__ = [
    "RefreshReuse",
    "claim_refresh_token",
    "find_refresh_token",
    "issue_refresh_token",
    "usable_refresh_link",
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
    links: RefreshTokenRepository,
    *,
    user_id: int,
    session_id: str,
    now: datetime,
    expires_at: datetime,
    family_id: str | None = None,
) -> str:
    """Add a link (a new family when ``family_id`` is None); return its token (the only copy)."""
    token = new_token()
    links.add(
        NewRefreshLink(
            family_id=family_id or new_id(),
            token_hash=digest(token),
            session_id=session_id,
            user_id=user_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token


def find_refresh_token(links: RefreshTokenRepository, token: object) -> RefreshLink | None:
    """The link for a token in any state, or None for garbage and unknown tokens."""
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    return links.find(digest(token))


def usable_refresh_link(
    links: RefreshTokenRepository, token: object, *, now: datetime
) -> RefreshLink | None:
    """The link a token would claim now (unused, unrevoked, unexpired), without claiming it."""
    link = find_refresh_token(links, token)
    if link is None or link.revoked_at is not None or link.used_at is not None:
        return None
    return link if now < link.expires_at else None


def claim_refresh_token(
    links: RefreshTokenRepository, token: object, *, now: datetime
) -> RefreshLink | RefreshReuse:
    """Use up one link and return it, or report reuse, or raise why it is unusable.

    Raises InvalidToken for unknown or revoked tokens (a revoked family was
    already dealt with, so it is not reported again) and TokenExpired for an
    unused link past its expiry. Returns ``RefreshReuse`` rather than raising
    so that the caller can commit the revocation before it answers.
    """
    link = find_refresh_token(links, token)
    if link is None or link.revoked_at is not None:
        raise InvalidToken(_INVALID)
    reuse = RefreshReuse(link.family_id, link.session_id, link.user_id)
    if link.used_at is not None:
        return reuse
    if now >= link.expires_at:
        raise TokenExpired(_EXPIRED)
    if not links.claim(link.id, now=now):
        return reuse  # another request used it between our read and our write
    return link
