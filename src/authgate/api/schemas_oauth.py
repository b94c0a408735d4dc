"""Bodies of the OAuth 2.0 endpoints: token (RFC 6749), revocation (RFC 7009),
introspection (RFC 7662), server metadata (RFC 8414), and their error shape.

The requests are forms (``application/x-www-form-urlencoded``) that the
router reads itself (``routers/oauth.py``), so that a malformed one is RFC
6749's ``invalid_request`` (400) rather than authgate's 422. A parameter sent
empty counts as absent (RFC 6749, section 3.1): every field defaults to
``""``, and which ones a grant needs is the router's check. Unknown
parameters are ignored, as the RFC asks.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from authgate.api.schemas_mfa import LoginErrorDetail
from authgate.core.tokens.introspection import TokenStatus

__all__ = [
    "FORM_MEDIA_TYPE",
    "AuthorizationServerMetadata",
    "ClientForm",
    "IntrospectionResponse",
    "OAuthErrorCode",
    "OAuthErrorResponse",
    "TokenForm",
    "TokenLookupForm",
    "form_body",
]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
_TOKEN_LENGTH = 8192

OAuthErrorCode = Literal[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "temporarily_unavailable",
    "invalid_token",
    "insufficient_scope",
]


def _param(description: str, *, max_length: int, default: str = "", secret: bool = False) -> Any:
    """A form parameter: text, ``default`` when absent; a secret one is masked in Swagger UI."""
    extra: dict[str, Any] | None = {"format": "password"} if secret else None
    return Field(
        default=default, max_length=max_length, description=description, json_schema_extra=extra
    )


class ClientForm(BaseModel):
    """Client authentication in the body (``client_secret_post``); HTTP Basic is the other way.

    A public client sends its ``client_id`` alone, or nothing at all.
    """

    client_id: str = _param("The client's identifier.", max_length=128)
    client_secret: str = _param("A confidential client's secret.", max_length=512, secret=True)


class TokenForm(ClientForm):
    """A token request: the password grant (RFC 6749, 4.3) or a refresh (section 6)."""

    grant_type: str = _param(
        "password (the default when absent) or refresh_token; any other answers 400 "
        "unsupported_grant_type.",
        max_length=64,
        default="password",
    )
    username: str = _param("Password grant: username or email address.", max_length=320)
    password: str = _param("Password grant: the password.", max_length=4096, secret=True)
    refresh_token: str = _param("Refresh grant: the refresh token (single-use).", max_length=512)
    scope: str = _param(
        "Accepted and ignored: what a token allows comes from the user's roles.", max_length=1024
    )


class TokenLookupForm(ClientForm):
    """A revocation (RFC 7009) or introspection (RFC 7662) request."""

    token: str = _param("An access token or a refresh token.", max_length=_TOKEN_LENGTH)
    token_type_hint: str = _param(
        "access_token or refresh_token. Accepted and not needed: both kinds are "
        "recognised, so no hint changes the answer.",
        max_length=64,
    )


def form_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``model`` as the route's form body (the route reads it)."""
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {FORM_MEDIA_TYPE: {"schema": schema}}}}


class IntrospectionResponse(BaseModel):
    """RFC 7662, section 2.2: ``{"active": false}`` alone for every token that is not active.

    ``token_type`` is ``bearer`` for access tokens and ``refresh_token`` for
    refresh tokens: a resource server must accept only ``bearer`` ones.
    """

    active: bool
    token_type: Literal["bearer", "refresh_token"] | None = None
    sub: str | None = Field(default=None, description="The user id.")
    username: str | None = None
    exp: int | None = None
    iat: int | None = None
    client_id: str | None = Field(
        default=None, description="The client that asked for the access token, when known."
    )
    iss: str | None = None
    aud: str | None = None
    sid: str | None = Field(default=None, description="The session the token belongs to.")

    @classmethod
    def of(cls, status: TokenStatus | None, *, issuer: str, audience: str) -> IntrospectionResponse:
        if status is None:
            return cls(active=False)
        access = status.kind == "access_token"
        return cls(
            active=True,
            token_type="bearer" if access else "refresh_token",
            sub=str(status.user.id),
            username=status.user.username,
            exp=int(status.expires_at.timestamp()),
            iat=int(status.issued_at.timestamp()),
            client_id=status.client_id,
            iss=issuer,
            aud=audience if access else None,
            sid=status.session_id,
        )


class OAuthErrorResponse(BaseModel):
    """An RFC 6749 section 5.2 error, with authgate's own error detail beside it."""

    error: OAuthErrorCode
    error_description: str
    detail: LoginErrorDetail = Field(
        description="authgate's code and message; with mfa_required, the ticket to "
        "complete at POST {prefix}/login/mfa."
    )


class AuthorizationServerMetadata(BaseModel):
    """RFC 8414, section 2: where the endpoints are and what they support."""

    issuer: str
    token_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    jwks_uri: str
    grant_types_supported: list[str]
    response_types_supported: list[str] = Field(
        description="Empty: there is no authorization endpoint."
    )
    token_endpoint_auth_methods_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    introspection_endpoint_auth_methods_supported: list[str]
    service_documentation: str
