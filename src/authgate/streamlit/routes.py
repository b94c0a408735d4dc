"""The routes an ``st.App`` entry script mounts for the gate.

    import streamlit as st
    from authgate.streamlit import gate_routes

    app = st.App("main.py", routes=gate_routes())

They live on the app's own origin under ``{baseUrlPath}/_authgate/`` (away
from Streamlit's reserved prefixes and from ``/auth/*``, which ``st.login``
uses) and find the process's one service through ``authgate.streamlit.factory``.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.routing import Route

from authgate.config import AuthgateSettings
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.cookie_routes import SessionCookie, build_cookie_routes
from authgate.streamlit.factory import default_settings, get_backend

__all__ = ["ROUTE_PREFIX", "base_path", "gate_routes", "route_url"]

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

    jar = session_cookie(settings, base)
    return build_cookie_routes(
        store,
        cookie=jar,
        base_path=base,
        prefix=ROUTE_PREFIX,
        visitor_cookie=replace(jar, name=settings.visitor_cookie_name),
    )
