"""``Logins``: every login method through one path.

Whatever proved the user (a password, a second factor, an identity provider,
a passkey), what follows is the same and written only here:

1. the account-state rules, said only once the credential was right (so they
   reveal nothing to someone who does not have it): a disabled account gets
   AccountDisabled, an unverified address EmailNotVerified when required;
2. the second-factor step: a user with MFA on who proved one factor gets
   MfaRequired with a five-minute, single-use ticket instead of a session;
3. the lockout counter is cleared after a full success (with MFA, only the
   second factor's success clears it: knowing the password buys no guesses);
4. a new session (fresh id, fresh token: no fixation) is opened and handed to
   a token strategy in the same transaction, and the login is audited;
5. the anonymous visitor the face presented (``visitor=``, the browser's
   visitor token) is ended in that same transaction and, after the commit,
   handed to the application's hook with the new user's id
   (``VisitorService``). Being here, it follows every method: password,
   second factor, and any identity-provider or passkey method registered
   later; the face only passes the token along.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from authgate.core.clock import Clock
from authgate.core.events import LoginFailed
from authgate.core.lockout.guard import Lockout
from authgate.core.login.method import Client, LoginMethod, Verified
from authgate.core.login.strategy import OpaqueSessionTokens, TokenStrategy
from authgate.core.records import LoginResult
from authgate.core.sessions.service import SessionService
from authgate.core.tokens.one_time import TokenPurpose, issue_token
from authgate.core.unit_of_work import UnitOfWork
from authgate.core.visitors.service import VisitorService
from authgate.errors import (
    AccountDisabled,
    AuthgateError,
    ConfigurationError,
    EmailNotVerified,
    MfaRequired,
)

__all__ = ["MFA_TICKET_TTL", "Logins", "password_credentials", "second_factor_credentials"]

MFA_TICKET_TTL = timedelta(minutes=5)

T = TypeVar("T")

_OPAQUE = OpaqueSessionTokens()


def password_credentials(login: object, password: object) -> dict[str, object]:
    """What the ``password`` method reads."""
    return {"login": login, "password": password}


def second_factor_credentials(ticket: object, code: object) -> dict[str, object]:
    """What the ``second_factor`` method reads."""
    return {"ticket": ticket, "code": code}


@dataclass(kw_only=True, eq=False)
class Logins:
    """The registry of login methods and the one path every login takes."""

    uow: UnitOfWork
    sessions: SessionService
    lockout: Lockout
    clock: Clock
    require_verified_email: bool = False
    visitors: VisitorService | None = None
    methods: dict[str, LoginMethod] = field(default_factory=dict)

    def add(self, method: LoginMethod) -> None:
        """Register a login method under its ``name`` (once; a second one is a mistake)."""
        if method.name in self.methods:
            raise ConfigurationError(f"A login method named {method.name!r} is already registered.")
        self.methods[method.name] = method

    def login(
        self,
        method: str,
        credentials: Mapping[str, object],
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
        visitor: str | None = None,
    ) -> LoginResult:
        """Log in with the named method; the client keeps the opaque session token."""
        return self.login_with(
            _OPAQUE,
            method,
            credentials,
            remember=remember,
            ip=ip,
            user_agent=user_agent,
            visitor=visitor,
        )

    def login_with(
        self,
        strategy: TokenStrategy[T],
        method: str,
        credentials: Mapping[str, object],
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
        visitor: str | None = None,
    ) -> T:
        """Log in with the named method; what the client keeps comes from ``strategy``.

        ``visitor`` is the browser's anonymous visitor token, if it has one:
        a full success hands that visitor to the new user (step 5 above).
        Raises what the method raises (InvalidCredentials, AccountLocked,
        MfaInvalidCode, token errors), then AccountDisabled, EmailNotVerified
        or MfaRequired as described in the module docstring.
        """
        found = self.methods.get(method)
        if found is None:
            raise ConfigurationError(f"No login method named {method!r} is registered.")
        client = Client.of(ip, user_agent)
        verified = found.authenticate(credentials, client)
        self._refuse_account_state(verified, client)
        keep = bool(remember if verified.remember is None else verified.remember)
        if verified.user.mfa_enabled and not verified.multi_factor:
            raise MfaRequired(ticket=self._mfa_ticket(verified, remember=keep))
        if verified.prior_failures and verified.lockout_key:
            # With no failures on record there is nothing to clear (one write fewer).
            self.lockout.clear(verified.lockout_key)
        with self.uow.write() as work:
            opened = self.sessions.open_in(
                work,
                verified.user,
                remember=keep,
                mfa=verified.multi_factor,
                ip=client.ip,
                user_agent=client.user_agent,
                method=verified.method,
            )
            issued = strategy.issue(work, opened)
            claimed = self.visitors.claim_in(work, visitor, opened.user) if self.visitors else None
        if self.visitors is not None:
            self.visitors.hand_off(claimed, opened.user.id)
        return issued

    def password(
        self,
        login: str,
        password: str,
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
        visitor: str | None = None,
    ) -> LoginResult:
        """Log in with a username or email and a password (the ``password`` method)."""
        credentials = password_credentials(login, password)
        return self.login(
            "password",
            credentials,
            remember=remember,
            ip=ip,
            user_agent=user_agent,
            visitor=visitor,
        )

    def second_factor(
        self,
        ticket: str,
        code: str,
        *,
        ip: str | None = None,
        user_agent: str | None = None,
        visitor: str | None = None,
    ) -> LoginResult:
        """Trade the ticket from ``MfaRequired`` plus a code for a session (``mfa=True``)."""
        credentials = second_factor_credentials(ticket, code)
        return self.login(
            "second_factor", credentials, ip=ip, user_agent=user_agent, visitor=visitor
        )

    def _refuse_account_state(self, verified: Verified, client: Client) -> None:
        user = verified.user
        refusal: AuthgateError | None = None
        if not user.is_active:
            refusal = AccountDisabled()
        elif self.require_verified_email and not user.email_verified:
            refusal = EmailNotVerified()
        if refusal is None:
            return
        self.uow.record(
            LoginFailed(
                user_id=user.id,
                username=verified.attempted or user.username,
                client=client,
                reason=refusal.code,
            )
        )
        raise refusal

    def _mfa_ticket(self, verified: Verified, *, remember: bool) -> str:
        with self.uow.write() as work:
            return issue_token(
                work.one_time_tokens,
                TokenPurpose.MFA_TICKET,
                now=self.clock.now(),
                ttl=MFA_TICKET_TTL,
                user_id=verified.user.id,
                data={"remember": remember},
            )
