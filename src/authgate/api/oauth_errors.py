"""RFC 6749 section 5.2 errors at the OAuth 2.0 endpoints, beside authgate's own shape.

OAuth client libraries read ``error`` and ``error_description``; authgate's
``detail`` (code, message, and the ticket of an MFA login) rides along, so a
client that knows authgate loses nothing. Statuses follow the RFCs: 400 for a
bad request or a bad grant, 401 with ``WWW-Authenticate`` when the client (or
the bearer token at introspection) failed to authenticate, 403 for a caller
without the right; a locked account (429) and an unavailable store (503)
keep their status and ``Retry-After``.

The RFC code of a core exception follows from its status in
``STATUS_BY_ERROR``, so that table stays the one place that classifies
failures. Routes of a router built with ``route_class=OAuthRoute`` answer
this way; every other route keeps authgate's error shape.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from authgate.api.errors import retry_headers, status_for
from authgate.api.schemas_mfa import LoginErrorDetail
from authgate.api.schemas_oauth import OAuthErrorCode, OAuthErrorResponse
from authgate.errors import AuthgateError, InvalidClient

__all__ = [
    "CLIENT_CHALLENGE",
    "OAuthError",
    "OAuthRoute",
    "invalid_request",
    "oauth_error_for",
    "oauth_error_responses",
]

CLIENT_CHALLENGE = 'Basic realm="authgate"'
"""The ``WWW-Authenticate`` challenge of a failed client authentication (RFC 6749, 5.2)."""

_DESCRIPTIONS = {
    400: "invalid_request, invalid_grant (wrong password, refresh token expired, used or "
    "revoked) or unsupported_grant_type.",
    401: "invalid_client (WWW-Authenticate: Basic), or at introspection invalid_token "
    "(WWW-Authenticate: Bearer).",
    403: "unauthorized_client or insufficient_scope: authenticated, but not allowed.",
    429: "invalid_grant: too many failed logins; see Retry-After.",
    503: "temporarily_unavailable: the store is unavailable; see Retry-After.",
}


class OAuthError(Exception):
    """A failure to answer in the RFC 6749 shape: status, RFC code, description, detail."""

    def __init__(
        self,
        error: OAuthErrorCode,
        description: str,
        *,
        status: int = 400,
        detail: LoginErrorDetail | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.error: OAuthErrorCode = error
        self.description = description
        self.status = status
        self.detail = detail or LoginErrorDetail(code=error, message=description)
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        body = OAuthErrorResponse(
            error=self.error, error_description=self.description, detail=self.detail
        )
        headers = {"Cache-Control": "no-store", "Pragma": "no-cache", **self.headers}
        return JSONResponse(
            body.model_dump(mode="json", exclude_none=True),
            status_code=self.status,
            headers=headers,
        )


def invalid_request(description: str) -> OAuthError:
    """A request that is malformed: a missing, repeated or oversized parameter, not a form."""
    return OAuthError("invalid_request", description)


def oauth_error_for(error: AuthgateError) -> OAuthError | None:
    """The RFC 6749 answer to a core exception; None for a server-side fault (a 500)."""
    status = status_for(error)
    detail = LoginErrorDetail.of(error)
    if isinstance(error, InvalidClient):
        return OAuthError(
            "invalid_client",
            error.message,
            status=401,
            detail=detail,
            headers={"WWW-Authenticate": CLIENT_CHALLENGE},
        )
    if status in (401, 403):  # the password or the refresh token does not give tokens
        return OAuthError("invalid_grant", error.message, detail=detail)
    if status in (429, 503):
        code: OAuthErrorCode = "invalid_grant" if status == 429 else "temporarily_unavailable"
        return OAuthError(
            code, error.message, status=status, detail=detail, headers=retry_headers(status, error)
        )
    if status >= 500:
        return None
    return OAuthError("invalid_request", error.message, detail=detail)


def oauth_error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the RFC 6749 errors a route gives."""
    return {
        status: {"model": OAuthErrorResponse, "description": _DESCRIPTIONS[status]}
        for status in sorted(statuses)
    }


class OAuthRoute(APIRoute):
    """A route whose failures answer in the RFC 6749 shape (``APIRouter(route_class=...)``).

    It catches what the endpoint and its dependencies raise: ``OAuthError``
    as it is, core exceptions through ``oauth_error_for``. Anything else (a
    bug, a configuration error) goes on to the app's handlers.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handle_in_oauth_shape(request: Request) -> Response:
            try:
                return await handle(request)
            except OAuthError as error:
                return error.response()
            except AuthgateError as error:
                answer = oauth_error_for(error)
                if answer is None:
                    raise
                return answer.response()

        return handle_in_oauth_shape
