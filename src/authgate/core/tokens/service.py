"""``TokenService``: the JWT token strategy (access token + refresh family) over a session.

Every token pair belongs to a server-side session, so the API and the
Streamlit gate share one notion of "logged in": revoking the session (logout,
password change, disabling the account, an administrator) kills the refresh
family with it and makes ``authenticate`` refuse the access tokens at once.
Other services that verify tokens with the public key alone accept them until
their short expiry; that is the price of not calling home on every request.

As a ``TokenStrategy`` this service is handed the session a login just opened,
inside the login's own transaction, and adds the first refresh link to it: a
login is one write, and the session token it made is never thrown away by a
second login path. Checking credentials is ``Logins``' job; validity of the
session is ``SessionService``'s (``live_in``), so no rule is restated here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from authgate.core.clock import Clock
from authgate.core.events import RefreshTokenReused
from authgate.core.login.flow import Logins, password_credentials, second_factor_credentials
from authgate.core.records import AuthUser, LoginResult, SessionContext, SessionRecord
from authgate.core.sessions.cache import SessionCache
from authgate.core.sessions.service import SessionService
from authgate.core.tokens.jwt_keys import KeySet
from authgate.core.tokens.jwt_tokens import AccessClaims, AccessTokenIssuer, AccessTokenVerifier
from authgate.core.tokens.refresh import (
    RefreshReuse,
    claim_refresh_token,
    find_refresh_token,
    issue_refresh_token,
)
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import (
    InvalidToken,
    NotAuthenticated,
    SessionExpired,
    SessionRevoked,
    TokenReused,
)

__all__ = ["TokenContext", "TokenPair", "TokenService"]

_INVALID_REFRESH = "The refresh token is not valid."
_REUSED = "This refresh token was already used; its session has been ended."
_REUSE_REASON = "refresh_token_reused"


@dataclass(frozen=True)
class TokenPair:
    """An access token, the refresh token that replaces it, and who they are for."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    claims: AccessClaims
    refresh_expires_at: datetime
    user: AuthUser

    @property
    def expires_at(self) -> datetime:
        return self.claims.exp


@dataclass(frozen=True)
class TokenContext:
    """A verified access token whose session is still alive, with the current user."""

    claims: AccessClaims
    user: AuthUser
    session: SessionContext


@dataclass(frozen=True)
class _ForClient:
    """The JWT strategy for a login an OAuth 2.0 client asked for: its access tokens name it."""

    tokens: TokenService
    client_id: str | None

    def issue(self, work: Work, opened: LoginResult) -> TokenPair:
        return self.tokens.issue(work, opened, client_id=self.client_id)


@dataclass(frozen=True)
class _NewLink:
    """A refresh link just written, before its pair is signed (outside the transaction)."""

    token: str = field(repr=False)
    expires_at: datetime


class TokenService:
    """Issues and checks access/refresh token pairs for server-side sessions.

    Build one per process through the composition root; ``keys`` come from
    ``load_key_set(settings)``, which raises ConfigurationError when no
    signing key is available (production without keys).
    """

    def __init__(
        self,
        *,
        uow: UnitOfWork,
        sessions: SessionService,
        logins: Logins,
        keys: KeySet,
        clock: Clock,
        issuer: str,
        audience: str,
        access_ttl: timedelta,
        refresh_ttl: timedelta,
        revalidate_interval: timedelta,
        memo_size: int = 16_384,
    ) -> None:
        self.uow = uow
        self.sessions = sessions
        self.logins = logins
        self.keys = keys
        self.clock = clock
        self.refresh_ttl = refresh_ttl
        self.issuer = issuer
        self.audience = audience
        self.access_tokens = AccessTokenIssuer(
            keys.signing, issuer=issuer, audience=audience, ttl=access_ttl, clock=clock
        )
        # One size for both read caches: a client's token and its session are
        # remembered together, so neither evicts what the other still holds.
        self.verifier = AccessTokenVerifier(
            keys, issuer=issuer, audience=audience, clock=clock, memo_size=memo_size
        )
        self._cache = SessionCache(revalidate_interval, max_entries=memo_size or 10_000)

    @property
    def state_version(self) -> int:
        """Moves when a committed change may have ended a session (drops cached checks)."""
        return self.uow.state_version

    # -- issuing ------------------------------------------------------------------

    def issue(self, work: Work, opened: LoginResult, *, client_id: str | None = None) -> TokenPair:
        """Start a refresh family for a session just opened in ``work``; sign its first pair.

        The strategy hook of ``Logins``: the link joins the login's
        transaction, so a login that fails after this point leaves neither a
        session nor a family behind.
        """
        link = self._add_link(work, opened.user.id, opened.session)
        return self._pair(opened.user, opened.session, link, client_id=client_id)

    def login(
        self,
        login: str,
        password: str,
        *,
        remember: bool = True,
        ip: str | None = None,
        user_agent: str | None = None,
        client_id: str | None = None,
        visitor: str | None = None,
    ) -> TokenPair:
        """Check the password, open a session and start a refresh family for it.

        ``remember`` picks the session lifetime that bounds the family: the
        "remember me" lifetime (default 30 days, so refresh tokens get their
        full 7 days) or the ordinary one (12 hours absolute, 30 minutes idle).
        ``client_id`` names the OAuth 2.0 client that asked, in the access
        token. Raises what ``Logins.password`` raises (MfaRequired with its
        ticket when a second factor must follow).
        """
        credentials = password_credentials(login, password)
        strategy = _ForClient(self, client_id)
        return self.logins.login_with(
            strategy,
            "password",
            credentials,
            remember=remember,
            ip=ip,
            user_agent=user_agent,
            visitor=visitor,
        )

    def complete_mfa_login(
        self,
        ticket: str,
        code: str,
        *,
        ip: str | None = None,
        user_agent: str | None = None,
        visitor: str | None = None,
    ) -> TokenPair:
        """The second step of an MFA login: ticket and code give a token pair.

        The pair gets the same lifetime rules as a password login's, and its
        access token's ``amr`` says ``otp``. Raises what
        ``Logins.second_factor`` raises.
        """
        credentials = second_factor_credentials(ticket, code)
        return self.logins.login_with(
            self, "second_factor", credentials, ip=ip, user_agent=user_agent, visitor=visitor
        )

    def resume(self, session_token: str) -> tuple[TokenPair, SessionContext]:
        """Trade a live session token for a token pair of that same session.

        The gate's remote mode keeps only the session token, in the browser's
        HttpOnly cookie; a reload hands it to the gate's server, which needs
        tokens to call this API for the user. Validation (sliding the idle
        timeout) and the new refresh family share one transaction, so a session
        revoked in between cannot gain a family. The family is bounded by the
        session, as at login. Raises NotAuthenticated, SessionExpired or
        SessionRevoked.
        """
        with self.uow.write() as work:
            context = self.sessions.live_in(work, token=session_token, touch=True)
            link = self._add_link(work, context.user.id, context.session)
        return self._pair(context.user, context.session, link), context

    def refresh(self, refresh_token: object, *, client_id: str | None = None) -> TokenPair:
        """Trade a refresh token for a new pair; the presented token is used up.

        ``client_id`` names the OAuth 2.0 client that asked, in the new access
        token. Raises InvalidToken (unknown, revoked, or its session gone),
        TokenExpired, SessionExpired or SessionRevoked; and TokenReused when
        the token had already been used, after revoking its family and its
        session and committing the record of it.
        """
        now = self.clock.now()
        with self.uow.write() as work:
            claimed = claim_refresh_token(work.refresh_tokens, refresh_token, now=now)
            if isinstance(claimed, RefreshReuse):
                self._revoke_reused(work, claimed, now=now)
            else:
                context = self._live_session(work, claimed.session_id)
                link = self._add_link(
                    work, context.user.id, context.session, family_id=claimed.family_id, now=now
                )
        if isinstance(claimed, RefreshReuse):  # answered only once the revocation is committed
            raise TokenReused(_REUSED)
        return self._pair(context.user, context.session, link, client_id=client_id)

    def _live_session(self, work: Work, session_id: str) -> SessionContext:
        """The link's session, alive; a session that is gone makes the token itself invalid."""
        try:
            return self.sessions.live_in(work, session_id=session_id, touch=True)
        except (SessionExpired, SessionRevoked):
            raise
        except NotAuthenticated:
            raise InvalidToken(_INVALID_REFRESH) from None

    def _revoke_reused(self, work: Work, reuse: RefreshReuse, *, now: datetime) -> None:
        """Two parties hold one family (RFC 9700, 4.14.2): end the family and its session."""
        work.refresh_tokens.revoke_family(reuse.family_id, now=now)
        owner = work.users.get(reuse.user_id)
        username = owner.username if owner is not None else None
        work.emit(
            RefreshTokenReused(
                user_id=reuse.user_id,
                username=username,
                family_id=reuse.family_id,
                session_id=reuse.session_id,
            )
        )
        self.sessions.end_in(
            work, reuse.session_id, user_id=reuse.user_id, username=username, reason=_REUSE_REASON
        )
        work.mark_stale()  # even when the session was already gone: cached checks must go too

    def _add_link(
        self,
        work: Work,
        user_id: int,
        session: SessionRecord,
        *,
        family_id: str | None = None,
        now: datetime | None = None,
    ) -> _NewLink:
        """Write one refresh link; its family never outlives the session it belongs to."""
        if now is None:
            now = self.clock.now()
        expires_at = min(now + self.refresh_ttl, session.absolute_expires_at)
        token = issue_refresh_token(
            work.refresh_tokens,
            user_id=user_id,
            session_id=session.id,
            now=now,
            expires_at=expires_at,
            family_id=family_id,
        )
        return _NewLink(token, expires_at)

    def _pair(
        self,
        user: AuthUser,
        session: SessionRecord,
        link: _NewLink,
        *,
        client_id: str | None = None,
    ) -> TokenPair:
        issued = self.access_tokens.issue(
            user_id=user.id,
            username=user.username,
            roles=user.roles,
            session_id=session.id,
            amr=("pwd", "otp", "mfa") if session.mfa else ("pwd",),
            client_id=client_id,
        )
        return TokenPair(
            access_token=issued.token,
            refresh_token=link.token,
            claims=issued.claims,
            refresh_expires_at=link.expires_at,
            user=user,
        )

    # -- ending -------------------------------------------------------------------

    def logout(
        self,
        *,
        refresh_token: object = None,
        session_id: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> bool:
        """End the session behind a refresh token or a session id, and with it the family.

        Returns False when there was nothing to end (already logged out, or an
        unknown token): logging out twice is not an error.
        """
        if refresh_token is not None:
            with self.uow.write() as work:
                link = find_refresh_token(work.refresh_tokens, refresh_token)
                if link is not None:
                    work.refresh_tokens.revoke_family(link.family_id, now=self.clock.now())
                    session_id = link.session_id
        if not session_id:
            return False
        return self.sessions.logout(session_id=session_id, ip=ip, user_agent=user_agent)

    def cleanup(self, *, batch_size: int = 1000) -> int:
        """Delete refresh-token links past their expiry; return how many went."""
        total = 0
        while True:
            with self.uow.write() as work:
                deleted = work.refresh_tokens.delete_expired(
                    now=self.clock.now(), batch_size=batch_size
                )
            total += deleted
            if deleted < batch_size:
                return total

    # -- checking -----------------------------------------------------------------

    def verify(self, access_token: object) -> AccessClaims:
        """Stateless check (signature, claims, expiry), as another service would do it."""
        return self.verifier.verify(access_token)

    def authenticate(self, access_token: object) -> TokenContext:
        """Verify an access token and check that its session is still alive.

        Raises InvalidToken/TokenExpired for the token itself and
        NotAuthenticated, SessionExpired or SessionRevoked when its session
        was ended (logout, password change, disabled account). A revocation
        by another process is seen when the invalidation channel moves the
        state version, and at the latest after ``revalidate_interval``.
        """
        claims = self.verifier.verify(access_token)
        return self.cached_context(claims) or self.check_session(claims)

    def cached_context(self, claims: AccessClaims) -> TokenContext | None:
        """The session check from the read cache, or None; never touches the store."""
        cached = self._cache.get(claims.sid, now=self.clock.now(), version=self.state_version)
        if cached is None or cached.user.id != claims.user_id:
            return None
        return TokenContext(claims=claims, user=cached.user, session=cached)

    def check_session(self, claims: AccessClaims) -> TokenContext:
        """The session check against the store (fills the read cache)."""
        version = self.state_version
        context = self.sessions.validate_id(claims.sid, touch=False)
        if context.user.id != claims.user_id:
            raise NotAuthenticated()
        self._cache.put(context, now=self.clock.now(), version=version)
        return TokenContext(claims=claims, user=context.user, session=context)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public keys (current first) for ``/.well-known/jwks.json``."""
        return self.keys.jwks()
