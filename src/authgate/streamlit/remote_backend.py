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

import threading
from datetime import UTC, datetime
from typing import Any

import httpx
import streamlit as st

from authgate.core.errors import InvalidInput, InvalidToken, NotAuthenticated
from authgate.core.passwords.strength import ESTIMATE_MAX_CHARS
from authgate.core.records import AuthUser, SessionContext, SessionRecord, StrengthEstimate
from authgate.streamlit._remote_client import DEFAULT_PREFIX, RemoteApiClient, api_base_url
from authgate.streamlit._remote_wire import parse_session, parse_strength, parse_user
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
