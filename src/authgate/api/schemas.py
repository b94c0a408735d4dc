"""Request and response bodies of the JSON API: the contract the OpenAPI schema publishes.

Lengths are capped here so that absurd inputs are refused as 422 before any
work is done; the real rules (username syntax, password policy) stay in the
core and come back as typed errors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, StrictBool

from authgate.api.schemas_visitors import HandedVisitor
from authgate.core.records import AuthUser, SessionRecord
from authgate.core.tokens.jwt_tokens import AccessClaims
from authgate.core.tokens.service import TokenPair

__all__ = [
    "ClaimsOut",
    "HealthResponse",
    "JwksResponse",
    "LoginRequest",
    "LogoutRequest",
    "PasswordChangeRequest",
    "PasswordChangeResponse",
    "RecordOut",
    "RefreshRequest",
    "RegisterRequest",
    "SelfRegisterRequest",
    "SessionOut",
    "TokenFields",
    "TokenResponse",
    "UserOut",
    "VerifyRequest",
    "VerifyResponse",
]

_PASSWORD = Field(min_length=1, max_length=4096)
_TOKEN_LENGTH = 8192


class RegisterRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = _PASSWORD
    email: str | None = Field(default=None, max_length=320)
    display_name: str | None = Field(default=None, max_length=128)


class SelfRegisterRequest(RegisterRequest):
    visitor_token: HandedVisitor = None


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=320, description="Username or email address.")
    password: str = _PASSWORD
    remember: StrictBool = Field(
        default=True,
        description="Long-lived session (refresh tokens last their full lifetime); "
        "false bounds them by the ordinary session lifetime and idle timeout.",
    )
    visitor_token: HandedVisitor = None


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class LogoutRequest(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=512)


class VerifyRequest(BaseModel):
    token: str = Field(min_length=1, max_length=_TOKEN_LENGTH, description="An access token.")


class PasswordChangeRequest(BaseModel):
    current_password: str = _PASSWORD
    new_password: str = _PASSWORD


class RecordOut(BaseModel):
    """An answer filled from a core record, each field from the attribute of the same name."""

    @classmethod
    def from_record(cls, record: object, **fields: Any) -> Self:
        """The answer for ``record``; ``fields`` give what it lacks or holds in another form."""
        copied = {name: getattr(record, name) for name in cls.model_fields if name not in fields}
        return cls(**copied, **fields)


class UserOut(RecordOut):
    id: int
    username: str
    email: str | None
    display_name: str
    roles: list[str]
    is_active: bool
    email_verified: bool
    mfa_enabled: bool
    must_change_password: bool
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, user: AuthUser, **fields: Any) -> Self:
        """The user with their roles sorted; ``fields`` fill what a subclass adds."""
        return cls.from_record(user, roles=sorted(user.roles), **fields)


class TokenFields(BaseModel):
    """The OAuth 2.0 token response fields (RFC 6749 section 5.1), in every answer with a pair."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - RFC 6750 token type
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    refresh_token_expires_in: int = Field(description="Seconds until the refresh token expires.")

    @staticmethod
    def fields_of(pair: TokenPair, now: datetime) -> dict[str, Any]:
        """The token fields of ``pair``, lifetimes counted from ``now`` (never negative)."""
        return {
            "access_token": pair.access_token,
            "expires_in": max(0, int((pair.expires_at - now).total_seconds())),
            "refresh_token": pair.refresh_token,
            "refresh_token_expires_in": max(
                0, int((pair.refresh_expires_at - now).total_seconds())
            ),
        }


class TokenResponse(TokenFields):
    """OAuth 2.0 token response fields (RFC 6749 section 5.1) plus the user."""

    user: UserOut

    @classmethod
    def of(cls, pair: TokenPair, now: datetime) -> TokenResponse:
        return cls(**TokenFields.fields_of(pair, now), user=UserOut.of(pair.user))


class ClaimsOut(BaseModel):
    sub: str
    username: str
    roles: list[str]
    sid: str
    jti: str
    iat: int
    exp: int
    iss: str
    aud: str
    amr: list[str]

    @classmethod
    def of(cls, claims: AccessClaims) -> ClaimsOut:
        return cls.model_validate(claims.to_payload())


class VerifyResponse(BaseModel):
    active: Literal[True] = True
    claims: ClaimsOut
    user: UserOut


class SessionFieldsOut(RecordOut):
    """What every answer about a session shows (the owner's own list and the admin's)."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    absolute_expires_at: datetime
    remember: bool
    mfa: bool
    ip: str | None
    user_agent: str | None


class SessionOut(SessionFieldsOut):
    current: bool = Field(description="True for the session of the token used to ask.")

    @classmethod
    def of(cls, record: SessionRecord, *, current_id: str) -> SessionOut:
        return cls.from_record(record, current=record.id == current_id)


class PasswordChangeResponse(BaseModel):
    sessions_ended: int = Field(description="How many other sessions were ended.")


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class JwksResponse(BaseModel):
    keys: list[dict[str, str]]
