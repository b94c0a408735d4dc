"""Passkey challenges: random, server-side, single-use, two minutes, bound to who asked.

A challenge is a one-time token (``core/tokens/one_time.py``): the client gets
its ``challenge_id`` (256 random bits; the store keeps only the digest), the
challenge bytes themselves sit in the token's row, so any replica can check
the answer. A registration or re-authentication challenge also names the
session that asked and only that session may answer it; a login challenge is
bound to whoever holds its ``challenge_id`` (the Streamlit tab keeps it on the
server, an API client in memory). Spending happens before the answer is
checked, so a wrong answer cannot be retried and a replayed one finds the
challenge spent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from webauthn import base64url_to_bytes
from webauthn.helpers import bytes_to_base64url

from authgate.core.passkeys.events import PasskeyChallengeIssued
from authgate.core.ports.tokens import OneTimeTokenRepository
from authgate.core.records import AuthUser
from authgate.core.tokens.one_time import TokenPurpose, consume_token, issue_token, peek_token
from authgate.core.unit_of_work import Work
from authgate.errors import InvalidToken

__all__ = [
    "CHALLENGE_TTL",
    "IssuedChallenge",
    "PasskeyOptions",
    "SpentChallenge",
    "issue_challenge",
    "spend_challenge",
]

CHALLENGE_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class PasskeyOptions:
    """What the browser needs (``options``, WebAuthn JSON) and the id to answer with."""

    challenge_id: str
    options: str
    expires_at: datetime


@dataclass(frozen=True)
class IssuedChallenge:
    challenge_id: str
    challenge: bytes
    expires_at: datetime

    def offer(self, options: str) -> PasskeyOptions:
        """What the browser gets: ``options`` built on this challenge and the id to answer with."""
        return PasskeyOptions(self.challenge_id, options, self.expires_at)


@dataclass(frozen=True)
class SpentChallenge:
    """A challenge just spent: its bytes, the user it was made for, what was kept with it."""

    challenge: bytes
    user_id: int | None
    data: dict[str, Any]


def issue_challenge(
    work: Work,
    purpose: TokenPurpose,
    *,
    now: datetime,
    user: AuthUser | None = None,
    user_id: int | None = None,
    session_id: str | None = None,
    keep: dict[str, str] | None = None,
) -> IssuedChallenge:
    """Store a fresh 32-byte challenge under a new ``challenge_id`` (``keep`` beside it); audit it.

    The challenge is bound to ``user`` (or to ``user_id`` alone where no account
    was loaded; to nobody for a usernameless login). Every challenge leaves a
    ``passkey.challenge_issued`` row in the same transaction, whichever flow asked.
    """
    owner = user.id if user is not None else user_id
    challenge = secrets.token_bytes(32)
    challenge_id = issue_token(
        work.one_time_tokens,
        purpose,
        now=now,
        ttl=CHALLENGE_TTL,
        user_id=owner,
        session_id=session_id,
        data={**(keep or {}), "challenge": bytes_to_base64url(challenge)},
    )
    work.emit(PasskeyChallengeIssued(user=user, user_id=owner, purpose=purpose.value))
    return IssuedChallenge(challenge_id, challenge, now + CHALLENGE_TTL)


def spend_challenge(
    tokens: OneTimeTokenRepository,
    purpose: TokenPurpose,
    challenge_id: object,
    *,
    now: datetime,
    user_id: int | None = None,
    session_id: str | None = None,
) -> SpentChallenge:
    """Spend the challenge and return it.

    Raises InvalidToken (unknown, or bound to another user or session),
    TokenExpired, TokenReused. A challenge bound to a session is spent only
    by that session, so a stolen ``challenge_id`` is useless elsewhere.
    """
    record = peek_token(tokens, purpose, challenge_id, now=now)
    if record.session_id is not None and record.session_id != session_id:
        raise InvalidToken()
    if user_id is not None and record.user_id != user_id:
        raise InvalidToken()
    consume_token(tokens, purpose, challenge_id, now=now)
    challenge = base64url_to_bytes(str(record.data.get("challenge", "")))
    return SpentChallenge(challenge, record.user_id, dict(record.data))
