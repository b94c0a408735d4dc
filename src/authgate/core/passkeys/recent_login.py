"""Recent login: adding or removing a passkey needs a login no older than ten minutes.

A session younger than ``window`` counts as recent. An older one confirms
it is still its user (the password again, or a passkey) and gets a
*re-authentication token*: a one-time token bound to that session and that
user, valid for ``window``, which the caller presents with the sensitive
request. It is only peeked at, so adding a passkey and then removing another
within the window needs one confirmation; another session cannot use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from authgate.core.accounts.service import AccountService
from authgate.core.clock import Clock
from authgate.core.passkeys.assertion import AssertionCheck
from authgate.core.passkeys.ceremony import RelyingParty
from authgate.core.passkeys.challenges import PasskeyOptions, issue_challenge
from authgate.core.passkeys.events import Reauthenticated
from authgate.core.ports.sessions import SessionView
from authgate.core.ports.store import Repositories
from authgate.core.records import AuthUser, Client
from authgate.core.tokens.one_time import TokenPurpose, issue_token, peek_token
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidToken, NotAuthenticated, ReauthenticationRequired

__all__ = ["RECENT_LOGIN", "Reauthentication", "RecentLogin"]

RECENT_LOGIN = timedelta(minutes=10)


@dataclass(frozen=True)
class Reauthentication:
    """Proof, for ``window``, that this session's user confirmed it is them."""

    token: str
    expires_at: datetime


@dataclass(kw_only=True, eq=False)
class RecentLogin:
    """Decides whether a session logged in recently, and lets an older one confirm itself."""

    uow: UnitOfWork
    accounts: AccountService
    check: AssertionCheck
    relying_party: RelyingParty
    clock: Clock
    window: timedelta = RECENT_LOGIN

    def require(self, user_id: int, session_id: str, reauth_token: object = None) -> AuthUser:
        """The session's user if its login (or a confirmation) is recent enough.

        Raises NotAuthenticated when the session is not this user's live one,
        ReauthenticationRequired when it is too old and no valid token came.
        """
        now = self.clock.now()
        with self.uow.read() as repos:
            view = repos.sessions.find(session_id=session_id)
            if view is None or view.user.id != user_id:
                raise NotAuthenticated()
            if now - view.session.created_at <= self.window:
                return view.user
            if reauth_token is not None and self._confirmed(repos, reauth_token, view, now):
                return view.user
        raise ReauthenticationRequired()

    def confirm_password(
        self, user_id: int, session_id: str, password: object, client: Client
    ) -> Reauthentication:
        """Check the password again (counted toward the lockout) and grant a token."""
        self.accounts.confirm_password(
            user_id,
            password,
            reason="wrong_password_reauth",
            ip=client.ip,
            user_agent=client.user_agent,
        )
        return self._grant(user_id, session_id, client, method="password")

    def passkey_options(self, user_id: int, session_id: str) -> PasskeyOptions:
        """A challenge for one of the user's passkeys, answerable only by this session."""
        with self.uow.write() as work:
            user = work.users.get(user_id)
            if user is None:
                raise NotAuthenticated()
            issued = issue_challenge(
                work,
                TokenPurpose.PASSKEY_REAUTH,
                now=self.clock.now(),
                user=user,
                session_id=session_id,
            )
            passkeys = work.passkeys.list_for_user(user_id)
        options = self.relying_party.request_options(challenge=issued.challenge, allow=passkeys)
        return issued.offer(options)

    def confirm_passkey(
        self,
        user_id: int,
        session_id: str,
        challenge_id: object,
        credential: object,
        client: Client,
    ) -> Reauthentication:
        """Check a passkey answer of this user, from this session, and grant a token."""
        self.check.verify(
            TokenPurpose.PASSKEY_REAUTH,
            challenge_id,
            credential,
            client,
            user_id=user_id,
            session_id=session_id,
        )
        return self._grant(user_id, session_id, client, method="passkey")

    def _grant(
        self, user_id: int, session_id: str, client: Client, *, method: str
    ) -> Reauthentication:
        now = self.clock.now()
        with self.uow.write() as work:
            view = work.sessions.find(session_id=session_id)
            if view is None or view.user.id != user_id:
                raise NotAuthenticated()
            token = issue_token(
                work.one_time_tokens,
                TokenPurpose.REAUTHENTICATED,
                now=now,
                ttl=self.window,
                user_id=user_id,
                session_id=session_id,
            )
            work.emit(
                Reauthenticated(user=view.user, client=client, session_id=session_id, method=method)
            )
        return Reauthentication(token, now + self.window)

    @staticmethod
    def _confirmed(repos: Repositories, token: object, view: SessionView, now: datetime) -> bool:
        """True when ``token`` is a live confirmation of this very session and user."""
        try:
            record = peek_token(repos.one_time_tokens, TokenPurpose.REAUTHENTICATED, token, now=now)
        except InvalidToken:
            return False
        return record.session_id == view.session.id and record.user_id == view.user.id
