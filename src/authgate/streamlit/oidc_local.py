"""What the gate's provider pages and routes need, over an ``Authgate`` in this process.

Sign-in with an identity provider runs where the database is: with the
embedded (in-process) backend. ``oidc_for(backend)`` answers None for a
remote backend, and the gate then shows no provider buttons (a Streamlit
front end whose API server is elsewhere registers the provider at that
server and uses its API flow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from authgate.config import AuthgateSettings
from authgate.core.oidc.flow import Assertion, Authorization
from authgate.core.oidc.login import oidc_credentials
from authgate.core.ports.identities import LinkedIdentity
from authgate.core.records import Client, LoginResult, SessionContext
from authgate.core.tokens.one_time import TokenPurpose, peek_token
from authgate.errors import InvalidToken
from authgate.oidc_settings import OidcProviderSettings, callback_path
from authgate.streamlit import texts
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.in_process import InProcessBackend

if TYPE_CHECKING:
    from authgate.root import Authgate

__all__ = ["InProcessOidc", "oidc_for"]


@dataclass(frozen=True)
class InProcessOidc:
    """The provider flow, the identity links and the session check, for pages and routes."""

    auth: Authgate

    @property
    def settings(self) -> AuthgateSettings:
        return self.auth.settings

    @property
    def providers(self) -> tuple[OidcProviderSettings, ...]:
        return self.auth.settings.oidc_providers

    @property
    def password_login(self) -> bool:
        return self.auth.settings.password_login

    def label(self, name: str) -> str:
        """The provider's label; a generic one for a name that is not configured (never
        the name itself: it may come from a URL)."""
        found = next((p for p in self.providers if p.name == name), None)
        return found.label if found else texts.OIDC_UNKNOWN_PROVIDER

    def redirect_uri(self, name: str) -> str:
        """The callback URI to register at the provider (shown on the Admin page)."""
        return self.auth.settings.fixed_public_url + callback_path(name)

    def begin(
        self, name: str, *, purpose: str, next_path: str, user_id: int | None
    ) -> Authorization:
        return self.auth.oidc.begin(
            name,
            redirect_uri=self.redirect_uri(name),
            purpose=purpose,
            next_path=next_path,
            user_id=user_id,
        )

    def finish(
        self, name: str, params: dict[str, str], *, binding: str | None, client: Client
    ) -> Assertion:
        return self.auth.oidc.finish(
            name, params, binding=binding, ip=client.ip, user_agent=client.user_agent
        )

    def log_in(
        self, assertion: Assertion, client: Client, visitor: str | None = None
    ) -> LoginResult:
        return self.auth.logins.login(
            "oidc",
            oidc_credentials(assertion),
            ip=client.ip,
            user_agent=client.user_agent,
            visitor=visitor,
        )

    def link(self, assertion: Assertion, user_id: int, client: Client) -> None:
        self.auth.identities.link(assertion, user_id, client=client)

    def session_of(self, token: str) -> SessionContext:
        return self.auth.sessions.validate(token)

    def identities(self, user_id: int) -> list[LinkedIdentity]:
        return self.auth.identities.list_for(user_id)

    def unlink(self, user_id: int, identity_id: int, *, actor_id: int) -> None:
        self.auth.identities.unlink(user_id, identity_id, actor_id=actor_id)

    def mfa_ticket_alive(self, ticket: str) -> bool:
        """Whether the MFA ticket from a provider login can still be used (not spent, not old)."""
        try:
            with self.auth.uow.read() as repos:
                peek_token(
                    repos.one_time_tokens,
                    TokenPurpose.MFA_TICKET,
                    ticket,
                    now=self.auth.clock.now(),
                )
        except InvalidToken:
            return False
        return True

    def link_ticket_provider(self, ticket: str) -> str:
        return self.auth.identities.peek_link_ticket(ticket)

    def complete_link(self, ticket: str, user_id: int) -> str:
        return self.auth.identities.complete_link(ticket, user_id)


def oidc_for(backend: AuthBackend) -> InProcessOidc | None:
    """The provider features of ``backend``, or None when it is remote."""
    if isinstance(backend, InProcessBackend):
        return InProcessOidc(backend.auth)
    return None
