"""Start uvicorn the way authgate's own commands do: ``authgate api`` and ``api.server.run``.

Two options there are security rules, not tuning, so they are written once:
uvicorn's proxy-header handling stays off, because client addresses come from
``AUTHGATE_TRUSTED_PROXIES`` alone (``client_ip`` in ``api/security.py``) and a
forwarded header applied twice could let a forged ``X-Forwarded-For`` entry
pass for the client; and the ``Server`` header is not sent, so a response does
not name the software behind it. The command line and the API face never
import each other, so the shared call lives here, beside both.
"""

from __future__ import annotations

from typing import Any

__all__ = ["serve_with_uvicorn"]


def serve_with_uvicorn(app: Any, **options: Any) -> None:
    """Run ``app`` (an ASGI app or an import string) under uvicorn until it stops.

    ``options`` are uvicorn's own (host, port, workers, access_log, ...);
    uvicorn is imported only here, on the way to serving, so a command that
    does not serve never pays for it.
    """
    import uvicorn

    uvicorn.run(app, proxy_headers=False, server_header=False, **options)
