"""``InProcessBackend``: the gate's ``AuthBackend`` over an ``Authgate`` in this process.

The embedded default: each call goes to a service of the composition root
(``authgate.root.Authgate``), in this process and its database transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Unpack

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
from authgate.streamlit.backend import (
    LoginOptions,
    NewAccount,
    RegisterDetails,
    RequestMeta,
    VisitorOption,
)

if TYPE_CHECKING:
    from authgate.root import Authgate

__all__ = ["InProcessBackend"]


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

    def login(self, login: str, password: str, **options: Unpack[LoginOptions]) -> SessionContext:
        result = self.auth.logins.password(login, password, **options)
        return SessionContext(user=result.user, session=result.session)

    def register(
        self, username: str, password: str, **details: Unpack[RegisterDetails]
    ) -> AuthUser:
        # Named one by one: the service's admin-only arguments (roles, actor_id) never pass.
        return self.auth.accounts.register(
            username,
            password,
            email=details.get("email"),
            display_name=details.get("display_name"),
            ip=details.get("ip"),
            user_agent=details.get("user_agent"),
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
        self, ticket: str, code: str, **meta: Unpack[VisitorOption]
    ) -> SessionContext:
        result = self.auth.logins.second_factor(ticket, code, **meta)
        return SessionContext(user=result.user, session=result.session)

    def start_visitor(self, **meta: Unpack[RequestMeta]) -> VisitorPass:
        return self.auth.visitors.start(ip=meta.get("ip"))

    def resolve_visitor(self, token: str) -> VisitorRecord | None:
        return self.auth.visitors.resolve(token)

    def issue_visitor_ticket(self, token: str) -> str:
        return self.auth.visitors.issue_cookie_ticket(token)

    def redeem_visitor_ticket(self, ticket: str) -> VisitorPass:
        return self.auth.visitors.redeem_cookie_ticket(ticket)

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

    def request_password_reset(self, login: str, **meta: Unpack[RequestMeta]) -> None:
        self.auth.recovery.request_password_reset(login, **meta)

    def request_username_reminder(self, email: str, **meta: Unpack[RequestMeta]) -> None:
        self.auth.recovery.request_username_reminder(email, **meta)

    def admin_create_user(
        self, username: str, password: str, **account: Unpack[NewAccount]
    ) -> AuthUser:
        return self.auth.accounts.register(
            username,
            password,
            email=account["email"] or None,
            display_name=account["display_name"] or None,
            roles=list(account["roles"]),
            actor_id=account["actor_id"],
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
            offset=query.offset,
        )
