"""The two same-origin routes that put the session in, and take it out of, a cookie.

A Streamlit script cannot set an HttpOnly cookie: it only talks to the browser
over a websocket. So the gate hands the browser a one-time ticket, and the
browser posts it here; the response carries ``Set-Cookie``. The routes are
mounted next to Streamlit through ``st.App`` (by default under
``/_authgate/``), which also puts them outside Streamlit's XSRF protection:
each request must carry an ``Origin`` that names this very scheme and host, and a JSON
body (which a cross-site form cannot send without a refused CORS preflight).

- ``POST {base}/_authgate/session`` ``{"ticket": "..."}``: redeem the ticket
  (single-use, at most 60 s old); the session token is rotated by the store
  and the new one goes into the cookie, so no other copy of it exists.
- ``POST {base}/_authgate/visitor`` ``{"ticket": "..."}``: the same for an
  anonymous visitor's cookie (``authgate.streamlit.visitors``); a session
  redeem with ``"end_visitor": "1"`` clears that cookie once the visitor was
  handed to the user who just logged in.
- ``POST {base}/_authgate/logout``: clear the cookie unless it still names a
  live session. The tab has already revoked its session in the store; a cookie
  that still validates belongs to a newer login from another tab of the same
  browser, and clearing it would log that tab out too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol, TypeVar
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from authgate.core.records import SessionContext
from authgate.core.visitors import VisitorPass
from authgate.errors import AuthgateError, NotAuthenticated, StoreUnavailable
from authgate.proxies import TrustedProxies
from authgate.streamlit.browser_headers import security_headers

__all__ = ["CookieSessionStore", "SessionCookie", "build_cookie_routes"]

logger = logging.getLogger("authgate.streamlit.cookie_routes")

_MAX_BODY = 4096
_MAX_TICKET = 512
_NO_STORE = {"Cache-Control": "no-store"}

T = TypeVar("T")


class CookieSessionStore(Protocol):
    """What the routes need: every gate backend satisfies it."""

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]: ...

    def validate_session(self, token: str) -> SessionContext: ...

    def redeem_visitor_ticket(self, ticket: str) -> VisitorPass: ...


@dataclass(frozen=True)
class SessionCookie:
    """The session cookie's attributes, written and cleared the same way.

    HttpOnly and SameSite=Lax always; Secure under https (``secure="auto"``) or
    as configured. A remembered session gets a persistent cookie that lasts
    until the session's absolute expiry; any other a browser-session cookie.
    Clearing reuses the same name, path and flags with a zero lifetime, so
    the two can never drift apart.
    """

    name: str = "authgate_session"
    path: str = "/"
    secure: Literal["auto", "always", "never"] = "auto"

    def __post_init__(self) -> None:
        if not self.name or any(c in self.name for c in ' ;,="\t\r\n'):
            raise ValueError(f"invalid cookie name {self.name!r}")
        if not self.path.startswith("/"):
            raise ValueError("the cookie path must start with '/'")

    def is_secure(self, request: Request) -> bool:
        if self.secure == "auto":
            return request.url.scheme == "https"
        return self.secure == "always"

    def write(
        self, response: Response, request: Request, token: str, context: SessionContext
    ) -> None:
        until = context.session.absolute_expires_at if context.session.remember else None
        self.write_token(response, request, token, until=until)

    def write_token(
        self, response: Response, request: Request, token: str, *, until: datetime | None
    ) -> None:
        """Set the cookie to ``token``: persistent until ``until``, else for the browser session."""
        max_age: int | None = None
        if until is not None:
            max_age = max(0, int((until - datetime.now(UTC)).total_seconds()))
        response.set_cookie(
            self.name,
            token,
            max_age=max_age,
            path=self.path,
            secure=self.is_secure(request),
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response, request: Request) -> None:
        response.set_cookie(
            self.name,
            "",
            max_age=0,
            expires=0,
            path=self.path,
            secure=self.is_secure(request),
            httponly=True,
            samesite="lax",
        )


def _default_port(scheme: str, netloc: str) -> str:
    """``netloc`` lower-cased, without the scheme's default port (browsers omit it)."""
    host = netloc.strip().lower()
    default = {"http": ":80", "https": ":443"}.get(scheme)
    return host[: -len(default)] if default and host.endswith(default) else host


def same_origin(request: Request, proxies: TrustedProxies | None = None) -> bool:
    """True when the request's Origin names this app's scheme and host.

    Browsers send Origin on every POST made with ``fetch``; a missing one
    means a client we did not write, and is refused. The scheme counts too:
    a page on ``http://`` (a network attacker's, say) must not redeem a
    ticket for the ``https://`` app. Behind a reverse proxy that rewrites
    Host or terminates TLS, ``X-Forwarded-Host``/``-Proto`` name the origin,
    but only when the peer is one of ``proxies`` (``AUTHGATE_TRUSTED_PROXIES``);
    from anyone else they are ignored.
    """
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False
    trusted = proxies or TrustedProxies()
    peer = request.client.host if request.client else None
    scheme = trusted.forwarded(peer, request.headers.get("x-forwarded-proto"))
    host = trusted.forwarded(peer, request.headers.get("x-forwarded-host"))
    scheme = (scheme or request.url.scheme).lower()
    host = host or request.headers.get("host", "")
    if not host or parts.scheme != scheme:
        return False
    return _default_port(parts.scheme, parts.netloc) == _default_port(scheme, host)


def _error(status: int, code: str, message: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"ok": False, "error": code, "message": message}, status, headers)


def _failed(
    error: AuthgateError, headers: dict[str, str], *, unauthenticated: int = 400
) -> JSONResponse:
    """A failed redeem: 503 if the store is down, ``unauthenticated`` for no session, else 400."""
    if isinstance(error, StoreUnavailable):
        status = 503
    elif isinstance(error, NotAuthenticated):
        status = unauthenticated
    else:
        status = 400
    return _error(status, error.code, error.message, headers)


def _refused(
    request: Request, proxies: TrustedProxies, headers: dict[str, str]
) -> JSONResponse | None:
    if not same_origin(request, proxies):
        return _error(403, "origin_mismatch", "Cross-origin requests are refused.", headers)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return _error(415, "unsupported_media_type", "Send a JSON body.", headers)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > _MAX_BODY):
        return _error(413, "body_too_large", "The request body is too large.", headers)
    return None


async def _json_object(request: Request) -> dict[str, object] | None:
    body = await request.body()
    if len(body) > _MAX_BODY:
        return None
    try:
        value = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def build_cookie_routes(
    get_store: Callable[[], CookieSessionStore],
    *,
    cookie: SessionCookie | None = None,
    base_path: str = "",
    prefix: str = "/_authgate",
    visitor_cookie: SessionCookie | None = None,
    proxies: TrustedProxies | None = None,
    frame_ancestors: str = "'self'",
) -> list[Route]:
    """The session and logout routes, ready for ``st.App(routes=...)`` or any Starlette app.

    ``get_store`` is called per request (not at build time), so importing the
    entry script never opens the database. ``base_path`` is the app's URL
    prefix (Streamlit's ``server.baseUrlPath``), and the cookie path defaults
    to it so the cookie is only sent to this app. ``proxies`` are the peers
    whose ``X-Forwarded-Host``/``-Proto`` are believed (none by default).
    Every answer carries the browser headers of ``security_headers`` itself,
    so the routes are covered in any app, with or without the middleware.
    """
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    if not prefix.startswith("/") or prefix.endswith("/"):
        raise ValueError("prefix must start with '/' and not end with '/'")
    jar = cookie or SessionCookie(path=base + "/" if base else "/")
    visitor_jar = visitor_cookie or SessionCookie(name="authgate_visitor", path=jar.path)

    trusted = proxies or TrustedProxies()
    headers = {**_NO_STORE, **security_headers(frame_ancestors)}

    def ticket_route(
        redeem: Callable[[CookieSessionStore], Callable[[str], T]],
        write: Callable[[Response, Request, T, dict[str, object]], None],
        *,
        unauthenticated: int = 400,
    ) -> Callable[[Request], Awaitable[Response]]:
        """A route that trades a posted ticket for a cookie; ``write`` sets what it redeemed.

        Every ticket route refuses a foreign origin or a body without a
        ticket, redeems off the event loop and answers the same way, so the
        session and visitor cookies cannot come to differ in those checks.
        """

        async def route(request: Request) -> Response:
            refused = _refused(request, trusted, headers)
            if refused is not None:
                return refused
            payload = await _json_object(request) or {}
            ticket = payload.get("ticket")
            if not isinstance(ticket, str) or not ticket or len(ticket) > _MAX_TICKET:
                return _error(400, "invalid_request", 'Send {"ticket": "<ticket>"}.', headers)
            try:
                # The store call blocks (a database write, or an HTTP round trip
                # in remote mode): keep it off the event loop that serves every
                # websocket of this Streamlit process.
                redeemed = await run_in_threadpool(redeem(get_store()), ticket)
            except AuthgateError as error:
                return _failed(error, headers, unauthenticated=unauthenticated)
            response = JSONResponse({"ok": True}, 200, headers)
            write(response, request, redeemed, payload)
            return response

        return route

    def write_session(
        response: Response,
        request: Request,
        redeemed: tuple[str, SessionContext],
        payload: dict[str, object],
    ) -> None:
        token, context = redeemed
        jar.write(response, request, token, context)
        if payload.get("end_visitor") == "1":
            visitor_jar.clear(response, request)

    def write_visitor(
        response: Response, request: Request, started: VisitorPass, _: dict[str, object]
    ) -> None:
        visitor_jar.write_token(response, request, started.token, until=started.visitor.expires_at)

    session = ticket_route(
        lambda store: store.redeem_cookie_ticket, write_session, unauthenticated=401
    )
    visitor = ticket_route(lambda store: store.redeem_visitor_ticket, write_visitor)

    async def logout(request: Request) -> Response:
        refused = _refused(request, trusted, headers)
        if refused is not None:
            return refused
        token = request.cookies.get(jar.name)
        if token:
            try:
                await run_in_threadpool(get_store().validate_session, token)
            except NotAuthenticated:
                pass
            except StoreUnavailable as error:
                return _error(503, error.code, error.message, headers)
            except AuthgateError:
                logger.warning("unexpected error while checking a cookie to clear", exc_info=True)
            else:
                return JSONResponse({"ok": True, "cleared": False}, 200, headers)
        response = JSONResponse({"ok": True, "cleared": True}, 200, headers)
        jar.clear(response, request)
        return response

    return [
        Route(f"{base}{prefix}/session", session, methods=["POST"], name="authgate_session"),
        Route(f"{base}{prefix}/logout", logout, methods=["POST"], name="authgate_logout"),
        Route(f"{base}{prefix}/visitor", visitor, methods=["POST"], name="authgate_visitor"),
    ]
