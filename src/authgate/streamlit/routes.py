"""The routes an ``st.App`` entry script mounts for the gate.

    import streamlit as st
    from authgate.streamlit import gate_middleware, gate_routes

    app = st.App("main.py", routes=gate_routes(), middleware=gate_middleware())

They live on the app's own origin under ``{baseUrlPath}/_authgate/`` (away
from Streamlit's reserved prefixes and from ``/auth/*``, which ``st.login``
uses) and find the process's one service through ``authgate.streamlit.factory``.
``gate_middleware`` adds the browser headers (``browser_headers``) to every
page and route of the app.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.middleware import Middleware
from starlette.routing import Route

from authgate.config import AuthgateSettings
from authgate.proxies import TrustedProxies
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.browser_headers import SecurityHeaders
from authgate.streamlit.cookie_routes import SessionCookie, build_cookie_routes
from authgate.streamlit.factory import default_settings, get_backend
from authgate.streamlit.oidc_local import InProcessOidc, oidc_for
from authgate.streamlit.oidc_routes import build_oidc_routes

__all__ = ["ROUTE_PREFIX", "base_path", "gate_middleware", "gate_routes", "route_url"]

ROUTE_PREFIX = "/_authgate"


def base_path() -> str:
    """Streamlit's ``server.baseUrlPath`` as ``""`` or ``"/prefix"``."""
    from streamlit import config

    value = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{value}" if value else ""


def route_url(name: str, base: str | None = None) -> str:
    """The path of one gate route (``session``, ``visitor`` or ``logout``) for the browser."""
    return f"{base_path() if base is None else base}{ROUTE_PREFIX}/{name}"


def session_cookie(settings: AuthgateSettings, base: str) -> SessionCookie:
    return SessionCookie(
        name=settings.cookie_name, path=f"{base}/" if base else "/", secure=settings.cookie_secure
    )


def gate_routes(
    settings: AuthgateSettings | None = None, *, backend: AuthBackend | None = None
) -> list[Route]:
    """Routes that turn a login ticket into the HttpOnly session cookie, and clear it.

    Pass the same ``settings`` (or ``backend``) as to ``Gate``; by default both
    read ``AUTHGATE_*`` from the environment and share one service.
    """
    settings = settings or default_settings()
    base = base_path()

    def store() -> AuthBackend:
        return backend if backend is not None else get_backend(settings)

    def oidc() -> InProcessOidc | None:
        return oidc_for(store())

    jar = session_cookie(settings, base)
    return [
        *build_cookie_routes(
            store,
            cookie=jar,
            base_path=base,
            prefix=ROUTE_PREFIX,
            visitor_cookie=replace(jar, name=settings.visitor_cookie_name),
            proxies=TrustedProxies.of(settings.trusted_proxies),
            frame_ancestors=settings.frame_ancestors,
        ),
        *build_oidc_routes(
            oidc,
            cookie=jar,
            base_path=base,
            prefix=ROUTE_PREFIX,
            proxies=TrustedProxies.of(settings.trusted_proxies),
            visitor_cookie=replace(jar, name=settings.visitor_cookie_name),
        ),
    ]


def gate_middleware(settings: AuthgateSettings | None = None) -> list[Middleware]:
    """Middleware for ``st.App(middleware=...)``: the browser headers on every page.

    ``X-Frame-Options``, ``Content-Security-Policy: frame-ancestors``
    (``AUTHGATE_FRAME_ANCESTORS``, default ``'self'``), ``X-Content-Type-Options``
    and ``Referrer-Policy``; see ``authgate.streamlit.browser_headers``.
    """
    settings = settings or default_settings()
    return [Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)]
