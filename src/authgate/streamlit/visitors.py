"""Anonymous visitors in the gate: ``current_visitor()`` and ``ensure_visitor()`` for pages.

A page that keeps something for whoever is at the keyboard stores it under
``ensure_visitor()`` (an owner key: ``"user:<id>"`` once logged in, else
``"visitor:<id>"``) and reads it back under ``current_visitor()``. Nothing is
created for a page view: a visitor starts only when ``ensure_visitor()`` is
called, and its token reaches the browser as an HttpOnly cookie by the same
ticket-and-route mechanism as a login session (``cookie_sync``,
``cookie_routes``). The tab keeps the token in ``st.session_state`` (server
memory) because a login must present it, in remote mode to the API.

When the tab logs in, the login form passes the token (``tab_visitor_token``)
to the backend; the core's login flow hands the visitor to the new user (the
application's hook) and ``sign_in`` forgets it and has the browser drop the
visitor cookie. Other tabs of the same browser find the cookie at their next
load; a second browser never shares it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

import streamlit as st

from authgate.config import AuthgateSettings
from authgate.core.visitors import user_owner, visitor_owner
from authgate.proxies import TrustedProxies
from authgate.streamlit.backend import AuthBackend, RequestMeta
from authgate.streamlit.cookie_sync import queue_visitor_ticket
from authgate.streamlit.guards import current_user
from authgate.streamlit.navigation import current_run
from authgate.streamlit.state import VISITOR, VISITOR_READ

__all__ = [
    "TabVisitor",
    "client_meta",
    "current_visitor",
    "ensure_visitor",
    "forget_visitor",
    "read_visitor_cookie",
    "tab_visitor_token",
    "use_visitor_settings",
]

_settings: ContextVar[AuthgateSettings | None] = ContextVar(
    "authgate_visitor_settings", default=None
)


@dataclass(frozen=True)
class TabVisitor:
    """This tab's anonymous visitor; ``token`` never leaves the server process."""

    id: str
    token: str = field(repr=False)


def use_visitor_settings(settings: AuthgateSettings) -> None:
    """The gate's settings for this script run (cookie name, trusted proxies)."""
    _settings.set(settings)


def _backend() -> AuthBackend:
    run = current_run()
    if run is None:
        raise RuntimeError("current_visitor() and ensure_visitor() work inside Gate.run only")
    return run.backend


def client_meta() -> RequestMeta:
    """The browser's address and user agent, as this run's settings say to read them.

    Behind proxies listed in ``AUTHGATE_TRUSTED_PROXIES`` the address is the
    one they forwarded (``X-Forwarded-For``), so the per-client limits and the
    audit see the browser, not the proxy.
    """
    return _client_meta(_settings.get())


def _client_meta(settings: AuthgateSettings | None) -> RequestMeta:
    peer = st.context.ip_address
    if settings is not None and settings.trusted_proxies:
        proxies = TrustedProxies.of(settings.trusted_proxies)
        peer = proxies.client_ip(peer, st.context.headers.get("X-Forwarded-For"))
    agent = st.context.headers.get("User-Agent")
    return {"ip": peer, "user_agent": agent[:512] if agent else None}


def read_visitor_cookie(name: str) -> str | None:
    """The visitor cookie of this tab's websocket handshake (a module function so tests swap it)."""
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) and value else None


def _tab_visitor() -> TabVisitor | None:
    """This tab's visitor; on first need, the one its visitor cookie names (one store read)."""
    visitor: TabVisitor | None = st.session_state.get(VISITOR)
    if visitor is not None or st.session_state.get(VISITOR_READ):
        return visitor
    st.session_state[VISITOR_READ] = True
    settings = _settings.get()
    token = read_visitor_cookie(settings.visitor_cookie_name if settings else "authgate_visitor")
    if token is None:
        return None
    found = _backend().resolve_visitor(token)
    if found is None:
        return None
    visitor = st.session_state[VISITOR] = TabVisitor(id=found.id, token=token)
    return visitor


def current_visitor() -> str | None:
    """Whose data this tab shows: the user's owner key, the visitor's, or None (nobody yet)."""
    user = current_user()
    if user is not None:
        return user_owner(user.id)
    visitor = _tab_visitor()
    return visitor_owner(visitor.id) if visitor is not None else None


def ensure_visitor() -> str:
    """``current_visitor()``, starting an anonymous visitor first if there is none.

    Call it when about to store something. Raises TooManyVisitors when this
    client started too many visitors lately, StoreUnavailable when the
    store (or the API) cannot be reached.
    """
    owner = current_visitor()
    if owner is not None:
        return owner
    backend = _backend()
    started = backend.start_visitor(**_client_meta(_settings.get()))
    st.session_state[VISITOR] = TabVisitor(id=started.visitor.id, token=started.token)
    st.session_state[VISITOR_READ] = True
    queue_visitor_ticket(backend.issue_visitor_ticket(started.token))
    return visitor_owner(started.visitor.id)


def tab_visitor_token() -> str | None:
    """The token a login in this tab presents, so its visitor is handed to the user."""
    visitor = _tab_visitor() if current_run() is not None else st.session_state.get(VISITOR)
    return visitor.token if visitor is not None else None


def forget_visitor() -> bool:
    """Drop this tab's visitor after a login handed it over; True if there was one."""
    st.session_state[VISITOR_READ] = True
    return st.session_state.pop(VISITOR, None) is not None
