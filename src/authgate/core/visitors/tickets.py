"""The visitor cookie's ticket: how a token made in the server reaches an HttpOnly cookie.

The Streamlit tab that starts a visitor keeps the visitor's token (it needs
it at login, in remote mode too), and the browser must get the same token in
an HttpOnly cookie without page scripts ever seeing it. So the tab hands the
browser a one-time ticket (60 s) and the browser posts it to a same-origin
route, as for a login session. Unlike a session, the token cannot be rotated
at that moment (the tab's copy must stay valid), so the ticket row carries the
token sealed with a key derived from the ticket itself: the store keeps only
the ticket's SHA-256, from which the key cannot be derived, so a copy of the
database yields no visitor token.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from authgate.core.ports.tokens import NewOneTimeToken, OneTimeTokenRepository
from authgate.core.secrets import digest, new_token
from authgate.core.tokens.one_time import TokenPurpose, consume_token
from authgate.errors import InvalidToken

__all__ = ["TICKET_TTL", "issue_visitor_ticket", "redeem_visitor_ticket"]

TICKET_TTL = timedelta(seconds=60)
_DOMAIN = b"authgate visitor cookie ticket\x00"


def _keystream(ticket: str, length: int) -> bytes:
    return hashlib.shake_256(_DOMAIN + ticket.encode("utf-8")).digest(length)


def _xor(data: bytes, key: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, key, strict=True))


def issue_visitor_ticket(
    tokens: OneTimeTokenRepository, visitor_id: str, token: str, *, now: datetime
) -> str:
    """Store a ticket that redeems to ``token``; return the ticket (its only copy)."""
    ticket = new_token()
    raw = token.encode("utf-8")
    tokens.add(
        NewOneTimeToken(
            purpose=TokenPurpose.VISITOR_TICKET.value,
            token_hash=digest(ticket),
            user_id=None,
            session_id=None,
            created_at=now,
            expires_at=now + TICKET_TTL,
            data={
                "visitor_id": visitor_id,
                "sealed": _xor(raw, _keystream(ticket, len(raw))).hex(),
            },
        )
    )
    return ticket


def redeem_visitor_ticket(
    tokens: OneTimeTokenRepository, ticket: str, *, now: datetime
) -> tuple[str, str]:
    """Spend the ticket; return the visitor id and token it was made for.

    Raises InvalidToken, TokenReused or TokenExpired.
    """
    record = consume_token(tokens, TokenPurpose.VISITOR_TICKET, ticket, now=now)
    visitor_id, sealed = record.data.get("visitor_id"), record.data.get("sealed")
    if not isinstance(visitor_id, str) or not isinstance(sealed, str):
        raise InvalidToken()
    raw = bytes.fromhex(sealed)
    return visitor_id, _xor(raw, _keystream(ticket, len(raw))).decode("utf-8")
