"""The second step of a login: the ticket from ``MfaRequired`` plus a code.

A wrong code leaves the ticket usable until it expires (five minutes), with
every wrong code counted toward the account's lockout by the verifier; a
right one spends the ticket, so it cannot open a second session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from authgate.core.clock import Clock
from authgate.core.login.method import Client, Verified
from authgate.core.mfa.verifier import SecondFactorVerifier, parse_code
from authgate.core.tokens.one_time import TokenPurpose, consume_token, peek_token
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidCredentials

__all__ = ["SecondFactorLogin"]


@dataclass(kw_only=True, eq=False)
class SecondFactorLogin:
    """Credentials ``{"ticket": ..., "code": ...}`` (a TOTP or a recovery code)."""

    name = "second_factor"

    uow: UnitOfWork
    verifier: SecondFactorVerifier
    clock: Clock

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        """Raises InvalidToken, TokenExpired or TokenReused for the ticket, MfaInvalidCode,
        AccountLocked, and InvalidCredentials when the account is gone."""
        ticket, code = credentials.get("ticket"), credentials.get("code")
        parse_code(code)  # malformed input fails before the ticket is even read
        with self.uow.read() as repos:
            record = peek_token(
                repos.one_time_tokens, TokenPurpose.MFA_TICKET, ticket, now=self.clock.now()
            )
        user_id = int(record.user_id or 0)
        remember = bool(record.data.get("remember", False))
        kind = self.verifier.verify(
            user_id, code, context="login", ip=client.ip, user_agent=client.user_agent
        )
        with self.uow.write() as work:
            consume_token(
                work.one_time_tokens, TokenPurpose.MFA_TICKET, ticket, now=self.clock.now()
            )
            user = work.users.get(user_id)
        if user is None:
            raise InvalidCredentials()
        return Verified(user=user, method=f"password+{kind}", multi_factor=True, remember=remember)
