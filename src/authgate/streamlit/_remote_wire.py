"""What the remote backend reads off the wire: API errors and records.

The API answers every failure as ``{"detail": {"code", "message", "errors"}}``
with a stable code. ``ERRORS_BY_CODE`` turns that code back into the core
exception the in-process backend would have raised, carrying the API's
message (already safe to show), so the gate's pages cannot tell the two
backends apart. A test keeps the table complete.

A 5xx answer, a body that is not the API's shape, or an answer that names an
unknown route all mean the authentication server cannot serve us right now:
``StoreUnavailable`` (the gate shows its "temporarily unavailable" page).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from authgate.core import errors as e
from authgate.core.records import AuthUser, SessionRecord, StrengthEstimate

__all__ = [
    "ERRORS_BY_CODE",
    "UnexpectedAnswer",
    "error_from_response",
    "parse_session",
    "parse_strength",
    "parse_user",
]

logger = logging.getLogger("authgate.streamlit.remote")

ERRORS_BY_CODE: dict[str, type[e.AuthgateError]] = {
    cls.code: cls
    for cls in (
        e.StoreUnavailable,
        e.ConfigurationError,
        e.InvalidInput,
        e.InvalidCredentials,
        e.AccountLocked,
        e.AccountDisabled,
        e.EmailNotVerified,
        e.PasswordChangeRequired,
        e.MfaRequired,
        e.MfaInvalidCode,
        e.RegistrationClosed,
        e.UsernameTaken,
        e.EmailTaken,
        e.InvalidUsername,
        e.InvalidEmail,
        e.InvalidRole,
        e.WeakPassword,
        e.NotAuthenticated,
        e.SessionExpired,
        e.SessionRevoked,
        e.PermissionDenied,
        e.UserNotFound,
        e.InvalidToken,
        e.TokenExpired,
        e.TokenReused,
    )
}
_DEFAULT_RETRY_SECONDS = 30


class UnexpectedAnswer(ValueError):
    """The API answered something that is not what its schema promises."""


def error_from_response(response: httpx.Response) -> e.AuthgateError:
    """The core exception for an error answer of the API."""
    if response.status_code >= 500:
        logger.warning("authgate API answered %s for %s", response.status_code, response.url.path)
        return e.StoreUnavailable()
    try:
        detail = response.json()["detail"]
        code, message = str(detail["code"]), str(detail["message"])
        field_errors = detail.get("errors") or []
    except (ValueError, KeyError, TypeError):
        logger.warning(
            "answer %s from %s is not an authgate API error", response.status_code, response.url
        )
        return e.StoreUnavailable()
    cls = ERRORS_BY_CODE.get(code)
    if cls is None:
        return _unlisted(response.status_code, code, message)
    if cls is e.AccountLocked:
        seconds = _retry_after(response)
        return e.AccountLocked(datetime.now(UTC) + timedelta(seconds=seconds), seconds)
    if cls is e.MfaRequired:
        ticket = detail.get("mfa_ticket")
        return e.MfaRequired(message, ticket=ticket if isinstance(ticket, str) else None)
    if cls is e.WeakPassword:
        return e.WeakPassword(
            [
                e.PolicyViolation(code=str(item.get("code", "")), message=str(item["message"]))
                for item in field_errors
                if isinstance(item, Mapping) and "message" in item
            ]
            or [e.PolicyViolation(code="weak_password", message=message)]
        )
    return cls(message)


def _unlisted(status: int, code: str, message: str) -> e.AuthgateError:
    """An API-level code with no core class (``mfa_enrollment_required``, ``not_found``...).

    401 and 403 keep their meaning and the API's message; a route that does
    not exist means ``AUTHGATE_API_URL`` names something else.
    """
    if status == 401:
        return e.NotAuthenticated(message)
    if status == 403:
        return e.PermissionDenied(message)
    if status in {404, 405}:
        logger.warning("authgate API answered %s %r: check AUTHGATE_API_URL", status, code)
        return e.StoreUnavailable()
    return e.AuthgateError(message)


def _retry_after(response: httpx.Response) -> int:
    value = response.headers.get("retry-after", "")
    return int(value) if value.isdigit() else _DEFAULT_RETRY_SECONDS


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise UnexpectedAnswer("a timestamp must be text")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _optional_time(value: Any) -> datetime | None:
    return None if value is None else _time(value)


def parse_user(data: Any) -> AuthUser:
    """An ``AuthUser`` from the API's ``UserOut`` (or the admin view, which adds fields).

    ``UserOut`` does not publish ``updated_at``; without it, ``created_at``
    stands in (nothing in the gate reads it).
    """
    try:
        created = _time(data["created_at"])
        return AuthUser(
            id=int(data["id"]),
            username=str(data["username"]),
            email=None if data["email"] is None else str(data["email"]),
            display_name=str(data["display_name"]),
            roles=frozenset(str(r) for r in data["roles"]),
            is_active=bool(data["is_active"]),
            email_verified=bool(data["email_verified"]),
            mfa_enabled=bool(data["mfa_enabled"]),
            must_change_password=bool(data["must_change_password"]),
            created_at=created,
            updated_at=_time(data["updated_at"]) if "updated_at" in data else created,
            last_login_at=_optional_time(data["last_login_at"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnexpectedAnswer(f"not a user: {error}") from error


def parse_session(data: Any, user_id: int) -> SessionRecord:
    """A ``SessionRecord`` from the API's ``SessionOut`` (which omits the owner: ``user_id``)."""
    try:
        return SessionRecord(
            id=str(data["id"]),
            user_id=user_id,
            created_at=_time(data["created_at"]),
            last_seen_at=_time(data["last_seen_at"]),
            expires_at=_time(data["expires_at"]),
            absolute_expires_at=_time(data["absolute_expires_at"]),
            remember=bool(data["remember"]),
            ip=None if data["ip"] is None else str(data["ip"]),
            user_agent=None if data["user_agent"] is None else str(data["user_agent"]),
            mfa=bool(data.get("mfa", False)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnexpectedAnswer(f"not a session: {error}") from error


def parse_strength(data: Any) -> StrengthEstimate:
    try:
        return StrengthEstimate(
            score=int(data["score"]),
            warning=str(data["warning"]),
            suggestions=tuple(str(s) for s in data["suggestions"]),
            crack_time_display=str(data["crack_time_display"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnexpectedAnswer(f"not a strength estimate: {error}") from error
