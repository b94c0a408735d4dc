"""``RemoteBackend``: the gate over HTTP to an authgate API server (``AUTHGATE_API_URL``).

The "Streamlit front end, API back end" deployment: this process has no
database. The browser's HttpOnly cookie still holds the core's opaque session
token, exactly as in the embedded mode, so the gate's cookie routes, reloads
and tabs work unchanged; the token only ever travels from the cookie to the
API (``/session/resolve``, ``/session-tickets/redeem``), never to page scripts.

A login is one request (``/session/login``: the session, its token pair and
its cookie ticket at once) plus the browser's redeem. For the calls it makes
on a user's behalf the backend keeps, per session id, the pair the API gave
it and renews the access token shortly before it expires (``_remote_client``).
A tab whose pair is gone (evicted, or this process restarted) is asked to log
in again; a reload logs it back in from its cookie. The Account page's MFA
calls, account recovery, the Admin page and anonymous visitors live in
``_remote_mfa``, ``_remote_recovery``, ``_remote_admin`` and ``_remote_visitors``.

``state_version`` moves only for changes made through this backend (logout,
password, profile), so the other tabs of this process see them at once;
changes made elsewhere are seen within the gate's revalidation interval.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Unpack

import httpx
import streamlit as st

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
from authgate.errors import InvalidInput, InvalidToken, NotAuthenticated
from authgate.streamlit._remote_admin import RemoteAdmin
from authgate.streamlit._remote_cache import TokenTiming
from authgate.streamlit._remote_client import DEFAULT_PREFIX, RemoteApiClient, api_base_url
from authgate.streamlit._remote_mfa import RemoteMfa
from authgate.streamlit._remote_recovery import RemoteRecovery
from authgate.streamlit._remote_visitors import RemoteVisitors
from authgate.streamlit._remote_wire import (
    MAX_FIELD,
    MAX_TOKEN,
    STRENGTH_SAMPLE_CHARS,
    parse_context,
    parse_enrollment_required,
    parse_session,
    parse_strength,
    parse_user,
)
from authgate.streamlit.admin_records import AdminSession, AdminUser, AuditQuery
from authgate.streamlit.backend import (
    LoginOptions,
    NewAccount,
    RegisterDetails,
    RequestMeta,
    VisitorOption,
)
from authgate.streamlit.state import AUTH, TabAuth

__all__ = ["RemoteBackend"]

# How long the cookie ticket that came with a login is kept for the gate's
# ``issue_cookie_ticket``, which follows the login in the same script run.
_LOGIN_TICKET_KEPT_SECONDS = 5.0


def _tab_session_id() -> str | None:
    """The session id of the tab whose script runs in this thread, if any."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    auth: TabAuth | None = st.session_state.get(AUTH)
    return auth.session_id if auth is not None else None


class RemoteBackend:
    """``AuthBackend`` over httpx (one pooled client, timeouts) to an authgate API.

    ``api_url`` is the API's base URL; when it has no path, ``prefix`` (the
    server's ``AUTHGATE_API_PREFIX``) is appended. Unreachable servers,
    timeouts and 5xx answers raise ``StoreUnavailable``; API errors raise the
    matching core exceptions with the API's message. ``allow_registration``
    should match the server's setting (the API refuses what it does not allow).
    """

    def __init__(
        self,
        api_url: str,
        *,
        timeout: float = 10.0,
        client: httpx.Client | None = None,
        prefix: str = DEFAULT_PREFIX,
        allow_registration: bool = True,
        refresh_margin: float = 30.0,
        max_sessions: int = 10_000,
    ) -> None:
        self.api = RemoteApiClient(
            api_base_url(api_url, prefix),
            timeout=timeout,
            client=client,
            refresh_margin=refresh_margin,
            max_sessions=max_sessions,
        )
        self._allow_registration = allow_registration
        self._version = 0
        self._version_lock = threading.Lock()
        self.admin = RemoteAdmin(
            self.api, acting_session=lambda: self._session_of(None), changed=self._bump
        )
        self.mfa = RemoteMfa(self.api, acting_session=self._session_of, changed=self._bump)
        self.recovery = RemoteRecovery(self.api, changed=self._bump)
        self.visitors = RemoteVisitors(self.api)

    def __repr__(self) -> str:
        return f"RemoteBackend({self.api.base_url!r})"

    def close(self) -> None:
        self.api.close()

    @property
    def allow_registration(self) -> bool:
        return self._allow_registration

    @property
    def state_version(self) -> int:
        return self._version

    def now(self) -> datetime:
        return datetime.now(UTC)

    def _bump(self) -> None:
        with self._version_lock:
            self._version += 1

    def token_timing(self, session_id: str) -> TokenTiming | None:
        """The access token's expiry and the last refresh of a session, for the debug panel."""
        entry = self.api.cache.get(session_id)
        return None if entry is None else entry.tokens.timing(self.api.cache.now())

    def _session_of(self, user_id: int | None) -> str:
        """The session to act through: this tab's, else the user's most recent one here."""
        entry = self.api.cache.acting(_tab_session_id(), user_id)
        if entry is None:
            raise NotAuthenticated()
        return entry.session_id

    # -- logging in and out ----------------------------------------------------------

    def login(self, login: str, password: str, **options: Unpack[LoginOptions]) -> SessionContext:
        """``/session/login``: a new session (no fixation), its tokens and its cookie ticket."""
        remember = bool(options.get("remember", False))
        body = {"username": login, "password": password, "remember": remember}
        if options.get("visitor"):
            body["visitor_token"] = options.get("visitor")
        return self._opened("/session/login", body, options)

    def complete_mfa_login(
        self, ticket: str, code: str, **meta: Unpack[VisitorOption]
    ) -> SessionContext:
        """``/session/login/mfa`` with the ticket from ``MfaRequired``; answers as a login."""
        body = {"ticket": ticket, "code": code}
        if meta.get("visitor"):
            body["visitor_token"] = meta.get("visitor") or ""
        return self._opened("/session/login/mfa", body, meta)

    def _opened(self, path: str, body: dict[str, Any], meta: RequestMeta) -> SessionContext:
        """Log in with one request, keeping the new session's pair and its cookie ticket.

        The gate asks for the ticket right after a login; the API sends it
        with the login's answer, so a login costs this round trip and the
        browser's redeem, not four.
        """
        answer = self.api.call("POST", path, json=body, meta=meta)
        ticket = self.api.read(lambda d: str(d["cookie_ticket"]), answer)
        context = self._kept(answer, with_tokens=True)
        self.api.cache.keep_cookie_ticket(
            context.session.id, ticket, for_seconds=_LOGIN_TICKET_KEPT_SECONDS
        )
        return context

    def _kept(self, answer: Any, *, with_tokens: bool) -> SessionContext:
        """The session an answer describes; its token pair (if sent) and MFA flag are kept."""
        context = self.api.read(parse_context, answer)
        if with_tokens:
            self.api.cache.put(context.session.id, context.user.id, self.api.tokens(answer))
        required = self.api.read(parse_enrollment_required, answer)
        self.api.cache.note_enrollment_required(context.session.id, required)
        return context

    # -- anonymous visitors (the application's hand-off hook runs in the API) ------------

    def start_visitor(self, **meta: Unpack[RequestMeta]) -> VisitorPass:
        return self.visitors.start(meta)

    def resolve_visitor(self, token: str) -> VisitorRecord | None:
        return self.visitors.resolve(token)

    def issue_visitor_ticket(self, token: str) -> str:
        return self.visitors.issue_ticket(token)

    def redeem_visitor_ticket(self, ticket: str) -> VisitorPass:
        return self.visitors.redeem_ticket(ticket)

    def register(
        self, username: str, password: str, **details: Unpack[RegisterDetails]
    ) -> AuthUser:
        body = {
            "username": username,
            "password": password,
            "email": details.get("email"),
            "display_name": details.get("display_name"),
        }
        answer = self.api.call("POST", "/register", json=body, meta=details)
        return self.api.read(parse_user, answer)

    def validate_session(self, token: str) -> SessionContext:
        """Resolve the cookie's token (sliding the session) and keep a pair for it."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            raise NotAuthenticated()
        try:
            answer = self.api.call("POST", "/session/resolve", json={"session_token": token})
        except InvalidInput as error:
            raise NotAuthenticated() from error
        return self._kept(answer, with_tokens=True)

    def validate_session_id(self, session_id: str) -> SessionContext:
        """Revalidate with the API (sliding the session); NotAuthenticated without a pair here."""
        answer = self.api.as_session(session_id, "GET", "/session")
        return self._kept(answer, with_tokens=False)

    def logout(self, session_id: str) -> bool:
        """End the session by its refresh token (valid whatever the access token's age)."""
        entry = self.api.cache.get(session_id)
        if entry is None:
            return False
        with entry.lock:
            self.api.call("POST", "/logout", json={"refresh_token": entry.tokens.refresh_token})
        self.api.cache.pop(session_id)
        self._bump()
        return True

    def issue_cookie_ticket(self, session_id: str) -> str:
        """The ticket that came with this session's login (once), else a new one."""
        kept = self.api.cache.take_cookie_ticket(session_id)
        if kept is not None:
            return kept
        answer = self.api.as_session(session_id, "POST", "/session-tickets")
        return self.api.read(lambda d: str(d["ticket"]), answer)

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        try:
            answer = self.api.call("POST", "/session-tickets/redeem", json={"ticket": ticket})
        except InvalidInput as error:
            raise InvalidToken() from error
        token = self.api.read(lambda d: str(d["session_token"]), answer)
        return token, self.api.read(parse_context, answer)

    # -- the account and admin pages ----------------------------------------------------

    def list_sessions(self, user_id: int) -> list[SessionRecord]:
        answer = self.api.as_session(self._session_of(user_id), "GET", "/sessions")
        return self.api.read(lambda items: [parse_session(i, user_id) for i in items], answer)

    def revoke_other_sessions(self, user_id: int, keep_session_id: str) -> int:
        answer = self.api.as_session(keep_session_id, "POST", "/sessions/revoke-others")
        self._bump()
        return self.api.read(lambda d: int(d["ended"]), answer)

    def change_password(
        self, user_id: int, current_password: str, new_password: str, *, keep_session_id: str
    ) -> int:
        body = {"current_password": current_password, "new_password": new_password}
        answer = self.api.as_session(keep_session_id, "POST", "/password", json=body)
        self._bump()
        return self.api.read(lambda d: int(d["sessions_ended"]), answer)

    def update_profile(self, user_id: int, *, display_name: str, email: str | None) -> AuthUser:
        body = {"display_name": display_name, "email": email}
        answer = self.api.as_session(self._session_of(user_id), "PATCH", "/me", json=body)
        self._bump()
        return self.api.read(parse_user, answer)

    def password_strength(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> StrengthEstimate:
        """The API's estimate; only the characters it would score are sent."""
        body = {
            "password": password[:STRENGTH_SAMPLE_CHARS],
            "username": username[:MAX_FIELD] if username else None,
            "email": email[:MAX_FIELD] if email else None,
        }
        return self.api.read(parse_strength, self.api.call("POST", "/password/strength", json=body))

    # -- two-factor authentication ----------------------------------------------------

    def mfa_enrollment_required(self, user: AuthUser) -> bool:
        """The server's MFA rule, as its last answer about the user's session here said.

        The API sends the flag with every session answer (login, reload,
        revalidation), so asking costs no request; enrolling bumps
        ``state_version``, and the revalidation that follows brings the new answer.
        """
        if user.mfa_enabled:
            return False
        entry = self.api.cache.acting(_tab_session_id(), user.id)
        return entry is not None and entry.enrollment_required

    def mfa_status(self, user_id: int) -> MfaStatus:
        return self.mfa.status(user_id)

    def begin_mfa_enrollment(self, user_id: int) -> MfaEnrollment:
        return self.mfa.begin_enrollment(user_id)

    def confirm_mfa_enrollment(self, user_id: int, code: str) -> list[str]:
        return self.mfa.confirm_enrollment(user_id, code)

    def regenerate_recovery_codes(self, user_id: int, code: str) -> list[str]:
        return self.mfa.regenerate_recovery_codes(user_id, code)

    def disable_mfa(self, user_id: int, password: str, code: str) -> None:
        self.mfa.disable(user_id, password, code)

    # -- account recovery -----------------------------------------------------------------

    @property
    def recovery_mail_enabled(self) -> bool:
        """Whether the API server can mail; unknown here, so the pages offer the form.

        A server without mail answers ``recovery_not_configured`` (shown as
        the API words it: ask an administrator).
        """
        return True

    def request_password_reset(self, login: str, **meta: Unpack[RequestMeta]) -> None:
        self.recovery.request_password_reset(login, meta)

    def verify_email(self, token: str) -> str:
        return self.recovery.verify_email(token)

    def request_username_reminder(self, email: str, **meta: Unpack[RequestMeta]) -> None:
        self.recovery.request_username_reminder(email, meta)

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        return self.recovery.inspect_reset_token(token)

    def reset_password(self, token: str, new_password: str, *, code: str | None = None) -> None:
        self.recovery.reset_password(token, new_password, code=code)

    # -- administration (the API checks the admin role and records this session's user) ----

    def admin_create_user(
        self, username: str, password: str, **account: Unpack[NewAccount]
    ) -> AuthUser:
        return self.admin.create_user(username, password, account)

    def admin_list_users(self, *, search: str | None = None, limit: int = 500) -> list[AdminUser]:
        return self.admin.list_users(search=search, limit=limit)

    def admin_set_roles(self, user_id: int, roles: Sequence[str], *, actor_id: int) -> AuthUser:
        return self.admin.set_roles(user_id, roles)

    def admin_set_active(self, user_id: int, active: bool, *, actor_id: int) -> AuthUser:
        return self.admin.set_active(user_id, active)

    def admin_unlock(self, user_id: int, *, actor_id: int) -> None:
        self.admin.unlock(user_id)

    def admin_reset_mfa(self, user_id: int, *, actor_id: int) -> None:
        self.admin.reset_mfa(user_id)

    def admin_set_password(self, user_id: int, password: str, *, actor_id: int) -> int:
        return self.admin.set_password(user_id, password)

    def admin_delete_user(self, user_id: int, *, actor_id: int) -> None:
        self.admin.delete_user(user_id)

    def admin_list_sessions(self, *, limit: int = 500) -> list[AdminSession]:
        return self.admin.list_sessions(limit=limit)

    def admin_revoke_session(self, session_id: str, *, actor_id: int) -> bool:
        return self.admin.revoke_session(session_id)

    def admin_revoke_user_sessions(self, user_id: int, *, actor_id: int) -> int:
        return self.admin.revoke_user_sessions(user_id)

    def admin_audit(self, query: AuditQuery) -> list[AuditRecord]:
        return self.admin.audit(query)
