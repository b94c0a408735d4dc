"""Who is logged in in this tab: resolved once from the cookie, then cheaply re-checked.

On a tab's first script run the session cookie arrives in
``st.context.cookies`` (the snapshot taken when the websocket opened), so the
user is known before anything is drawn: no login-form flash, no extra run.
From then on the tab keeps the session id and a cached validation in
``st.session_state``; each rerun trusts it unless

- the backend's ``state_version`` moved (a logout, disable or password change
  in this process: seen at once by every tab),
- ``revalidate_after`` seconds passed (changes made by other processes), or
- the session's own expiry passed,

and otherwise calls ``validate_session_id`` (which also slides the idle timeout).
"""

from __future__ import annotations

import time

import streamlit as st

from authgate.core.records import AuthUser, SessionContext
from authgate.errors import NotAuthenticated, SessionExpired
from authgate.streamlit import texts
from authgate.streamlit.backend import AuthBackend, RequestMeta
from authgate.streamlit.cookie_sync import queue_cookie_clear, queue_cookie_ticket
from authgate.streamlit.state import (
    AUTH,
    COOKIE_READ,
    FLASH,
    REVALIDATED_COOKIE,
    REVALIDATED_EXPIRY,
    REVALIDATED_INTERVAL,
    REVALIDATED_LOGIN,
    REVALIDATED_STATE,
    Flash,
    TabAuth,
)
from authgate.streamlit.visitors import client_meta, forget_visitor

__all__ = [
    "app_url",
    "current_auth",
    "read_session_cookie",
    "request_meta",
    "resolve_user",
    "sign_in",
    "sign_out",
]


def read_session_cookie(name: str) -> str | None:
    """The session cookie of this tab's websocket handshake (a module function so tests swap it)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) and value else None


def request_meta() -> RequestMeta:
    """The client's IP and user agent, as recorded on sessions and audit rows.

    The address follows ``AUTHGATE_TRUSTED_PROXIES`` (``visitors.client_meta``).
    """
    return client_meta()


def app_url(page_path: str) -> str | None:
    """The app's base address as this tab's browser sees it (``st.context.url`` minus the page).

    What links in mail point at when ``AUTHGATE_PUBLIC_URL`` is unset, so a
    demo on port 8502 mails links to port 8502.
    """
    url = st.context.url
    if not url:
        return None
    url = url.rstrip("/")
    suffix = "/" + page_path.strip("/")
    if page_path.strip("/") and url.endswith(suffix):
        url = url.removesuffix(suffix)
    return url


def current_auth() -> TabAuth | None:
    """This tab's cached session, exactly as the gate last resolved it."""
    auth: TabAuth | None = st.session_state.get(AUTH)
    return auth


def _remember(backend: AuthBackend, context: SessionContext, version: int, reason: str) -> TabAuth:
    session = context.session
    auth = TabAuth(
        session_id=session.id,
        user=context.user,
        expires_at=min(session.expires_at, session.absolute_expires_at),
        checked_at=time.monotonic(),
        version=version,
        session=session,
        reason=reason,
    )
    st.session_state[AUTH] = auth
    return auth


def _forget(error: NotAuthenticated, *, had_session: bool) -> None:
    st.session_state.pop(AUTH, None)
    queue_cookie_clear()
    if isinstance(error, SessionExpired):
        st.session_state[FLASH] = Flash("warning", texts.SESSION_EXPIRED, to_login=True)
    elif had_session:
        st.session_state[FLASH] = Flash("warning", texts.SESSION_ENDED, to_login=True)


def resolve_user(
    backend: AuthBackend, *, cookie_name: str, revalidate_after: float
) -> AuthUser | None:
    """The logged-in user of this tab, or None; ``StoreUnavailable`` if the store is down."""
    auth: TabAuth | None = st.session_state.get(AUTH)
    version = backend.state_version
    if auth is not None:
        reason = _stale_reason(auth, backend, version, revalidate_after)
        if reason is None:
            return auth.user
        try:
            context = backend.validate_session_id(auth.session_id)
        except NotAuthenticated as error:
            _forget(error, had_session=True)
            return None
        return _remember(backend, context, version, reason).user
    if st.session_state.get(COOKIE_READ):
        return None
    token = read_session_cookie(cookie_name)
    if token is None:
        st.session_state[COOKIE_READ] = True
        return None
    try:
        context = backend.validate_session(token)
    except NotAuthenticated as error:
        st.session_state[COOKIE_READ] = True
        _forget(error, had_session=False)
        return None
    st.session_state[COOKIE_READ] = True
    return _remember(backend, context, version, REVALIDATED_COOKIE).user


def _stale_reason(
    auth: TabAuth, backend: AuthBackend, version: int, revalidate_after: float
) -> str | None:
    """Why the cached validation may no longer hold, or None while it is good."""
    if auth.version != version:
        return REVALIDATED_STATE
    if backend.now() >= auth.expires_at:
        return REVALIDATED_EXPIRY
    if time.monotonic() - auth.checked_at >= revalidate_after:
        return REVALIDATED_INTERVAL
    return None


def sign_in(backend: AuthBackend, context: SessionContext) -> None:
    """Make ``context`` this tab's session and queue the cookie for the browser.

    The tab's anonymous visitor, if any, was handed to the user by the login
    itself (the form passed its token); the browser drops its cookie too.
    """
    st.session_state[COOKIE_READ] = True
    _remember(backend, context, backend.state_version, REVALIDATED_LOGIN)
    ended = forget_visitor()
    queue_cookie_ticket(backend.issue_cookie_ticket(context.session.id), end_visitor=ended)


def sign_out(backend: AuthBackend) -> None:
    """End this tab's session in the store and have the browser drop the cookie."""
    auth: TabAuth | None = st.session_state.get(AUTH)
    if auth is not None:
        backend.logout(auth.session_id)
    st.session_state.pop(AUTH, None)
    st.session_state[COOKIE_READ] = True
    st.session_state[FLASH] = Flash("success", texts.LOGGED_OUT)
    queue_cookie_clear()
