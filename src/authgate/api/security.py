"""The bearer transport: where an access token comes from, and who is asking.

The strategy (verify the JWT, check its session) lives in
``TokenService.authenticate``; this module only takes the token out of the
``Authorization`` header and reports the client's address and user agent for
the audit trail. ``OAuth2PasswordBearer`` is used so the OpenAPI schema
declares the password flow and Swagger's "Authorize" button works.

No ``from __future__ import annotations`` here: FastAPI resolves the
dependency annotations of the nested ``authenticate`` function at runtime.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from authgate.core.errors import NotAuthenticated
from authgate.core.token_service import TokenContext, TokenService

__all__ = [
    "GetService",
    "bearer_scheme",
    "build_authenticate",
    "client_ip",
    "user_agent",
]

GetService = Callable[..., TokenService | Awaitable[TokenService]]
"""A FastAPI dependency (sync or async) that yields the ``TokenService``."""
_MAX_USER_AGENT = 512


def bearer_scheme(token_url: str) -> OAuth2PasswordBearer:
    """The OAuth2 password-flow scheme; absent tokens are our 401, not FastAPI's."""
    return OAuth2PasswordBearer(tokenUrl=token_url, auto_error=False)


def build_authenticate(
    get_service: GetService, token_url: str
) -> Callable[..., Awaitable[TokenContext]]:
    """A dependency giving the caller's ``TokenContext`` (token valid, session alive).

    The signature check runs on the event loop (CPU only, well under a
    millisecond); the session check is answered from the service's short read
    cache when it can be, else from the store in the thread pool, so a slow
    database never blocks the loop.
    """
    scheme = bearer_scheme(token_url)

    async def authenticate(
        token: Annotated[str | None, Depends(scheme)],
        tokens: Annotated[TokenService, Depends(get_service)],
    ) -> TokenContext:
        if not token:
            raise NotAuthenticated("An access token is required (Authorization: Bearer ...).")
        claims = tokens.verify(token)
        cached = tokens.cached_context(claims)
        if cached is not None:
            return cached
        return await run_in_threadpool(tokens.check_session, claims)

    return authenticate


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def user_agent(request: Request) -> str | None:
    value = request.headers.get("user-agent")
    return value[:_MAX_USER_AGENT] if value else None
