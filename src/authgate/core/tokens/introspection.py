"""What a client may ask about a token it holds: is it active (RFC 7662), and end it (RFC 7009).

Both questions take either kind of token, access or refresh, and need no
hint of which it is: an access token is tried first, since a refresh token
fails as a JWT at once, while the other order would cost a store lookup for
every access token. "Active" is the rule the rest of authgate applies, not a
second one: an access token that verifies and whose session is alive
(``TokenService.authenticate``); a refresh token that could be used now
(``usable_refresh_link``) and whose session is alive. Revoking ends the
session behind the token, and with it the refresh family and every access
token of that session, as logging out does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from authgate.core.clock import Clock
from authgate.core.records import AuthUser
from authgate.core.sessions.service import SessionService
from authgate.core.tokens.refresh import usable_refresh_link
from authgate.core.tokens.service import TokenService
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidToken, NotAuthenticated

__all__ = ["TokenIntrospection", "TokenKind", "TokenStatus"]

TokenKind = Literal["access_token", "refresh_token"]


@dataclass(frozen=True)
class TokenStatus:
    """An active token: which kind, whose, issued and expiring when, for which client if known.

    ``client_id`` is known for access tokens an OAuth 2.0 client asked for;
    refresh tokens are not bound to a client (the refresh token is the
    credential of a public client), so theirs is None.
    """

    kind: TokenKind
    user: AuthUser
    session_id: str
    issued_at: datetime
    expires_at: datetime
    client_id: str | None = None


@dataclass(kw_only=True, eq=False)
class TokenIntrospection:
    """Introspection and revocation of the tokens ``tokens`` issued."""

    tokens: TokenService
    sessions: SessionService
    uow: UnitOfWork
    clock: Clock

    def introspect(self, token: object) -> TokenStatus | None:
        """The token's status while it is active; None for every other token.

        Unknown, malformed, expired, used, revoked and logged-out tokens all
        answer None alike, so the answer tells nothing about which it was.
        Raises only StoreUnavailable.
        """
        return self._access_status(token) or self._refresh_status(token)

    def revoke(
        self, token: object, *, ip: str | None = None, user_agent: str | None = None
    ) -> bool:
        """End the session behind ``token``; False when it named none.

        An access token that still verifies ends its session; a refresh
        token in any state ends its family and session (as
        ``TokenService.logout`` does). RFC 7009 answers an unknown token like
        a revoked one, so the caller need not look at the result.
        """
        if self._end_access_session(token, ip=ip, user_agent=user_agent):
            return True
        return self.tokens.logout(refresh_token=token, ip=ip, user_agent=user_agent)

    def _access_status(self, token: object) -> TokenStatus | None:
        try:
            context = self.tokens.authenticate(token)
        except (InvalidToken, NotAuthenticated):
            return None
        claims = context.claims
        return TokenStatus(
            "access_token", context.user, claims.sid, claims.iat, claims.exp, claims.client_id
        )

    def _refresh_status(self, token: object) -> TokenStatus | None:
        with self.uow.read() as repos:
            link = usable_refresh_link(repos.refresh_tokens, token, now=self.clock.now())
        if link is None:
            return None
        try:
            context = self.sessions.validate_id(link.session_id, touch=False)
        except NotAuthenticated:
            return None
        if context.user.id != link.user_id:
            return None
        return TokenStatus(
            "refresh_token", context.user, link.session_id, link.created_at, link.expires_at
        )

    def _end_access_session(self, token: object, *, ip: str | None, user_agent: str | None) -> bool:
        try:
            claims = self.tokens.verify(token)
        except InvalidToken:
            return False
        return self.tokens.logout(session_id=claims.sid, ip=ip, user_agent=user_agent)
