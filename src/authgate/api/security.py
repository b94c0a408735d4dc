"""The bearer transport: where an access token comes from, and who is asking.

The strategy (verify the JWT, check its session) lives in
``TokenService.authenticate``; this module only takes the token out of the
``Authorization`` header, reports the client's address and user agent for
the audit trail, and keeps answers that carry secrets out of caches
(``NO_STORE``). ``OAuth2PasswordBearer`` is used so the OpenAPI schema
declares the password flow and Swagger's "Authorize" button works.

No ``from __future__ import annotations`` here: FastAPI resolves the
dependency annotations of the nested ``authenticate`` function at runtime.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordBearer
from fastapi.types import DecoratedCallable
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from authgate.api.errors import error_responses
from authgate.core.login.options import RequestMeta
from authgate.core.tokens.service import TokenContext, TokenService
from authgate.errors import NotAuthenticated
from authgate.proxies import TrustedProxies
from authgate.root import Authgate

__all__ = [
    "NO_STORE",
    "GetAuth",
    "bearer_scheme",
    "build_authenticate",
    "client_ip",
    "context_of",
    "no_store",
    "request_meta",
    "secret_route",
    "user_agent",
]

GetAuth = Callable[..., Authgate | Awaitable[Authgate]]
"""A FastAPI dependency (sync or async) that yields the app's ``Authgate``."""
_MAX_USER_AGENT = 512


def bearer_scheme(token_url: str) -> OAuth2PasswordBearer:
    """The OAuth2 password-flow scheme; absent tokens are our 401, not FastAPI's."""
    return OAuth2PasswordBearer(tokenUrl=token_url, auto_error=False)


def build_authenticate(get_auth: GetAuth, token_url: str) -> Callable[..., Awaitable[TokenContext]]:
    """A dependency giving the caller's ``TokenContext`` (token valid, session alive)."""
    scheme = bearer_scheme(token_url)

    async def authenticate(
        token: Annotated[str | None, Depends(scheme)],
        auth: Annotated[Authgate, Depends(get_auth)],
    ) -> TokenContext:
        if not token:
            raise NotAuthenticated("An access token is required (Authorization: Bearer ...).")
        return await context_of(auth.tokens, token)

    return authenticate


async def context_of(tokens: TokenService, token: str) -> TokenContext:
    """Verify ``token`` and check its session, keeping the event loop free.

    The signature check runs on the loop (CPU only, well under a
    millisecond); the session check is answered from the service's short read
    cache when it can be, else from the store in the thread pool, so a slow
    database never blocks the loop. Raises what ``TokenService.authenticate``
    raises.
    """
    claims = tokens.verify(token)
    cached = tokens.cached_context(claims)
    if cached is not None:
        return cached
    return await run_in_threadpool(tokens.check_session, claims)


PROXIES_STATE_KEY = "authgate_trusted_proxies"


def trusted_proxies(request: Request) -> TrustedProxies:
    """The app's ``AUTHGATE_TRUSTED_PROXIES`` (none believed when the app did not set them)."""
    proxies: TrustedProxies | None = getattr(request.app.state, PROXIES_STATE_KEY, None)
    return proxies if proxies is not None else _NO_PROXIES


_NO_PROXIES = TrustedProxies()


def client_ip(request: Request) -> str | None:
    """The client's address: the peer, or what a trusted proxy forwarded (``X-Forwarded-For``)."""
    peer = request.client.host if request.client else None
    return trusted_proxies(request).client_ip(peer, request.headers.get("x-forwarded-for"))


def user_agent(request: Request) -> str | None:
    value = request.headers.get("user-agent")
    return value[:_MAX_USER_AGENT] if value else None


def request_meta(request: Request) -> RequestMeta:
    """Where a request comes from, as every service call that audits or opens a session takes it."""
    return {"ip": client_ip(request), "user_agent": user_agent(request)}


async def no_store(response: Response) -> None:
    """Keep secrets (tokens, seeds, codes, tickets) out of every cache (RFC 6749, section 5.1).

    A route dependency (``dependencies=NO_STORE``): the headers go on the
    route's own answer, not on an error or on a response the route builds
    itself. ``async`` so that it costs no thread hop.
    """
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


NO_STORE = (Depends(no_store),)
"""The ``dependencies`` of a route whose answer carries a secret."""


def secret_route(
    router: APIRouter, path: str, model: type[BaseModel], *errors: int, **options: Any
) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """Declare ``POST path`` on ``router``: an answer that carries a secret, never cached.

    For tokens, cookie tickets, session tokens, MFA seeds and recovery codes.
    ``model`` is the answer's schema, ``errors`` the statuses it documents
    besides 422; ``options`` go to ``router.post`` (a status code, tags).
    """
    return router.post(
        path,
        response_model=model,
        responses=error_responses(*errors),
        dependencies=NO_STORE,
        **options,
    )
