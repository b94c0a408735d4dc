"""``RemoteBackend``: the gate over HTTP to an authgate API server (``AUTHGATE_API_URL``).

The "Streamlit front end, API back end" deployment: this process has no
database. The browser's HttpOnly cookie still holds the core's opaque session
token, exactly as in the embedded mode, so the gate's cookie routes, reloads
and tabs work unchanged; the token only ever travels from the cookie to the
API (``/session/resolve``, ``/session-tickets/redeem``), never to page scripts.

For the calls it makes on a user's behalf the backend keeps, per session id,
the access/refresh pair the API gave it, and renews the access token shortly
before it expires (``_remote_client``). A tab whose pair is gone (evicted, or
this process restarted) is asked to log in again; a reload logs it back in
from its cookie, which the gate's logout route keeps while it is live.

``state_version`` moves only for changes made through this backend (logout,
password, profile), so the other tabs of this process see them at once;
changes made elsewhere are seen within the gate's revalidation interval.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import streamlit as st

from authgate.core.account_recovery import PasswordResetInfo
from authgate.core.errors import InvalidInput, InvalidToken, NotAuthenticated
from authgate.core.mfa import MfaEnrollment
from authgate.core.mfa_service import MfaStatus
from authgate.core.passwords.strength import ESTIMATE_MAX_CHARS
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)
from authgate.streamlit._remote_client import DEFAULT_PREFIX, RemoteApiClient, api_base_url
from authgate.streamlit._remote_wire import parse_session, parse_strength, parse_user
from authgate.streamlit.backend import AdminSession, AdminUser, AuditQuery
from authgate.streamlit.state import AUTH, TabAuth

__all__ = ["RemoteBackend"]

_MAX_TOKEN = 512
_MAX_FIELD = 320
_MAX_USERS = 1000


def _tab_session_id() -> str | None:
    """The session id of the tab whose script runs in this thread, if any."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    auth: TabAuth | None = st.session_state.get(AUTH)
    return auth.session_id if auth is not None else None


def _context(data: Any) -> SessionContext:
    user = parse_user(data["user"])
    return SessionContext(user=user, session=parse_session(data["session"], user.id))


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

    def _session_of(self, user_id: int | None) -> str:
        """The session to act through: this tab's, else the user's most recent one here."""
        session_id = _tab_session_id()
        if session_id is not None:
            entry = self.api.cache.get(session_id)
            if entry is not None and user_id in (None, entry.user_id):
                return session_id
        if user_id is not None:
            latest = self.api.cache.latest_for_user(user_id)
            if latest is not None:
                return latest.session_id
        raise NotAuthenticated()

    # -- logging in and out ----------------------------------------------------------

    def login(
        self,
        login: str,
        password: str,
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> SessionContext:
        """``/login`` (a new session: no fixation), then ``/session`` for its record."""
        body = {"username": login, "password": password, "remember": bool(remember)}
        tokens = self.api.tokens(
            self.api.call("POST", "/login", json=body, ip=ip, user_agent=user_agent)
        )
        answer = self.api.call("GET", "/session", token=tokens.access_token)
        context = self.api.read(_context, answer)
        self.api.cache.put(context.session.id, context.user.id, tokens)
        return context

    def complete_mfa_login(
        self, ticket: str, code: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> SessionContext:
        """``/login/mfa`` with the ticket from ``MfaRequired``, then ``/session``."""
        body = {"ticket": ticket, "code": code}
        tokens = self.api.tokens(
            self.api.call("POST", "/login/mfa", json=body, ip=ip, user_agent=user_agent)
        )
        answer = self.api.call("GET", "/session", token=tokens.access_token)
        context = self.api.read(_context, answer)
        self.api.cache.put(context.session.id, context.user.id, tokens)
        return context

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
        body = {
            "username": username,
            "password": password,
            "email": email,
            "display_name": display_name,
        }
        answer = self.api.call("POST", "/register", json=body, ip=ip, user_agent=user_agent)
        return self.api.read(parse_user, answer)

    def validate_session(self, token: str) -> SessionContext:
        """Resolve the cookie's token (sliding the session) and keep a pair for it."""
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
            raise NotAuthenticated()
        try:
            answer = self.api.call("POST", "/session/resolve", json={"session_token": token})
        except InvalidInput as error:
            raise NotAuthenticated() from error
        context = self.api.read(_context, answer)
        self.api.cache.put(context.session.id, context.user.id, self.api.tokens(answer))
        return context

    def validate_session_id(self, session_id: str) -> SessionContext:
        """Revalidate with the API (sliding the session); NotAuthenticated without a pair here."""
        return self.api.read(_context, self.api.as_session(session_id, "GET", "/session"))

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
        answer = self.api.as_session(session_id, "POST", "/session-tickets")
        return self.api.read(lambda d: str(d["ticket"]), answer)

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        try:
            answer = self.api.call("POST", "/session-tickets/redeem", json={"ticket": ticket})
        except InvalidInput as error:
            raise InvalidToken() from error
        token = self.api.read(lambda d: str(d["session_token"]), answer)
        return token, self.api.read(_context, answer)

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
            "password": password[:ESTIMATE_MAX_CHARS],
            "username": username[:_MAX_FIELD] if username else None,
            "email": email[:_MAX_FIELD] if email else None,
        }
        return self.api.read(parse_strength, self.api.call("POST", "/password/strength", json=body))

    def list_users(self, *, limit: int = 100, session_id: str | None = None) -> list[AuthUser]:
        """Accounts, as the API lets this tab's session (or ``session_id``) see them.

        The API checks the admin role itself, on the roles stored now.
        """
        params = {"limit": max(1, min(limit, _MAX_USERS))}
        sid = session_id or self._session_of(None)
        answer = self.api.as_session(sid, "GET", "/admin/users", params=params)
        return self.api.read(lambda items: [parse_user(u) for u in items], answer)

    # -- two-factor authentication ----------------------------------------------------

    def mfa_status(self, user_id: int) -> MfaStatus:
        answer = self.api.as_session(self._session_of(user_id), "GET", "/mfa")
        return self.api.read(_mfa_status, answer)

    def begin_mfa_enrollment(self, user_id: int) -> MfaEnrollment:
        answer = self.api.as_session(self._session_of(user_id), "POST", "/mfa/enroll")
        return self.api.read(_enrollment, answer)

    def confirm_mfa_enrollment(self, user_id: int, code: str) -> list[str]:
        answer = self.api.as_session(
            self._session_of(user_id), "POST", "/mfa/enroll/confirm", json={"code": code}
        )
        self._bump()
        return self.api.read(_codes, answer)

    def regenerate_recovery_codes(self, user_id: int, code: str) -> list[str]:
        answer = self.api.as_session(
            self._session_of(user_id), "POST", "/mfa/recovery-codes", json={"code": code}
        )
        return self.api.read(_codes, answer)

    def disable_mfa(self, user_id: int, password: str, code: str) -> None:
        body = {"password": password, "code": code}
        self.api.as_session(self._session_of(user_id), "POST", "/mfa/disable", json=body)
        self._bump()

    # -- account recovery -----------------------------------------------------------------

    @property
    def recovery_mail_enabled(self) -> bool:
        """Whether the API server can mail; unknown here, so the pages offer the form.

        A server without mail answers ``recovery_not_configured`` (shown as
        the API words it: ask an administrator).
        """
        return True

    def request_password_reset(
        self, login: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        body = {"login": login[:_MAX_FIELD]}
        self.api.call("POST", "/password/forgot", json=body, ip=ip, user_agent=user_agent)

    def verify_email(self, token: str) -> str:
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
            raise InvalidToken()
        answer = self.api.call("POST", "/email/verify", json={"token": token})
        return self.api.read(lambda data: str(data["username"]), answer)

    def request_username_reminder(
        self, email: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> None:
        body = {"email": email[:_MAX_FIELD]}
        self.api.call("POST", "/username/forgot", json=body, ip=ip, user_agent=user_agent)

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
        body = {
            "username": username[:_MAX_FIELD],
            "password": password,
            "email": email or None,
            "display_name": display_name or None,
            "roles": list(roles),
            "must_change_password": True,
        }
        answer = self._admin("POST", "/users", json=body)
        self._bump()
        return self.api.read(parse_user, answer)

    def inspect_reset_token(self, token: str) -> PasswordResetInfo:
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
            raise InvalidToken()
        answer = self.api.call("POST", "/password/reset/inspect", json={"token": token})
        return self.api.read(_reset_info, answer)

    def reset_password(self, token: str, new_password: str, *, code: str | None = None) -> None:
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN:
            raise InvalidToken()
        body = {"token": token, "new_password": new_password, "code": code or None}
        self.api.call("POST", "/password/reset", json=body)
        self._bump()

    # -- administration (the API checks the admin role and records this session's user) ----

    def _admin(self, method: str, path: str, **options: Any) -> Any:
        return self.api.as_session(self._session_of(None), method, "/admin" + path, **options)

    def admin_list_users(self, *, search: str | None = None, limit: int = 500) -> list[AdminUser]:
        params: dict[str, Any] = {"limit": max(1, min(limit, _MAX_USERS))}
        if search:
            params["search"] = search[:100]
        answer = self._admin("GET", "/users", params=params)
        return self.api.read(lambda items: [_admin_user(i) for i in items], answer)

    def admin_set_roles(self, user_id: int, roles: Sequence[str], *, actor_id: int) -> AuthUser:
        answer = self._admin("PATCH", f"/users/{int(user_id)}", json={"roles": list(roles)})
        self._bump()
        return self.api.read(parse_user, answer)

    def admin_set_active(self, user_id: int, active: bool, *, actor_id: int) -> AuthUser:
        action = "enable" if active else "disable"
        answer = self._admin("POST", f"/users/{int(user_id)}/{action}")
        self._bump()
        return self.api.read(parse_user, answer)

    def admin_unlock(self, user_id: int, *, actor_id: int) -> None:
        self._admin("POST", f"/users/{int(user_id)}/unlock")

    def admin_reset_mfa(self, user_id: int, *, actor_id: int) -> None:
        self._admin("POST", f"/users/{int(user_id)}/reset-mfa")
        self._bump()

    def admin_set_password(self, user_id: int, password: str, *, actor_id: int) -> int:
        body = {"password": password, "must_change": True}
        answer = self._admin("POST", f"/users/{int(user_id)}/set-password", json=body)
        self._bump()
        return self.api.read(lambda d: int(d["sessions_ended"]), answer)

    def admin_delete_user(self, user_id: int, *, actor_id: int) -> None:
        self._admin("DELETE", f"/users/{int(user_id)}")
        self._bump()

    def admin_list_sessions(self, *, limit: int = 500) -> list[AdminSession]:
        answer = self._admin("GET", "/sessions", params={"limit": max(1, min(limit, 1000))})
        return self.api.read(lambda items: [_admin_session(i) for i in items], answer)

    def admin_revoke_session(self, session_id: str, *, actor_id: int) -> bool:
        if not isinstance(session_id, str) or not session_id or len(session_id) > _MAX_TOKEN:
            return False
        self._admin("DELETE", f"/sessions/{session_id}")
        self._bump()
        return True

    def admin_revoke_user_sessions(self, user_id: int, *, actor_id: int) -> int:
        answer = self._admin("DELETE", f"/users/{int(user_id)}/sessions")
        self._bump()
        return self.api.read(lambda d: int(d["sessions_ended"]), answer)

    def admin_audit(self, query: AuditQuery) -> list[AuditRecord]:
        params: dict[str, Any] = {"limit": max(1, min(query.limit, 1000))}
        for name in ("user_id", "event_type", "outcome"):
            value = getattr(query, name)
            if value is not None and value != "":
                params[name] = value
        if query.since is not None:
            params["since"] = query.since.isoformat()
        if query.until is not None:
            params["until"] = query.until.isoformat()
        answer = self._admin("GET", "/audit", params=params)
        return self.api.read(lambda items: [_audit(i) for i in items], answer)


def _admin_user(data: Any) -> AdminUser:
    return AdminUser(
        user=parse_user(data),
        failed_attempts=int(data.get("failed_attempts", 0)),
        locked_until=_when(data.get("locked_until")),
    )


def _admin_session(data: Any) -> AdminSession:
    return AdminSession(
        session=parse_session(data, int(data["user_id"])), username=str(data["username"])
    )


def _audit(data: Any) -> AuditRecord:
    occurred = _when(data["occurred_at"])
    if occurred is None:
        raise ValueError("occurred_at must be a timestamp")
    return AuditRecord(
        id=int(data["id"]),
        occurred_at=occurred,
        event_type=str(data["event_type"]),
        outcome=str(data["outcome"]),
        user_id=None if data["user_id"] is None else int(data["user_id"]),
        actor_id=None if data["actor_id"] is None else int(data["actor_id"]),
        username=None if data["username"] is None else str(data["username"]),
        ip=None if data["ip"] is None else str(data["ip"]),
        user_agent=None if data["user_agent"] is None else str(data["user_agent"]),
        detail=dict(data["detail"]),
    )


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _mfa_status(data: Any) -> MfaStatus:
    return MfaStatus(
        enabled=bool(data["enabled"]),
        confirmed_at=_when(data.get("confirmed_at")),
        recovery_codes_left=int(data["recovery_codes_left"]),
        enrollment_required=bool(data.get("enrollment_required", False)),
    )


def _enrollment(data: Any) -> MfaEnrollment:
    return MfaEnrollment(
        secret=str(data["secret"]),
        provisioning_uri=str(data["provisioning_uri"]),
        qr_png=base64.b64decode(str(data["qr_png_base64"])),
        qr_svg=str(data["qr_svg"]),
    )


def _codes(data: Any) -> list[str]:
    return [str(code) for code in data["recovery_codes"]]


def _reset_info(data: Any) -> PasswordResetInfo:
    expires = _when(data["expires_at"])
    if expires is None:
        raise ValueError("expires_at must be a timestamp")
    return PasswordResetInfo(
        username=str(data["username"]),
        mfa_required=bool(data["mfa_required"]),
        expires_at=expires,
    )
