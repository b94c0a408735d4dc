"""``TokenService``: the JWT face of ``AuthService`` (login, refresh, logout, verify).

Every token pair belongs to a server-side session opened by ``AuthService``, so
the API and the Streamlit gate share one notion of "logged in": revoking the
session (logout, password change, disabling the account, an administrator)
kills the refresh family with it (the rows cascade) and makes ``authenticate``
refuse the access tokens at once. Other services that verify tokens with the
public key alone accept them until their short expiry; that is the price of
not calling home on every request.

This class composes ``AuthService`` rather than extending it: it uses the
service's public methods, its transaction helper and its event plumbing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from authgate.core import sessions as session_store
from authgate.core._records import to_user
from authgate.core._session_cache import SessionCache
from authgate.core.errors import (
    InvalidToken,
    NotAuthenticated,
    SessionExpired,
    SessionRevoked,
    TokenReused,
)
from authgate.core.events import AuthEvent, RefreshTokenReused, SessionRevokedEvent
from authgate.core.jwt_keys import KeySet, load_key_set
from authgate.core.jwt_tokens import AccessClaims, AccessTokenIssuer, AccessTokenVerifier
from authgate.core.records import AuthUser, LoginResult, SessionContext
from authgate.core.refresh import (
    RefreshReuse,
    claim_refresh_token,
    delete_expired_refresh_tokens,
    find_refresh_token,
    issue_refresh_token,
    revoke_family,
)
from authgate.core.service import AuthService
from authgate.store.models import User

__all__ = ["TokenContext", "TokenPair", "TokenService"]


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


class TokenService:
    """Issues and checks access/refresh token pairs on top of an ``AuthService``.

    Build one per process next to the service. Raises ConfigurationError in
    the constructor when no signing key is available (production without keys).
    """

    def __init__(self, service: AuthService, *, keys: KeySet | None = None) -> None:
        settings = service.settings
        self.service = service
        self.keys = keys or load_key_set(settings)
        self.refresh_ttl = settings.refresh_token_ttl
        self._sessions = SessionCache(settings.session_revalidate_interval)
        self.issuer = AccessTokenIssuer(
            self.keys.signing,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl=settings.access_token_ttl,
            clock=service.clock,
        )
        self.verifier = AccessTokenVerifier(
            self.keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            clock=service.clock,
        )

    # -- issuing ------------------------------------------------------------

    def login(
        self,
        login: str,
        password: str,
        *,
        remember: bool = True,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> TokenPair:
        """Check the credentials, open a session and start a refresh family for it.

        ``remember`` picks the session lifetime that bounds the family: the
        "remember me" lifetime (default 30 days, so refresh tokens get their
        full 7 days) or the ordinary one (12 hours absolute, 30 minutes idle).
        Raises what ``AuthService.login`` raises.
        """
        result = self.service.login(
            login, password, remember=remember, ip=ip, user_agent=user_agent
        )
        return self.issue_for(result)

    def issue_for(self, result: LoginResult) -> TokenPair:
        """Start a refresh family for a session that was just opened, and sign its first pair.

        For logins that finish elsewhere, such as ``MfaService.complete_login``
        (the second step of an MFA login), so their tokens get the same
        lifetime rules as a password login's.
        """
        now = self.service.clock.now()
        expires_at = min(now + self.refresh_ttl, result.session.absolute_expires_at)
        with self.service._db() as db:
            token, _ = issue_refresh_token(
                db,
                user_id=result.user.id,
                session_id=result.session.id,
                now=now,
                expires_at=expires_at,
            )
        return self._pair(result.user, result.session.id, result.session.mfa, token, expires_at)

    def resume(self, session_token: str) -> tuple[TokenPair, SessionContext]:
        """Trade a live session token for a token pair of that same session.

        The gate's remote mode keeps only the session token, in the browser's
        HttpOnly cookie; a reload hands it to the gate's server, which needs
        tokens to call this API for the user. Validation (sliding the idle
        timeout) and the new refresh family share one transaction, so a session
        revoked in between cannot gain a family. The family is bounded by the
        session, as at login. Raises what ``AuthService.validate_session`` raises.
        """
        now = self.service.clock.now()
        with self.service._db() as db:
            row = session_store.find_by_token(db, session_token)
            context = self.service._check_session(db, row, touch=True)
            session = context.session
            expires_at = min(now + self.refresh_ttl, session.absolute_expires_at)
            token, _ = issue_refresh_token(
                db, user_id=context.user.id, session_id=session.id, now=now, expires_at=expires_at
            )
        pair = self._pair(context.user, session.id, session.mfa, token, expires_at)
        return pair, context

    def refresh(self, refresh_token: object) -> TokenPair:
        """Trade a refresh token for a new pair; the presented token is used up.

        Raises InvalidToken (unknown, revoked), TokenExpired, SessionExpired or
        SessionRevoked; and TokenReused when the token had already been used,
        after revoking its family and its session and recording the event.
        """
        now = self.service.clock.now()
        reuse: RefreshReuse | None = None
        events: list[AuthEvent] = []
        with self.service._db() as db:
            claimed = claim_refresh_token(db, refresh_token, now=now)
            if isinstance(claimed, RefreshReuse):
                reuse = claimed
                events = self._revoke_reused(db, claimed, now=now)
            else:
                row = session_store.find_by_id(db, claimed.session_id)
                if row is None:
                    raise InvalidToken("The refresh token is not valid.")
                if session_store.is_expired(row, now):
                    raise SessionExpired()
                user_row = db.get(User, row.user_id)
                if user_row is None or not user_row.is_active:
                    raise SessionRevoked()
                session_store.touch(row, now=now, policy=self.service.session_policy)
                expires_at = min(now + self.refresh_ttl, row.absolute_expires_at)
                token, _ = issue_refresh_token(
                    db,
                    user_id=row.user_id,
                    session_id=row.id,
                    now=now,
                    expires_at=expires_at,
                    family_id=claimed.family_id,
                )
                user, session_id, mfa = to_user(user_row), row.id, row.mfa
        if reuse is not None:
            self.service._bump()
            self.service._after_commit(events)
            raise TokenReused("This refresh token was already used; its session has been ended.")
        return self._pair(user, session_id, mfa, token, expires_at)

    def _revoke_reused(
        self, db: DbSession, reuse: RefreshReuse, *, now: datetime
    ) -> list[AuthEvent]:
        revoke_family(db, reuse.family_id, now=now)
        owner = db.get(User, reuse.user_id)
        username = owner.username if owner is not None else None
        events: list[AuthEvent] = [
            RefreshTokenReused(
                user_id=reuse.user_id,
                username=username,
                family_id=reuse.family_id,
                session_id=reuse.session_id,
            )
        ]
        row = session_store.find_by_id(db, reuse.session_id)
        if row is not None:
            db.delete(row)
            events.append(
                SessionRevokedEvent(
                    user_id=reuse.user_id,
                    username=username,
                    session_id=reuse.session_id,
                    reason="refresh_token_reused",
                )
            )
        for event in events:
            self.service._emit(db, event)
        return events

    def _pair(
        self,
        user: AuthUser,
        session_id: str,
        mfa: bool,
        refresh_token: str,
        refresh_expires_at: datetime,
    ) -> TokenPair:
        issued = self.issuer.issue(
            user_id=user.id,
            username=user.username,
            roles=user.roles,
            session_id=session_id,
            amr=("pwd", "otp", "mfa") if mfa else ("pwd",),
        )
        return TokenPair(
            access_token=issued.token,
            refresh_token=refresh_token,
            claims=issued.claims,
            refresh_expires_at=refresh_expires_at,
            user=user,
        )

    # -- ending -------------------------------------------------------------

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
            with self.service._db() as db:
                row = find_refresh_token(db, refresh_token)
                if row is not None:
                    revoke_family(db, row.family_id, now=self.service.clock.now())
                    session_id = row.session_id
        if not session_id:
            return False
        return self.service.logout(session_id=session_id, ip=ip, user_agent=user_agent)

    def cleanup(self, *, batch_size: int = 1000) -> int:
        """Delete refresh-token links past their expiry; return how many went."""
        total = 0
        while True:
            with self.service._db() as db:
                deleted = delete_expired_refresh_tokens(
                    db, now=self.service.clock.now(), batch_size=batch_size
                )
            total += deleted
            if deleted < batch_size:
                return total

    # -- checking -------------------------------------------------------------

    def verify(self, access_token: object) -> AccessClaims:
        """Stateless check (signature, claims, expiry), as another service would do it."""
        return self.verifier.verify(access_token)

    def authenticate(self, access_token: object) -> TokenContext:
        """Verify an access token and check that its session is still alive.

        Raises InvalidToken/TokenExpired for the token itself and
        NotAuthenticated, SessionExpired or SessionRevoked when its session
        was ended (logout, password change, disabled account). A revocation
        by another process is seen within ``session_revalidate_interval``.
        """
        claims = self.verifier.verify(access_token)
        return self.cached_context(claims) or self.check_session(claims)

    def cached_context(self, claims: AccessClaims) -> TokenContext | None:
        """The session check from the read cache, or None; never touches the store."""
        cached = self._sessions.get(
            claims.sid, now=self.service.clock.now(), version=self.service.state_version
        )
        if cached is None or cached.user.id != claims.user_id:
            return None
        return TokenContext(claims=claims, user=cached.user, session=cached)

    def check_session(self, claims: AccessClaims) -> TokenContext:
        """The session check against the store (fills the read cache)."""
        version = self.service.state_version
        context = self.service.validate_session_id(claims.sid, touch=False)
        if context.user.id != claims.user_id:
            raise NotAuthenticated()
        self._sessions.put(context, now=self.service.clock.now(), version=version)
        return TokenContext(claims=claims, user=context.user, session=context)

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return self.keys.jwks()
