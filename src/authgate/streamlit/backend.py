"""What the gate needs from an authentication server: ``AuthBackend`` and its records.

The gate never touches core services directly: it talks to an
``AuthBackend``. The embedded default, ``InProcessBackend``
(``authgate.streamlit.in_process``), calls the services of the composition
root (``authgate.root.Authgate``) in this process. ``RemoteBackend`` (HTTP to
an authgate API server elsewhere) satisfies the same protocol, so the gate,
its pages and the cookie routes run unchanged in the "Streamlit front end,
API back end" deployment.

Rules every implementation keeps:

- Failures a user can cause raise the exceptions of ``authgate.errors``
  with messages safe to show; an unreachable server raises ``StoreUnavailable``.
- Nothing returned holds a secret except the token from
  ``redeem_cookie_ticket`` (which goes straight into the HttpOnly cookie).
- Records are the frozen dataclasses of ``authgate.core.records``, and for the
  Admin page those of ``authgate.streamlit.admin_records``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypedDict, Unpack, runtime_checkable

from authgate.core.login.options import LoginOptions, RequestMeta, VisitorOption
from authgate.core.mfa.service import MfaStatus
from authgate.core.mfa.totp import MfaEnrollment
from authgate.core.ports.visitors import VisitorRecord
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)
from authgate.core.recovery.password_reset import PasswordResetInfo
from authgate.core.visitors import VisitorPass
from authgate.streamlit.admin_records import AdminSession, AdminUser, AuditQuery

__all__ = [
    "AuthBackend",
    "LoginOptions",
    "NewAccount",
    "RegisterDetails",
    "RequestMeta",
    "VisitorOption",
]


class RegisterDetails(RequestMeta, total=False):
    """The keyword arguments of ``register``; the optional profile fields default to None."""

    email: str | None
    display_name: str | None


class NewAccount(TypedDict):
    """The keyword arguments of ``admin_create_user`` (every one required)."""

    email: str | None
    display_name: str | None
    roles: Sequence[str]
    actor_id: int


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

    def login(self, login: str, password: str, **options: Unpack[LoginOptions]) -> SessionContext:
        """Check credentials and open a new session (always a new id: no fixation)."""
        ...

    def register(
        self, username: str, password: str, **details: Unpack[RegisterDetails]
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

    def mfa_enrollment_required(self, user: AuthUser) -> bool:
        """Whether the server's policy holds this user on MFA enrolment (a role requires it).

        The server decides; the gate only asks, so the gate and the API cannot
        disagree about who must enrol.
        """
        ...

    # -- two-factor authentication ----------------------------------------------

    def complete_mfa_login(
        self, ticket: str, code: str, **meta: Unpack[VisitorOption]
    ) -> SessionContext:
        """Second login step: the ticket from ``MfaRequired`` plus a TOTP or recovery code."""
        ...

    # -- anonymous visitors -------------------------------------------------------

    def start_visitor(self, **meta: Unpack[RequestMeta]) -> VisitorPass:
        """Start an anonymous visitor (TooManyVisitors past the client's rate limit)."""
        ...

    def resolve_visitor(self, token: str) -> VisitorRecord | None:
        """The live visitor the visitor cookie's token names, or None."""
        ...

    def issue_visitor_ticket(self, token: str) -> str:
        """A single-use ticket the browser trades for the HttpOnly visitor cookie."""
        ...

    def redeem_visitor_ticket(self, ticket: str) -> VisitorPass:
        """Spend a visitor ticket: the visitor and its token for the cookie."""
        ...

    def mfa_status(self, user_id: int) -> MfaStatus:
        """Whether MFA is on, and how many recovery codes are left."""
        ...

    def begin_mfa_enrollment(self, user_id: int) -> MfaEnrollment:
        """A new pending secret with its QR code (MFA stays off until confirmed)."""
        ...

    def confirm_mfa_enrollment(self, user_id: int, code: str) -> list[str]:
        """Switch MFA on with a first code; return the ten recovery codes (shown once)."""
        ...

    def regenerate_recovery_codes(self, user_id: int, code: str) -> list[str]:
        """Replace the recovery codes after a current code."""
        ...

    def disable_mfa(self, user_id: int, password: str, code: str) -> None:
        """Turn MFA off; needs the password and a current code."""
        ...

    # -- account recovery -----------------------------------------------------------

    @property
    def recovery_mail_enabled(self) -> bool:
        """Whether "forgot password" can send mail (else recovery is by an administrator)."""
        ...

    def request_password_reset(self, login: str, **meta: Unpack[RequestMeta]) -> None:
        """Mail a reset link if ``login`` names an account; the same answer either way."""
        ...

    def request_username_reminder(self, email: str, **meta: Unpack[RequestMeta]) -> None:
        """Mail the username registered with ``email``, if any; the same answer either way."""
        ...

    def admin_create_user(
        self, username: str, password: str, **account: Unpack[NewAccount]
    ) -> AuthUser:
        """Create an account with a temporary password (changed at first login)."""
        ...

    def verify_email(self, token: str) -> str:
        """Redeem an emailed verification link (single use, 24 h); return the username."""
        ...

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        """Check a reset link without spending it."""
        ...

    def reset_password(self, token: str, new_password: str, *, code: str | None = None) -> None:
        """Set a new password from a reset link (a code too when MFA is on)."""
        ...

    # -- administration (callers check the admin role; every change names the admin) ----

    def admin_list_users(self, *, search: str | None = None, limit: int = 500) -> list[AdminUser]:
        """Accounts with their lockout state."""
        ...

    def admin_set_roles(self, user_id: int, roles: Sequence[str], *, actor_id: int) -> AuthUser:
        """Replace the user's roles with ``roles``."""
        ...

    def admin_set_active(self, user_id: int, active: bool, *, actor_id: int) -> AuthUser:
        """Disable (ending every session) or enable an account."""
        ...

    def admin_unlock(self, user_id: int, *, actor_id: int) -> None:
        """Clear the account's lockout."""
        ...

    def admin_reset_mfa(self, user_id: int, *, actor_id: int) -> None:
        """Remove the user's second factor and recovery codes."""
        ...

    def admin_set_password(self, user_id: int, password: str, *, actor_id: int) -> int:
        """Set a temporary password (to change at next login); return sessions ended."""
        ...

    def admin_delete_user(self, user_id: int, *, actor_id: int) -> None:
        """Delete the account with its sessions and tokens (its audit history stays)."""
        ...

    def admin_list_sessions(self, *, limit: int = 500) -> list[AdminSession]:
        """Every live session, most recently seen first."""
        ...

    def admin_revoke_session(self, session_id: str, *, actor_id: int) -> bool:
        """End one session; False if it was already gone."""
        ...

    def admin_revoke_user_sessions(self, user_id: int, *, actor_id: int) -> int:
        """End every session of a user; return how many."""
        ...

    def admin_audit(self, query: AuditQuery) -> list[AuditRecord]:
        """Audit events matching ``query``, newest first."""
        ...
