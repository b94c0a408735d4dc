"""What the gate needs from an authentication server, and the in-process one.

The gate never touches ``AuthService`` directly: it talks to an
``AuthBackend``. The embedded default, ``InProcessBackend``, calls the service
in this process. A remote implementation (HTTP to an authgate API server
elsewhere) satisfies the same protocol, so the gate, its pages and the cookie
routes run unchanged in the "Streamlit front end, API back end" deployment.

Rules every implementation keeps:

- Failures a user can cause raise the exceptions of ``authgate.core.errors``
  with messages safe to show; an unreachable server raises ``StoreUnavailable``.
- Nothing returned holds a secret except the token from
  ``redeem_cookie_ticket`` (which goes straight into the HttpOnly cookie).
- Records are the frozen dataclasses of ``authgate.core.records``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from authgate.core.records import AuthUser, SessionContext, SessionRecord, StrengthEstimate

if TYPE_CHECKING:
    from authgate.core.service import AuthService

__all__ = ["AuthBackend", "InProcessBackend"]


@runtime_checkable
class AuthBackend(Protocol):
    """The gate's view of authgate: login, sessions, cookie tickets, the account page."""

    @property
    def allow_registration(self) -> bool:
        """Whether anonymous visitors may create accounts (shows the Register page)."""
        ...

    @property
    def state_version(self) -> int:
        """A counter that grows whenever a session is revoked or a user changes.

        The gate drops its per-tab cached validation when this moves, so a
        logout in one tab is seen by the others of this process at their next
        rerun. A backend that cannot know (a remote one) returns a constant and
        the gate falls back to its revalidation interval.
        """
        ...

    def now(self) -> datetime:
        """The backend's current time (timezone-aware), for cached expiry checks."""
        ...

    def login(
        self,
        login: str,
        password: str,
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> SessionContext:
        """Check credentials and open a new session (always a new id: no fixation)."""
        ...

    def register(
        self,
        username: str,
        password: str,
        *,
        email: str | None = None,
        display_name: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> AuthUser:
        """Create an account through self-registration (default roles only)."""
        ...

    def validate_session(self, token: str) -> SessionContext:
        """Resolve the cookie's token; NotAuthenticated, SessionExpired or SessionRevoked."""
        ...

    def validate_session_id(self, session_id: str) -> SessionContext:
        """Revalidate the session a tab already knows by id, sliding its idle timeout."""
        ...

    def logout(self, session_id: str) -> bool:
        """End one session; False if it was already gone."""
        ...

    def issue_cookie_ticket(self, session_id: str) -> str:
        """A single-use, short-lived ticket the browser trades for the session cookie."""
        ...

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        """Consume a ticket; return the (rotated) session token for the cookie."""
        ...

    def list_sessions(self, user_id: int) -> list[SessionRecord]:
        """The user's live sessions, newest activity first."""
        ...

    def revoke_other_sessions(self, user_id: int, keep_session_id: str) -> int:
        """End every session of the user except ``keep_session_id``; return how many."""
        ...

    def change_password(
        self, user_id: int, current_password: str, new_password: str, *, keep_session_id: str
    ) -> int:
        """Change one's own password; every other session ends. Return how many ended."""
        ...

    def update_profile(self, user_id: int, *, display_name: str, email: str | None) -> AuthUser:
        """Change the display name and email (``None`` removes the email)."""
        ...

    def password_strength(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> StrengthEstimate:
        """A strength estimate for the live hint on Register and Account."""
        ...

    def list_users(self, *, limit: int = 100) -> list[AuthUser]:
        """Accounts for the admin page (callers check the admin role first)."""
        ...


class InProcessBackend:
    """``AuthBackend`` over an ``AuthService`` in this process (the embedded default)."""

    def __init__(self, service: AuthService) -> None:
        self.service = service

    @property
    def allow_registration(self) -> bool:
        return self.service.settings.allow_registration

    @property
    def state_version(self) -> int:
        return self.service.state_version

    def now(self) -> datetime:
        value = self.service.clock.now()
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    def login(
        self,
        login: str,
        password: str,
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> SessionContext:
        result = self.service.login(
            login, password, remember=remember, ip=ip, user_agent=user_agent
        )
        return SessionContext(user=result.user, session=result.session)

    def register(
        self,
        username: str,
        password: str,
        *,
        email: str | None = None,
        display_name: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> AuthUser:
        return self.service.register(
            username, password, email=email, display_name=display_name, ip=ip, user_agent=user_agent
        )

    def validate_session(self, token: str) -> SessionContext:
        return self.service.validate_session(token)

    def validate_session_id(self, session_id: str) -> SessionContext:
        return self.service.validate_session_id(session_id)

    def logout(self, session_id: str) -> bool:
        return self.service.logout(session_id=session_id)

    def issue_cookie_ticket(self, session_id: str) -> str:
        return self.service.issue_cookie_ticket(session_id)

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        return self.service.redeem_cookie_ticket(ticket)

    def list_sessions(self, user_id: int) -> list[SessionRecord]:
        return self.service.list_sessions(user_id)

    def revoke_other_sessions(self, user_id: int, keep_session_id: str) -> int:
        return self.service.revoke_user_sessions(
            user_id, keep_session_id=keep_session_id, actor_id=user_id, reason="user_request"
        )

    def change_password(
        self, user_id: int, current_password: str, new_password: str, *, keep_session_id: str
    ) -> int:
        return self.service.change_password(
            user_id, current_password, new_password, keep_session_id=keep_session_id
        )

    def update_profile(self, user_id: int, *, display_name: str, email: str | None) -> AuthUser:
        return self.service.update_profile(
            user_id, display_name=display_name, email=email, actor_id=user_id
        )

    def password_strength(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> StrengthEstimate:
        return self.service.password_strength(password, username=username, email=email)

    def list_users(self, *, limit: int = 100) -> list[AuthUser]:
        return self.service.list_users(limit=limit)
