"""What the remote backend reads off the wire: API errors and records.

Remote mode has no database: everything here is plain data from
``authgate.core`` (records and the frozen views the pages show), never a
service, so a remote gate imports no SQL layer.

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

import base64
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from authgate import errors as e
from authgate.core.mfa.service import MfaStatus
from authgate.core.mfa.totp import MfaEnrollment
from authgate.core.ports.visitors import VisitorRecord
from authgate.core.records import (
    AuditRecord,
    AuthUser,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)
from authgate.core.recovery.password_reset import PasswordResetInfo
from authgate.core.visitors import VisitorPass
from authgate.streamlit.admin_records import AdminSession, AdminUser

__all__ = [
    "ERRORS_BY_CODE",
    "MAX_FIELD",
    "MAX_LIST",
    "MAX_TOKEN",
    "STRENGTH_SAMPLE_CHARS",
    "UnexpectedAnswer",
    "error_from_response",
    "parse_admin_session",
    "parse_admin_user",
    "parse_audit",
    "parse_context",
    "parse_enrollment",
    "parse_enrollment_required",
    "parse_mfa_status",
    "parse_recovery_codes",
    "parse_reset_info",
    "parse_session",
    "parse_strength",
    "parse_user",
]

logger = logging.getLogger("authgate.streamlit.remote")

# Bounds of what the API accepts: a longer token or name cannot be valid, so it
# is refused here (or cut) rather than sent; a list is asked for at most MAX_LIST.
MAX_TOKEN = 512
MAX_FIELD = 320
MAX_LIST = 1000
# The API scores only a password's first 100 characters (ESTIMATE_MAX_CHARS of
# authgate.core.passwords.strength; a test keeps the two equal): sending more
# would only put more of the password on the wire.
STRENGTH_SAMPLE_CHARS = 100

ERRORS_BY_CODE: dict[str, type[e.AuthgateError]] = {
    cls.code: cls
    for cls in (
        e.StoreUnavailable,
        e.ConfigurationError,
        e.InvalidInput,
        e.InvalidCredentials,
        e.AccountLocked,
        e.TooManyAttempts,
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
        e.InvalidClient,
        e.TooManyVisitors,
        e.PasskeyRejected,
        e.ReauthenticationRequired,
        e.OidcFailed,
        e.OidcLinkRequired,
        e.OidcUnlinkRefused,
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
    if issubclass(cls, e.AccountLocked):
        seconds = _retry_after(response)
        return cls(datetime.now(UTC) + timedelta(seconds=seconds), seconds)
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
    if cls is e.OidcFailed:
        reason = detail.get("reason")
        return e.OidcFailed(reason if isinstance(reason, str) else "provider_error", message)
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


def parse_context(data: Any) -> SessionContext:
    """The ``{"user", "session"}`` of every answer that describes a session."""
    user = parse_user(data["user"])
    return SessionContext(user=user, session=parse_session(data["session"], user.id))


def parse_enrollment_required(data: Any) -> bool:
    """The server's MFA rule in a session answer (absent from older servers: not required)."""
    value = data.get("mfa_enrollment_required", False)
    if not isinstance(value, bool):
        raise UnexpectedAnswer("mfa_enrollment_required must be true or false")
    return value


def parse_admin_user(data: Any) -> AdminUser:
    return AdminUser(
        user=parse_user(data),
        failed_attempts=int(data.get("failed_attempts", 0)),
        locked_until=_optional_time(data.get("locked_until")),
    )


def parse_admin_session(data: Any) -> AdminSession:
    return AdminSession(
        session=parse_session(data, int(data["user_id"])), username=str(data["username"])
    )


def parse_audit(data: Any) -> AuditRecord:
    return AuditRecord(
        id=int(data["id"]),
        occurred_at=_time(data["occurred_at"]),
        event_type=str(data["event_type"]),
        outcome=str(data["outcome"]),
        user_id=None if data["user_id"] is None else int(data["user_id"]),
        actor_id=None if data["actor_id"] is None else int(data["actor_id"]),
        username=None if data["username"] is None else str(data["username"]),
        ip=None if data["ip"] is None else str(data["ip"]),
        user_agent=None if data["user_agent"] is None else str(data["user_agent"]),
        detail=dict(data["detail"]),
    )


def parse_mfa_status(data: Any) -> MfaStatus:
    return MfaStatus(
        enabled=bool(data["enabled"]),
        confirmed_at=_optional_time(data.get("confirmed_at")),
        recovery_codes_left=int(data["recovery_codes_left"]),
        enrollment_required=bool(data.get("enrollment_required", False)),
    )


def parse_enrollment(data: Any) -> MfaEnrollment:
    return MfaEnrollment(
        secret=str(data["secret"]),
        provisioning_uri=str(data["provisioning_uri"]),
        qr_png=base64.b64decode(str(data["qr_png_base64"])),
        qr_svg=str(data["qr_svg"]),
    )


def parse_recovery_codes(data: Any) -> list[str]:
    return [str(code) for code in data["recovery_codes"]]


def parse_reset_info(data: Any) -> PasswordResetInfo:
    return PasswordResetInfo(
        username=str(data["username"]),
        mfa_required=bool(data["mfa_required"]),
        expires_at=_time(data["expires_at"]),
    )


def parse_visitor(data: Any) -> VisitorRecord:
    """A ``VisitorRecord`` from the API's ``VisitorOut`` (its expiry stands in for its start)."""
    expires = _time(data["expires_at"])
    return VisitorRecord(id=str(data["visitor_id"]), created_at=expires, expires_at=expires)


def parse_visitor_pass(data: Any) -> VisitorPass:
    """A ``VisitorPass`` from the API's ``VisitorPassOut``."""
    return VisitorPass(visitor=parse_visitor(data), token=str(data["visitor_token"]))
