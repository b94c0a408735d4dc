"""Sign in with an identity provider from an API client (a single-page or mobile app).

1. ``GET {prefix}/oidc/providers`` lists the providers;
2. ``GET {prefix}/oidc/<name>/authorize?redirect_uri=<client URI>`` (the URI
   must be listed in ``AUTHGATE_OIDC_API_REDIRECT_URIS``) sends the browser to
   the provider, with the flow bound to that browser by an HttpOnly cookie;
3. ``GET {prefix}/oidc/<name>/callback`` (registered at the provider as
   ``AUTHGATE_PUBLIC_URL`` + this path) verifies the answer and returns to the
   client's URI with ``?code=`` (single use, 60 s) or ``?error=<reason>``;
4. ``POST {prefix}/oidc/exchange`` trades the code for the usual token pair,
   or answers 401 ``mfa_required`` with a ticket for ``{prefix}/login/mfa``.

Router modules do not use ``from __future__ import annotations``: FastAPI reads
the ``Annotated`` dependency aliases defined inside the factories at runtime.
"""

import hashlib
from typing import Annotated
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from authgate.api.errors import error_responses
from authgate.api.routers.auth import mfa_step_answer
from authgate.api.schemas import TokenResponse
from authgate.api.schemas_oidc import OidcExchangeRequest, ProviderOut
from authgate.api.security import GetAuth, client_ip, request_meta, secret_route, user_agent
from authgate.core.oidc.api_codes import issue_api_code, redeem_api_code
from authgate.core.oidc.login import oidc_credentials
from authgate.errors import InvalidInput, MfaRequired, OidcFailed
from authgate.root import Authgate

__all__ = ["build_oidc_router"]

_BINDING_SECONDS = 600
_NO_STORE = {"Cache-Control": "no-store"}


def _binding_cookie(state: str) -> str:
    return "authgate_api_oidc_" + hashlib.sha256(state.encode()).hexdigest()[:16]


def _with_query(uri: str, **query: str) -> str:
    parts = urlsplit(uri)
    joined = "&".join(q for q in (parts.query, urlencode(query)) if q)
    return urlunsplit(parts._replace(query=joined))


def build_oidc_router(get_auth: GetAuth, *, prefix: str) -> APIRouter:
    """The API's provider flow; ``prefix`` is the API's mount point (for the callback URI)."""
    router = APIRouter(tags=["oidc"])
    Auth = Annotated[Authgate, Depends(get_auth)]
    flow_path = f"{prefix}/oidc/"

    def callback_uri(auth: Authgate, name: str) -> str:
        return f"{auth.settings.public_url}{prefix}/oidc/{name}/callback"

    @router.get("/oidc/providers", response_model=list[ProviderOut])
    def providers(auth: Auth) -> list[ProviderOut]:
        """The configured identity providers."""
        return [
            ProviderOut(
                name=p.name, label=p.label, authorize_url=f"{prefix}/oidc/{p.name}/authorize"
            )
            for p in auth.settings.oidc_providers
        ]

    @router.get(
        "/oidc/{name}/authorize",
        status_code=status.HTTP_303_SEE_OTHER,
        response_class=RedirectResponse,
        responses=error_responses(400, 503),
    )
    def authorize(
        name: str, auth: Auth, redirect_uri: Annotated[str, Query(max_length=2048)]
    ) -> RedirectResponse:
        """Send the browser to the provider; it comes back to the client's ``redirect_uri``."""
        if redirect_uri not in auth.settings.oidc_api_redirect_uris:
            raise InvalidInput("This redirect_uri is not allowed for the provider sign-in.")
        started = auth.oidc.begin(
            name, redirect_uri=callback_uri(auth, name), purpose="api", return_to=redirect_uri
        )
        response = RedirectResponse(started.url, status_code=303, headers=_NO_STORE)
        response.set_cookie(
            _binding_cookie(started.state),
            started.binding,
            max_age=_BINDING_SECONDS,
            path=flow_path,
            httponly=True,
            samesite="lax",
            secure=auth.settings.fixed_public_url.startswith("https://"),
        )
        return response

    @router.get(
        "/oidc/{name}/callback",
        status_code=status.HTTP_303_SEE_OTHER,
        response_class=RedirectResponse,
        responses=error_responses(400, 503),
    )
    def callback(name: str, request: Request, auth: Auth) -> Response:
        """Verify the provider's answer; back to the client with ``code`` or ``error``."""
        params = {
            key: request.query_params[key][:2048]
            for key in ("state", "code", "error")
            if key in request.query_params
        }
        cookie = _binding_cookie(params.get("state", ""))
        try:
            assertion = auth.oidc.finish(
                name,
                params,
                binding=request.cookies.get(cookie),
                **request_meta(request),
            )
        except OidcFailed as failure:
            if failure.return_to is None:
                raise
            target = _with_query(failure.return_to, error=failure.reason)
            response = RedirectResponse(target, status_code=303, headers=_NO_STORE)
        else:
            if assertion.purpose != "api" or assertion.return_to is None:
                raise OidcFailed("state_invalid")
            code = issue_api_code(auth.uow, auth.clock, assertion)
            target = _with_query(assertion.return_to, code=code)
            response = RedirectResponse(target, status_code=303, headers=_NO_STORE)
        response.delete_cookie(cookie, path=flow_path)
        return response

    @secret_route(router, "/oidc/exchange", TokenResponse, 400, 401, 403, 409, 429, 503)
    async def exchange(
        body: OidcExchangeRequest, request: Request, auth: Auth
    ) -> TokenResponse | JSONResponse:
        """Trade the callback's code (single use, 60 s) for an access and a refresh token."""
        ip, agent = client_ip(request), user_agent(request)

        def log_in() -> TokenResponse:
            assertion = redeem_api_code(auth.uow, auth.clock, body.code)
            pair = auth.logins.login_with(
                auth.tokens,
                "oidc",
                oidc_credentials(assertion),
                ip=ip,
                user_agent=agent,
                visitor=body.visitor_token,
            )
            return TokenResponse.of(pair, auth.clock.now())

        try:
            return await run_in_threadpool(log_in)
        except MfaRequired as required:
            return mfa_step_answer(required)

    return router
