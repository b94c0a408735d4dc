"""Passkey logins: usernameless with a passkey alone, or a passkey as the second step.

``PasskeyLogin`` (name ``"passkey"``) takes ``{"challenge_id", "credential"}``
from a login challenge. User verification is required by the relying party,
so the passkey proves possession and the user's PIN or biometric: two
factors, and no TOTP step follows (``multi_factor=True``).

``PasskeySecondFactorLogin`` (name ``"passkey_second_factor"``) takes the MFA
ticket a correct password earned plus a passkey answer for that same user,
as an alternative to a TOTP code. Both go through ``AssertionCheck``, and
``Logins`` then applies the account-state rules, the lockout reset and the
session rules exactly as for a password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from authgate.core.clock import Clock
from authgate.core.lockout.guard import account_key
from authgate.core.login.method import Client, Verified
from authgate.core.passkeys.assertion import AssertionCheck
from authgate.core.tokens.one_time import TokenPurpose, consume_token, peek_token
from authgate.core.unit_of_work import UnitOfWork

__all__ = ["PasskeyLogin", "PasskeySecondFactorLogin", "passkey_credentials"]


def passkey_credentials(
    challenge_id: object, credential: object, *, ticket: object = None
) -> dict[str, object]:
    """What the passkey methods read (``ticket`` only for the second step)."""
    return {"challenge_id": challenge_id, "credential": credential, "ticket": ticket}


@dataclass(kw_only=True, eq=False)
class PasskeyLogin:
    """A login with a passkey alone (the browser offers the user's discoverable passkeys)."""

    name = "passkey"

    check: AssertionCheck

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        proven = self.check.verify(
            TokenPurpose.PASSKEY_LOGIN,
            credentials.get("challenge_id"),
            credentials.get("credential"),
            client,
        )
        return Verified(
            user=proven.user,
            method=self.name,
            multi_factor=True,
            lockout_key=account_key(proven.user.id),
            prior_failures=proven.prior_failures,
        )


@dataclass(kw_only=True, eq=False)
class PasskeySecondFactorLogin:
    """The MFA ticket from a correct password plus a passkey of the same user."""

    name = "passkey_second_factor"

    uow: UnitOfWork
    check: AssertionCheck
    clock: Clock

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        """Raises InvalidToken, TokenExpired or TokenReused for the ticket or the challenge,
        PasskeyRejected, AccountLocked."""
        ticket = credentials.get("ticket")
        with self.uow.read() as repos:
            record = peek_token(
                repos.one_time_tokens, TokenPurpose.MFA_TICKET, ticket, now=self.clock.now()
            )
        user_id = int(record.user_id or 0)
        proven = self.check.verify(
            TokenPurpose.PASSKEY_LOGIN,
            credentials.get("challenge_id"),
            credentials.get("credential"),
            client,
            user_id=user_id,
        )
        with self.uow.write() as work:
            consume_token(
                work.one_time_tokens, TokenPurpose.MFA_TICKET, ticket, now=self.clock.now()
            )
        return Verified(
            user=proven.user,
            method="password+passkey",
            multi_factor=True,
            remember=bool(record.data.get("remember", False)),
            lockout_key=account_key(proven.user.id),
            prior_failures=proven.prior_failures,
        )
