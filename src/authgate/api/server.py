"""Serve the API: ``run`` for ``authgate api``, ``asgi_app`` for mounting or uvicorn ``--factory``.

``asgi_app`` builds the composition root and the app from settings
(environment), so ``uvicorn authgate.api.server:asgi_app --factory`` and a
Streamlit ``st.App`` mount get the same configuration as the command line.
"""

from __future__ import annotations

from fastapi import FastAPI

from authgate.api.app import create_api
from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.serving import serve_with_uvicorn

__all__ = ["asgi_app", "run"]


def asgi_app(settings: AuthgateSettings | None = None) -> FastAPI:
    """Build the API from settings; raises ConfigurationError early (no keys in production)."""
    return create_api(Authgate.from_settings(settings))


def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: AuthgateSettings | None = None,
    *,
    log_level: str = "info",
    access_log: bool = False,
) -> None:
    """Serve the API with uvicorn in this process (one worker; ``authgate api --workers`` for more).

    Client addresses come from ``AUTHGATE_TRUSTED_PROXIES``, so uvicorn's own
    proxy-header handling stays off (``authgate.serving`` says why).
    The access log is off unless asked for; the audit trail records logins.
    """
    serve_with_uvicorn(
        asgi_app(settings), host=host, port=port, log_level=log_level, access_log=access_log
    )
