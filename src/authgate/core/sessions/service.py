"""``SessionService``: open, validate, end and list server-side sessions.

Every face asks this one service whether a session is alive: the gate on each
rerun, the API for each access token, the token service when it resumes or
refreshes. Validity itself is ``SessionPolicy.check``; this module adds the
reads, the once-a-minute slide and the revocations, each one transaction with
its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from authgate.core.clock import Clock
from authgate.core.events import (
    AuthEvent,
    LoggedOut,
    LoginSucceeded,
    SessionRevokedEvent,
    SessionsRevoked,
)
from authgate.core.ports.sessions import SessionView
from authgate.core.ports.store import Repositories
from authgate.core.records import AuthUser, Client, LoginResult, SessionContext, SessionRecord
from authgate.core.secrets import digest, new_token
from authgate.core.sessions.policy import SessionPolicy, is_session_id
from authgate.core.tokens.one_time import TokenPurpose, consume_token, issue_token
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import AccountDisabled, NotAuthenticated, UserNotFound

__all__ = ["SessionService"]

_MAX_TOKEN = 512
_MAX_TICKET_TTL = timedelta(seconds=60)


@dataclass(kw_only=True, eq=False)
class SessionService:
    """Sessions on one store; build once per process (through the composition root)."""

    uow: UnitOfWork
    policy: SessionPolicy
    clock: Clock
    cookie_ticket_ttl: timedelta = _MAX_TICKET_TTL

    def __post_init__(self) -> None:
        # A ticket only bridges one page load to one request: never more than a minute.
        self.cookie_ticket_ttl = min(self.cookie_ticket_ttl, _MAX_TICKET_TTL)

    # -- opening -------------------------------------------------------------

    def open(
        self,
        user: AuthUser,
        *,
        remember: bool = False,
        mfa: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
        method: str = "password",
    ) -> LoginResult:
        """Open a session, in a transaction of its own, for a user already verified."""
        with self.uow.write() as work:
            return self.open_in(
                work, user, remember=remember, mfa=mfa, ip=ip, user_agent=user_agent, method=method
            )

    def open_in(
        self,
        work: Work,
        user: AuthUser,
        *,
        remember: bool = False,
        mfa: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
        method: str = "password",
    ) -> LoginResult:
        """Open a session for a verified user inside the caller's transaction.

        Stamping the last login doubles as the "still active" check, so an
        account disabled since its credentials were checked gets no session
        (AccountDisabled). A token strategy may add to the same transaction
        (the API's first refresh link), so a login is one write.
        """
        now = self.clock.now()
        if not work.users.stamp_login(user.id, now=now):
            raise AccountDisabled()
        new, token = self.policy.new_session(
            user.id, now=now, remember=bool(remember), mfa=mfa, ip=ip, user_agent=user_agent
        )
        session = work.sessions.add(new)
        work.emit(
            LoginSucceeded(
                user=user,
                client=Client(ip=ip, user_agent=user_agent),
                session_id=session.id,
                remember=bool(remember),
                method=method,
            )
        )
        return LoginResult(user=replace(user, last_login_at=now), session=session, token=token)

    # -- validating ------------------------------------------------------------

    def validate(self, token: str, *, touch: bool = True) -> SessionContext:
        """Resolve a session token to its user, sliding the idle timeout.

        Raises NotAuthenticated for an unknown token, SessionExpired past the
        idle or absolute limit, SessionRevoked when the account was disabled.
        """
        with self.uow.read() as repos:
            view = _lookup(repos, token=token)
        return self._accept(view, touch=touch)

    def validate_id(self, session_id: str, *, touch: bool = True) -> SessionContext:
        """Like ``validate`` for a server-side caller that kept the session id."""
        with self.uow.read() as repos:
            view = _lookup(repos, session_id=session_id)
        return self._accept(view, touch=touch)

    def live_in(
        self,
        work: Work | Repositories,
        *,
        session_id: str | None = None,
        token: str | None = None,
        touch: bool,
    ) -> SessionContext:
        """Validate inside the caller's transaction (token resume and refresh).

        Raises NotAuthenticated, SessionExpired or SessionRevoked as ``validate``.
        """
        view = _lookup(work, token=token, session_id=session_id)
        return self._accept(view, touch=touch, work=work)

    def _accept(
        self, view: SessionView | None, *, touch: bool, work: Work | Repositories | None = None
    ) -> SessionContext:
        """Apply the policy to what the store found; slide the idle timeout when due.

        The slide joins the caller's transaction when there is one, else it
        is a write of its own (a page view's read stays a read otherwise).
        """
        if view is None:
            raise NotAuthenticated()
        now = self.clock.now()
        self.policy.check(view, now)
        session = view.session
        if touch and self.policy.due_for_touch(session, now):
            if work is not None:
                session = self._slide(work, view)
            else:
                with self.uow.write() as own:
                    session = self._slide(own, view)
        return SessionContext(user=view.user, session=session)

    def _slide(self, work: Work | Repositories, view: SessionView) -> SessionRecord:
        now = self.clock.now()
        expires = self.policy.slid_expiry(now, view.idle_seconds, view.session.absolute_expires_at)
        work.sessions.slide(view.session.id, last_seen_at=now, expires_at=expires)
        return replace(view.session, last_seen_at=now, expires_at=expires)

    # -- ending -----------------------------------------------------------------

    def logout(
        self,
        *,
        token: str | None = None,
        session_id: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> bool:
        """End one session (by token or id); False if it was already gone."""
        with self.uow.write() as work:
            view = _lookup(work, token=token or None, session_id=session_id)
            if view is None:
                return False
            client = Client(ip=ip, user_agent=user_agent)
            ended = LoggedOut(user=view.user, client=client, session_id=view.session.id)
            return _end(work, view.session.id, ended)

    def revoke(
        self,
        session_id: str,
        *,
        user_id: int | None = None,
        actor_id: int | None = None,
        reason: str = "revoked",
    ) -> bool:
        """End one session; with ``user_id``, only if it belongs to that user."""
        with self.uow.write() as work:
            view = _lookup(work, session_id=session_id)
            if view is None or (user_id is not None and view.user.id != user_id):
                return False
            return self.end_in(
                work,
                view.session.id,
                user_id=view.user.id,
                username=view.user.username,
                actor_id=actor_id,
                reason=reason,
            )

    def end_in(
        self,
        work: Work,
        session_id: str,
        *,
        user_id: int,
        username: str | None,
        reason: str,
        actor_id: int | None = None,
    ) -> bool:
        """End a session inside the caller's transaction, audited as ``session.revoked``."""
        revoked = SessionRevokedEvent(
            user_id=user_id,
            username=username,
            actor_id=actor_id,
            session_id=session_id,
            reason=reason,
        )
        return _end(work, session_id, revoked)

    def revoke_all(
        self,
        user_id: int,
        *,
        keep_session_id: str | None = None,
        actor_id: int | None = None,
        reason: str = "revoked",
    ) -> int:
        """End all of a user's sessions, optionally keeping the current one."""
        with self.uow.write() as work:
            user = work.users.get(user_id)
            if user is None:
                raise UserNotFound()
            ended = work.sessions.delete_for_user(user_id, keep=keep_session_id)
            work.emit(
                SessionsRevoked(
                    user_id=user_id,
                    username=user.username,
                    actor_id=actor_id,
                    count=ended,
                    kept_session_id=keep_session_id,
                    reason=reason,
                )
            )
            work.mark_stale()
        return ended

    # -- listing ------------------------------------------------------------------

    def list_for(self, user_id: int) -> list[SessionRecord]:
        """The user's live sessions, newest activity first."""
        with self.uow.read() as repos:
            return repos.sessions.list_live(user_id, now=self.clock.now())

    def list_all(self, *, limit: int = 500) -> list[tuple[SessionRecord, str]]:
        """Every live session with its owner's username (admin view)."""
        with self.uow.read() as repos:
            return repos.sessions.list_all_live(
                now=self.clock.now(), limit=max(1, min(limit, 10_000))
            )

    def count_active(self) -> int:
        with self.uow.read() as repos:
            return repos.sessions.count_live(now=self.clock.now())

    # -- cookie tickets -------------------------------------------------------------

    def issue_cookie_ticket(self, session_id: str) -> str:
        """A single-use ticket that a same-origin request trades for the session cookie.

        The Streamlit tab cannot set an HttpOnly cookie itself; it hands this
        short-lived ticket to the browser, which posts it to authgate's route.
        """
        with self.uow.write() as work:
            view = _lookup(work, session_id=session_id)
            if view is None:
                raise NotAuthenticated()
            return issue_token(
                work.one_time_tokens,
                TokenPurpose.COOKIE_TICKET,
                now=self.clock.now(),
                ttl=self.cookie_ticket_ttl,
                user_id=view.user.id,
                session_id=view.session.id,
            )

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        """Spend a ticket; return a fresh session token for the cookie and the session.

        The session's token is rotated here, so the only live copy of it is the
        one about to be put in the HttpOnly cookie.
        """
        with self.uow.write() as work:
            record = consume_token(
                work.one_time_tokens, TokenPurpose.COOKIE_TICKET, ticket, now=self.clock.now()
            )
            context = self.live_in(work, session_id=record.session_id or "", touch=False)
            token = new_token()
            work.sessions.set_token_hash(context.session.id, digest(token))
        return token, context

    # -- housekeeping ------------------------------------------------------------------

    def cleanup(self, *, batch_size: int = 1000, max_batches: int | None = None) -> int:
        """Delete expired sessions, one-time and refresh tokens in batches.

        Returns the number of sessions deleted.
        """
        total, batches = 0, 0
        while max_batches is None or batches < max_batches:
            now = self.clock.now()
            with self.uow.write() as work:
                deleted = work.sessions.delete_expired(now=now, batch_size=batch_size)
                work.one_time_tokens.delete_expired(now=now, batch_size=batch_size)
                work.refresh_tokens.delete_expired(now=now, batch_size=batch_size)
            total += deleted
            batches += 1
            if deleted < batch_size:
                break
        return total


def _end(work: Work, session_id: str, event: AuthEvent) -> bool:
    """Delete one session, audit it and drop every cached check; False if it was already gone.

    A logout and a revocation differ only in the event they record: both must
    mark the store stale, or another tab or replica would keep trusting the
    session until its cache expired.
    """
    if work.sessions.delete(session_id) is None:
        return False
    work.emit(event)
    work.mark_stale()
    return True


def _lookup(
    repos: Work | Repositories, *, token: str | None = None, session_id: str | None = None
) -> SessionView | None:
    """The session a token (when given) or an id names; None for anything malformed."""
    if token is not None:
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
            return None
        return repos.sessions.find(token_hash=digest(token))
    if not is_session_id(session_id):
        return None
    return repos.sessions.find(session_id=session_id)
