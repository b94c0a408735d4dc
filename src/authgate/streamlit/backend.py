"""What the gate needs from an authentication server, and the in-process one.

The gate never touches core services directly: it talks to an
``AuthBackend``. The embedded default, ``InProcessBackend``, calls the
services of the composition root (``authgate.root.Authgate``) in this
process. A remote implementation (HTTP to an authgate API server elsewhere)
satisfies the same protocol, so the gate, its pages and the cookie
routes run unchanged in the "Streamlit front end, API back end" deployment.

Rules every implementation keeps:

- Failures a user can cause raise the exceptions of ``authgate.errors``
  with messages safe to show; an unreachable server raises ``StoreUnavailable``.
- Nothing returned holds a secret except the token from
  ``redeem_cookie_ticket`` (which goes straight into the HttpOnly cookie).
- Records are the frozen dataclasses of ``authgate.core.records``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from authgate.core.mfa.service import MfaStatus
from authgate.core.mfa.totp import MfaEnrollment
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)
from authgate.core.recovery.password_reset import PasswordResetInfo

if TYPE_CHECKING:
    from authgate.root import Authgate

__all__ = ["AdminSession", "AdminUser", "AuditQuery", "AuthBackend", "InProcessBackend"]


@dataclass(frozen=True)
class AdminUser:
    """A row of the admin users table: the account and its lockout state."""

    user: AuthUser
    failed_attempts: int
    locked_until: datetime | None


@dataclass(frozen=True)
class AdminSession:
    """A live session with its owner's name, for the admin sessions table."""

    session: SessionRecord
    username: str


@dataclass(frozen=True)
class AuditQuery:
    """Filters of the admin audit view (all optional); ``until`` is exclusive."""

    user_id: int | None = None
    event_type: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 1000


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

    def mfa_enrollment_required(self, user: AuthUser) -> bool:
        """Whether the server's policy holds this user on MFA enrolment (a role requires it).

        The server decides; the gate only asks, so the gate and the API cannot
        disagree about who must enrol.
        """
        ...

    # -- two-factor authentication ----------------------------------------------

    def complete_mfa_login(
        self, ticket: str, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> SessionContext:
        """Second login step: the ticket from ``MfaRequired`` plus a TOTP or recovery code."""
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

    def request_password_reset(
        self, login: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Mail a reset link if ``login`` names an account; the same answer either way."""
        ...

    def request_username_reminder(
        self, email: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        """Mail the username registered with ``email``, if any; the same answer either way."""
        ...

    def admin_create_user(
        self,
        username: str,
        password: str,
        *,
        email: str | None,
        display_name: str | None,
        roles: Sequence[str],
        actor_id: int,
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


class InProcessBackend:
    """``AuthBackend`` over the services of an ``Authgate`` in this process (the default)."""

    def __init__(self, auth: Authgate) -> None:
        self.auth = auth

    @property
    def allow_registration(self) -> bool:
        return self.auth.settings.allow_registration

    @property
    def state_version(self) -> int:
        return self.auth.state_version

    def now(self) -> datetime:
        value = self.auth.clock.now()
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
        result = self.auth.logins.password(
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
        return self.auth.accounts.register(
            username, password, email=email, display_name=display_name, ip=ip, user_agent=user_agent
        )

    def verify_email(self, token: str) -> str:
        return self.auth.verification.verify_email(token).username

    def validate_session(self, token: str) -> SessionContext:
        return self.auth.sessions.validate(token)

    def validate_session_id(self, session_id: str) -> SessionContext:
        return self.auth.sessions.validate_id(session_id)

    def logout(self, session_id: str) -> bool:
        return self.auth.sessions.logout(session_id=session_id)

    def issue_cookie_ticket(self, session_id: str) -> str:
        return self.auth.sessions.issue_cookie_ticket(session_id)

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        return self.auth.sessions.redeem_cookie_ticket(ticket)

    def list_sessions(self, user_id: int) -> list[SessionRecord]:
        return self.auth.sessions.list_for(user_id)

    def revoke_other_sessions(self, user_id: int, keep_session_id: str) -> int:
        return self.auth.sessions.revoke_all(
            user_id, keep_session_id=keep_session_id, actor_id=user_id, reason="user_request"
        )

    def change_password(
        self, user_id: int, current_password: str, new_password: str, *, keep_session_id: str
    ) -> int:
        return self.auth.accounts.change_password(
            user_id, current_password, new_password, keep_session_id=keep_session_id
        )

    def update_profile(self, user_id: int, *, display_name: str, email: str | None) -> AuthUser:
        return self.auth.accounts.update_profile(
            user_id, display_name=display_name, email=email, actor_id=user_id
        )

    def password_strength(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> StrengthEstimate:
        return self.auth.accounts.password_strength(password, username=username, email=email)

    def mfa_enrollment_required(self, user: AuthUser) -> bool:
        return self.auth.mfa.mfa_enrollment_required(user)

    def complete_mfa_login(
        self, ticket: str, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> SessionContext:
        result = self.auth.logins.second_factor(ticket, code, ip=ip, user_agent=user_agent)
        return SessionContext(user=result.user, session=result.session)

    def mfa_status(self, user_id: int) -> MfaStatus:
        return self.auth.mfa.status(user_id)

    def begin_mfa_enrollment(self, user_id: int) -> MfaEnrollment:
        return self.auth.mfa.begin_enrollment(user_id)

    def confirm_mfa_enrollment(self, user_id: int, code: str) -> list[str]:
        return self.auth.mfa.confirm_enrollment(user_id, code)

    def regenerate_recovery_codes(self, user_id: int, code: str) -> list[str]:
        return self.auth.mfa.regenerate_recovery_codes(user_id, code)

    def disable_mfa(self, user_id: int, password: str, code: str) -> None:
        self.auth.mfa.disable(user_id, password, code)

    @property
    def recovery_mail_enabled(self) -> bool:
        return self.auth.recovery.mail_enabled

    def request_password_reset(
        self, login: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        self.auth.recovery.request_password_reset(login, ip=ip, user_agent=user_agent)

    def request_username_reminder(
        self, email: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        self.auth.recovery.request_username_reminder(email, ip=ip, user_agent=user_agent)

    def admin_create_user(
        self,
        username: str,
        password: str,
        *,
        email: str | None,
        display_name: str | None,
        roles: Sequence[str],
        actor_id: int,
    ) -> AuthUser:
        return self.auth.accounts.register(
            username,
            password,
            email=email or None,
            display_name=display_name or None,
            roles=list(roles),
            actor_id=actor_id,
            must_change_password=True,
        )

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        return self.auth.recovery.inspect_reset_token(token)

    def reset_password(self, token: str, new_password: str, *, code: str | None = None) -> None:
        self.auth.recovery.reset_password(token, new_password, code=code)

    # -- administration -----------------------------------------------------------------

    def admin_list_users(self, *, search: str | None = None, limit: int = 500) -> list[AdminUser]:
        now = self.now()
        rows = []
        for user in self.auth.accounts.list_users(search=search, limit=limit):
            lockout = self.auth.accounts.lockout_status(user.id)
            locked = lockout.locked_until if lockout.locked_at(now) else None
            rows.append(AdminUser(user, lockout.failures, locked))
        return rows

    def admin_set_roles(self, user_id: int, roles: Sequence[str], *, actor_id: int) -> AuthUser:
        return self.auth.accounts.set_roles(user_id, roles, actor_id=actor_id)

    def admin_set_active(self, user_id: int, active: bool, *, actor_id: int) -> AuthUser:
        return self.auth.accounts.set_active(user_id, active, actor_id=actor_id)

    def admin_unlock(self, user_id: int, *, actor_id: int) -> None:
        self.auth.accounts.unlock_user(user_id, actor_id=actor_id)

    def admin_reset_mfa(self, user_id: int, *, actor_id: int) -> None:
        self.auth.mfa.admin_reset_mfa(user_id, actor_id=actor_id)

    def admin_set_password(self, user_id: int, password: str, *, actor_id: int) -> int:
        return self.auth.accounts.set_password(
            user_id, password, actor_id=actor_id, must_change=True
        )

    def admin_delete_user(self, user_id: int, *, actor_id: int) -> None:
        self.auth.accounts.delete_user(user_id, actor_id=actor_id)

    def admin_list_sessions(self, *, limit: int = 500) -> list[AdminSession]:
        return [AdminSession(s, name) for s, name in self.auth.sessions.list_all(limit=limit)]

    def admin_revoke_session(self, session_id: str, *, actor_id: int) -> bool:
        return self.auth.sessions.revoke(session_id, actor_id=actor_id, reason="admin")

    def admin_revoke_user_sessions(self, user_id: int, *, actor_id: int) -> int:
        return self.auth.sessions.revoke_all(user_id, actor_id=actor_id, reason="admin")

    def admin_audit(self, query: AuditQuery) -> list[AuditRecord]:
        return self.auth.audit.list(
            user_id=query.user_id,
            event_type=query.event_type,
            outcome=query.outcome,
            since=query.since,
            until=query.until,
            limit=query.limit,
        )
