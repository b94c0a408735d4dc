"""The OAuth 2.0 endpoints: token (password and refresh grants), revocation, introspection.

Standard client libraries (Authlib, requests-oauthlib, oidc-client-ts...) log
in, refresh once the access token has expired, and revoke, knowing nothing
of authgate:

- ``POST /token`` takes ``grant_type=password`` (the default when absent, as
  it always was) or ``grant_type=refresh_token``, which rotates exactly as
  ``POST /refresh`` does: presenting a used refresh token ends its family and
  its session.
- ``POST /revoke`` (RFC 7009) ends the session behind an access or refresh
  token, and answers 200 whether or not the token was known.
- ``POST /introspect`` (RFC 7662) tells a resource server whether a token is
  active. It alone needs credentials: a confidential client with
  ``may_introspect``, or an admin's access token.

Public clients are the default (``core/tokens/clients.py``). Failures answer
in the RFC 6749 shape (``oauth_errors``). The password grant runs in the
password pool, as every login does.

No ``from __future__ import annotations``: FastAPI reads the annotations.
"""

import base64
import binascii
from typing import Annotated, Any, TypeVar
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security.http import HTTPBase
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.mfa_guard import MFA_ENROLLMENT_REQUIRED
from authgate.api.oauth_errors import (
    OAuthError,
    OAuthRoute,
    invalid_request,
    oauth_error_responses,
)
from authgate.api.routers.admin import ADMIN_ROLE
from authgate.api.routers.auth import token_login
from authgate.api.schemas import TokenResponse
from authgate.api.schemas_mfa import LoginErrorDetail
from authgate.api.schemas_oauth import (
    FORM_MEDIA_TYPE,
    ClientForm,
    IntrospectionResponse,
    TokenForm,
    TokenLookupForm,
    form_body,
)
from authgate.api.security import (
    NO_STORE,
    GetAuth,
    bearer_scheme,
    context_of,
    request_meta,
)
from authgate.core.tokens.clients import OAuthClient
from authgate.errors import InvalidClient, InvalidToken, NotAuthenticated
from authgate.root import Authgate

__all__ = ["build_oauth_router"]

F = TypeVar("F", bound=ClientForm)

_MULTIPART = "multipart/form-data"
_REVOKED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Revoked, or not a valid token: RFC 7009 answers alike."}
}

# Declares HTTP Basic client authentication in the schema; the route reads the
# header itself, so that a malformed one is invalid_client rather than FastAPI's 401.
client_basic = HTTPBase(
    scheme="basic",
    scheme_name="OAuthClientBasic",
    description="A confidential client's client_id and client_secret (RFC 6749, 2.3.1).",
    auto_error=False,
)


def build_oauth_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """The ``/token``, ``/revoke`` and ``/introspect`` routes, answering errors as RFC 6749."""
    router = APIRouter(tags=["oauth"], route_class=OAuthRoute)
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    bearer = bearer_scheme(token_url)

    @router.post(
        "/token",
        response_model=TokenResponse,
        responses=oauth_error_responses(400, 401, 429, 503),
        dependencies=NO_STORE,
        openapi_extra=form_body(TokenForm),
    )
    async def token(request: Request, auth: Auth) -> TokenResponse:
        """Get a token pair: the password grant (the default) or the refresh grant (RFC 6749).

        A used refresh token answers invalid_grant and ends its session. With
        MFA on, a right password answers invalid_grant with detail.code
        mfa_required and the ticket for POST {prefix}/login/mfa.
        """
        form = await _read_form(request, TokenForm)
        client = auth.clients.authenticate(*_client_credentials(request, form))
        if form.grant_type == "password":
            _require(username=form.username, password=form.password)
            return await pool.run(
                token_login,
                auth,
                form.username,
                form.password,
                remember=True,
                **request_meta(request),
                client_id=client.client_id,
            )
        if form.grant_type == "refresh_token":
            _require(refresh_token=form.refresh_token)
            pair = await run_in_threadpool(
                auth.tokens.refresh, form.refresh_token, client_id=client.client_id
            )
            return TokenResponse.of(pair, auth.clock.now())
        raise OAuthError(
            "unsupported_grant_type",
            "This grant type is not supported: use password or refresh_token.",
        )

    @router.post(
        "/revoke",
        response_class=Response,
        responses={**_REVOKED, **oauth_error_responses(400, 401, 503)},
        openapi_extra=form_body(TokenLookupForm),
    )
    async def revoke(request: Request, auth: Auth) -> Response:
        """Revoke an access or a refresh token (RFC 7009): its session ends, with all its tokens."""
        form = await _read_form(request, TokenLookupForm)
        auth.clients.authenticate(*_client_credentials(request, form))
        _require(token=form.token)
        await run_in_threadpool(
            auth.introspection.revoke,
            form.token,
            **request_meta(request),
        )
        return Response(status_code=200)

    @router.post(
        "/introspect",
        response_model=IntrospectionResponse,
        response_model_exclude_none=True,
        responses=oauth_error_responses(400, 401, 403, 503),
        dependencies=[*NO_STORE, Depends(client_basic)],
        openapi_extra=form_body(TokenLookupForm),
    )
    async def introspect(
        request: Request, auth: Auth, access_token: Annotated[str | None, Depends(bearer)]
    ) -> IntrospectionResponse:
        """Is a token active (RFC 7662)? For resource servers that cannot verify JWTs.

        Needs a confidential client allowed to introspect (HTTP Basic or
        client_id and client_secret) or an admin's access token (bearer).
        """
        form = await _read_form(request, TokenLookupForm)
        if access_token:
            await _require_admin(auth, access_token)
        else:
            _require_introspector(auth.clients.authenticate(*_client_credentials(request, form)))
        _require(token=form.token)
        status = await run_in_threadpool(auth.introspection.introspect, form.token)
        tokens = auth.tokens
        return IntrospectionResponse.of(status, issuer=tokens.issuer, audience=tokens.audience)

    return router


async def _read_form(request: Request, model: type[F]) -> F:
    """The form as ``model``; anything malformed is ``invalid_request``.

    Empty values count as absent and unknown parameters are ignored (RFC
    6749, section 3.1); a parameter of ``model`` given twice is refused.
    """
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (FORM_MEDIA_TYPE, _MULTIPART):
        raise invalid_request(f"Send the parameters as {FORM_MEDIA_TYPE}.")
    try:
        form = await request.form()
    except HTTPException as error:  # too many fields, or too large
        raise invalid_request("The form could not be read.") from error
    seen: set[str] = set()
    values: dict[str, str] = {}
    for name, value in form.multi_items():
        if name not in model.model_fields:
            continue
        if name in seen:
            raise invalid_request(f"{name} is given more than once.")
        if not isinstance(value, str):
            raise invalid_request(f"{name} must be text, not a file.")
        seen.add(name)
        if value:
            values[name] = value
    try:
        return model.model_validate(values)
    except ValidationError as error:  # every field is text: only a length can be wrong
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"])
        raise invalid_request(f"{name}: {first['msg']}.") from None


def _require(**values: str) -> None:
    """invalid_request naming the first of ``values`` that is missing."""
    for name, value in values.items():
        if not value:
            raise invalid_request(f"{name} is required.")


def _client_credentials(request: Request, form: ClientForm) -> tuple[str | None, str | None]:
    """The client's id and secret, from HTTP Basic or from the form, never from both.

    RFC 6749 (2.3.1): the Basic credentials are form-encoded before base64,
    so they are decoded here. A malformed header is invalid_client.
    """
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return form.client_id or None, form.client_secret or None
    if form.client_secret:
        raise invalid_request("Authenticate the client one way: HTTP Basic or client_secret.")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient() from None
    client_id, colon, secret = decoded.partition(":")
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if not colon or not client_id or (form.client_id and form.client_id != client_id):
        raise InvalidClient()
    return client_id, secret or None


def _require_introspector(client: OAuthClient) -> None:
    if not client.confidential:
        raise InvalidClient("Introspection needs client credentials or an admin's access token.")
    if not client.may_introspect:
        raise OAuthError(
            "unauthorized_client", "This client may not introspect tokens.", status=403
        )


async def _require_admin(auth: Authgate, access_token: str) -> None:
    """Introspection authorized by a bearer token (RFC 7662, 2.1): an admin's, session alive."""
    try:
        context = await context_of(auth.tokens, access_token)
    except (InvalidToken, NotAuthenticated) as error:
        raise OAuthError(
            "invalid_token",
            error.message,
            status=401,
            detail=LoginErrorDetail.of(error),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    refusal = None
    if not context.user.has_role(ADMIN_ROLE):
        refusal = ("permission_denied", "Introspection needs the admin role or client credentials.")
    elif auth.mfa.mfa_enrollment_required(context.user):
        refusal = (MFA_ENROLLMENT_REQUIRED, "Your role requires two-factor authentication.")
    if refusal is not None:
        code, message = refusal
        raise OAuthError(
            "insufficient_scope",
            message,
            status=403,
            detail=LoginErrorDetail(code=code, message=message),
            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
        )
