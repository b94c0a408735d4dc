"""One error shape for the whole API, and the one table from exceptions to statuses.

Every failure answers ``{"detail": {"code": ..., "message": ..., "errors": [...]}}``
(FastAPI's ``detail`` envelope with a machine-readable code): typed core
exceptions, malformed bodies (422), unknown routes (404) and anything else.
``code`` is stable and meant for programs; ``message`` is safe to show.

401 answers carry ``WWW-Authenticate: Bearer`` (RFC 6750), 429 and 503 carry
``Retry-After``. ``STATUS_BY_ERROR`` names every exception of
``authgate.errors`` explicitly; a test keeps it complete.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from authgate import errors as e

__all__ = [
    "STATUS_BY_ERROR",
    "ApiError",
    "ErrorDetail",
    "ErrorResponse",
    "FieldError",
    "error_response",
    "error_responses",
    "install_error_handlers",
    "retry_headers",
    "status_for",
]

logger = logging.getLogger("authgate.api")

STATUS_BY_ERROR: dict[type[e.AuthgateError], int] = {
    e.AuthgateError: 400,
    e.ConfigurationError: 500,
    e.StoreUnavailable: 503,
    e.InvalidInput: 422,
    e.InvalidUsername: 422,
    e.InvalidEmail: 422,
    e.InvalidRole: 422,
    e.WeakPassword: 422,
    e.InvalidCredentials: 401,
    e.MfaRequired: 401,
    e.MfaInvalidCode: 401,
    e.PasskeyRejected: 400,
    e.ReauthenticationRequired: 403,
    e.InvalidClient: 401,
    e.NotAuthenticated: 401,
    e.SessionExpired: 401,
    e.SessionRevoked: 401,
    e.InvalidToken: 401,
    e.TokenExpired: 401,
    e.TokenReused: 401,
    e.AccountLocked: 429,
    e.TooManyVisitors: 429,
    e.TooManyAttempts: 429,
    e.AccountDisabled: 403,
    e.EmailNotVerified: 403,
    e.PasswordChangeRequired: 403,
    e.RegistrationClosed: 403,
    e.PermissionDenied: 403,
    e.UserNotFound: 404,
    e.UsernameTaken: 409,
    e.EmailTaken: 409,
    e.OidcFailed: 400,
    e.OidcLinkRequired: 409,
    e.OidcUnlinkRefused: 409,
}

_STORE_RETRY_SECONDS = 5
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


class FieldError(BaseModel):
    """One reason a value was refused: where, a stable code, and what to tell the user."""

    loc: list[str | int] = Field(default_factory=list)
    code: str
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="A message safe to show to the user.")
    errors: list[FieldError] = Field(
        default_factory=list, description="Per-field reasons (malformed bodies, weak passwords)."
    )


class ErrorResponse(BaseModel):
    """The body of every error answer."""

    detail: ErrorDetail


class ApiError(Exception):
    """An API-level failure that is not a domain error (for example a 404 for a path id)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def status_for(error: e.AuthgateError) -> int:
    """The status of the nearest class in the table (every core class is listed)."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries so the schema documents every error a route gives."""
    return {
        status: {"model": ErrorResponse, "description": _describe(status)}
        for status in sorted({*statuses, 422})
    }


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """An error answer in the one shape, for middleware that answers before any route runs.

    Middleware sits outside the exception handlers, so it cannot raise its way
    to them; this keeps its answers in the shape clients already parse.
    """
    response = _respond(status, _body(code, message, errors))
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(e.AuthgateError, _authgate_error)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)


def _body(code: str, message: str, errors: list[FieldError] | None = None) -> dict[str, Any]:
    detail = ErrorDetail(code=code, message=message, errors=errors or [])
    return ErrorResponse(detail=detail).model_dump(mode="json")


def retry_headers(status: int, error: Exception | None = None) -> dict[str, str]:
    """``Retry-After`` for a lockout (its own delay) and for a 503 (the store's); else none."""
    if isinstance(error, e.AccountLocked):
        return {"Retry-After": str(error.retry_after_seconds)}
    if status == 503:
        return {"Retry-After": str(_STORE_RETRY_SECONDS)}
    return {}


def _respond(status: int, body: dict[str, Any], *, error: Exception | None = None) -> JSONResponse:
    headers = retry_headers(status, error)
    if status == 401:
        bad_token = isinstance(error, e.InvalidToken)
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"' if bad_token else "Bearer"
    return JSONResponse(body, status_code=status, headers=headers)


async def _authgate_error(_request: Request, error: e.AuthgateError) -> JSONResponse:
    status = status_for(error)
    if status >= 500 and not isinstance(error, e.StoreUnavailable):  # the store logs outages once
        logger.error("authgate API error %s: %s", error.code, error.message, exc_info=error)
    errors = None
    if isinstance(error, e.WeakPassword):
        errors = [
            FieldError(loc=["body", "password"], code=v.code, message=v.message)
            for v in error.violations
        ]
    return _respond(status, _body(error.code, error.message, errors), error=error)


async def _api_error(_request: Request, error: ApiError) -> JSONResponse:
    return _respond(error.status, _body(error.code, error.message))


async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
    errors = [
        FieldError(
            loc=[p for p in item.get("loc", ()) if isinstance(p, str | int)],
            code=str(item.get("type", "invalid")),
            message=str(item.get("msg", "")),
        )
        for item in error.errors()
    ]
    return _respond(422, _body("invalid_input", "The request is not valid.", errors))


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    if error.status_code == 400:
        # FastAPI's "error parsing the body" (bytes that are not UTF-8 JSON or a
        # form): a malformed body like any other, so the same 422.
        return _respond(422, _body("invalid_input", "The request body could not be parsed."))
    code = _HTTP_CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else "The request failed."
    response = _respond(error.status_code, _body(code, message))
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    if error.status_code == 405:
        allowed = _allowed_methods(request)
        if allowed:
            response.headers["Allow"] = allowed
    return response


def _allowed_methods(request: Request) -> str:
    """Every method the schema documents for this path, for a 405's ``Allow`` header.

    Starlette lists only the methods of the first route whose path matched, so
    a path served by several routes (GET and PATCH ``/me``) would advertise
    one of them. Among matching templates the most specific wins (fewest
    parameters), as in routing: ``/sessions/revoke-others`` is not also a
    ``/sessions/{session_id}``.
    """
    openapi = getattr(request.app, "openapi", None)
    paths = openapi().get("paths", {}) if callable(openapi) else {}
    path = str(request.scope.get("path", ""))
    root = str(request.scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    matches = [t for t in paths if _template(t).fullmatch(path)]
    if not matches:
        return ""
    fewest = min(t.count("{") for t in matches)
    methods = {
        m.upper() for t in matches if t.count("{") == fewest for m in paths[t] if m in _HTTP_METHODS
    }
    return ", ".join(sorted(methods))


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


@functools.lru_cache(maxsize=256)
def _template(path_template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^{}]+\}", path_template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


async def _unexpected_error(_request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected error in the authgate API", exc_info=error)
    return _respond(500, _body("internal_error", "Something went wrong on our side."))


def _describe(status: int) -> str:
    return {
        401: "Not authenticated, or the credentials or token are not valid.",
        403: "Authenticated, but not allowed.",
        404: "Not found.",
        409: "Conflicts with an existing account.",
        422: "The request body or parameters are not valid.",
        429: "Too many failed attempts; see Retry-After.",
        503: "The store is unavailable; see Retry-After.",
    }.get(status, "Error.")
