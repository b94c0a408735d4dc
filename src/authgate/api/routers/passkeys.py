"""Passkeys: adding and removing one's own, logging in with one, re-authenticating.

Every answer that carries a challenge or a token is ``no-store``. Adding or
removing needs a login younger than ten minutes or a ``reauth_token`` from
``/passkeys/reauth/password`` or ``/passkeys/reauth/verify`` (403
``reauthentication_required`` otherwise). Registration and re-authentication
challenges are bound to the caller's session; a login challenge to whoever
holds its ``challenge_id``. Wrong answers are 400 ``passkey_rejected``; an
unknown, spent or expired challenge 401 ``invalid_token``/``token_reused``/
``token_expired``: never a 500.

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response, status

from authgate.api.errors import error_responses
from authgate.api.routers.admin_passkeys import PasskeyId
from authgate.api.schemas import TokenResponse
from authgate.api.schemas_passkeys import (
    PasskeyLoginOptionsRequest,
    PasskeyLoginRequest,
    PasskeyOptionsOut,
    PasskeyOut,
    PasskeyRegisterRequest,
    PasskeyVerifyRequest,
    ReauthOptionsRequest,
    ReauthOut,
    ReauthPasswordRequest,
)
from authgate.api.security import (
    GetAuth,
    build_authenticate,
    client_ip,
    request_meta,
    secret_route,
    user_agent,
)
from authgate.core.login.passkey import passkey_credentials
from authgate.core.records import Client
from authgate.core.tokens.service import TokenContext
from authgate.root import Authgate

__all__ = ["build_passkeys_router"]


def build_passkeys_router(get_auth: GetAuth, *, token_url: str) -> APIRouter:
    """Passkey routes: registration and management (bearer token), login (none)."""
    router = APIRouter(tags=["passkeys"])
    Auth = Annotated[Authgate, Depends(get_auth)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_auth, token_url))]

    def client(request: Request) -> Client:
        return Client.of(client_ip(request), user_agent(request))

    @secret_route(router, "/passkeys/register/options", PasskeyOptionsOut, 401, 403, 503)
    def register_options(
        caller: Caller, auth: Auth, body: ReauthOptionsRequest | None = None
    ) -> PasskeyOptionsOut:
        """Creation options for a new passkey (discoverable, user verification, no attestation)."""
        token = body.reauth_token if body else None
        issued = auth.passkeys.registration_options(
            caller.user.id, caller.claims.sid, reauth_token=token
        )
        return PasskeyOptionsOut.of(issued)

    @router.post(
        "/passkeys/register/verify",
        response_model=PasskeyOut,
        status_code=status.HTTP_201_CREATED,
        responses=error_responses(400, 401, 503),
    )
    def register_verify(
        body: PasskeyRegisterRequest, request: Request, caller: Caller, auth: Auth
    ) -> PasskeyOut:
        """Store the passkey the browser created for ``challenge_id``."""
        added = auth.passkeys.register(
            caller.user.id,
            caller.claims.sid,
            body.challenge_id,
            body.credential,
            name=body.name,
            **request_meta(request),
        )
        return PasskeyOut.of(added)

    @router.get("/passkeys", response_model=list[PasskeyOut], responses=error_responses(401, 503))
    def list_passkeys(caller: Caller, auth: Auth) -> list[PasskeyOut]:
        """The caller's passkeys, oldest first."""
        return [PasskeyOut.of(p) for p in auth.passkeys.list(caller.user.id)]

    @router.delete(
        "/passkeys/{passkey_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=error_responses(401, 403, 404, 503),
    )
    def remove_passkey(
        passkey_id: PasskeyId,
        request: Request,
        caller: Caller,
        auth: Auth,
        x_reauth_token: Annotated[str | None, Header(max_length=512)] = None,
    ) -> Response:
        """Remove one of the caller's passkeys; an old login sends ``X-Reauth-Token``."""
        auth.passkeys.remove(
            caller.user.id,
            caller.claims.sid,
            passkey_id,
            reauth_token=x_reauth_token,
            **request_meta(request),
        )
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @secret_route(router, "/passkeys/login/options", PasskeyOptionsOut, 401, 503)
    def login_options(
        auth: Auth, body: PasskeyLoginOptionsRequest | None = None
    ) -> PasskeyOptionsOut:
        """Request options for a usernameless login, or (with ``mfa_ticket``) the second step."""
        ticket = body.mfa_ticket if body else None
        return PasskeyOptionsOut.of(auth.passkeys.login_options(mfa_ticket=ticket))

    @secret_route(router, "/passkeys/login/verify", TokenResponse, 400, 401, 403, 429, 503)
    def login_verify(body: PasskeyLoginRequest, request: Request, auth: Auth) -> TokenResponse:
        """Log in with the passkey answer: the usual token pair. A passkey with user
        verification is two factors, so no code step follows."""
        method = "passkey" if body.mfa_ticket is None else "passkey_second_factor"
        credentials = passkey_credentials(
            body.challenge_id, body.credential, ticket=body.mfa_ticket
        )
        pair = auth.logins.login_with(
            auth.tokens,
            method,
            credentials,
            remember=body.remember,
            **request_meta(request),
            visitor=body.visitor_token,
        )
        return TokenResponse.of(pair, auth.clock.now())

    @secret_route(router, "/passkeys/reauth/password", ReauthOut, 401, 429, 503)
    def reauth_password(
        body: ReauthPasswordRequest, request: Request, caller: Caller, auth: Auth
    ) -> ReauthOut:
        """Confirm it is you with your password: a ``reauth_token`` for ten minutes."""
        granted = auth.passkeys.recent.confirm_password(
            caller.user.id, caller.claims.sid, body.password, client(request)
        )
        return ReauthOut.of(granted)

    @secret_route(router, "/passkeys/reauth/options", PasskeyOptionsOut, 401, 503)
    def reauth_options(caller: Caller, auth: Auth) -> PasskeyOptionsOut:
        """A challenge for one of your passkeys, to confirm it is you."""
        issued = auth.passkeys.recent.passkey_options(caller.user.id, caller.claims.sid)
        return PasskeyOptionsOut.of(issued)

    @secret_route(router, "/passkeys/reauth/verify", ReauthOut, 400, 401, 429, 503)
    def reauth_verify(
        body: PasskeyVerifyRequest, request: Request, caller: Caller, auth: Auth
    ) -> ReauthOut:
        """Confirm it is you with a passkey: a ``reauth_token`` for ten minutes."""
        granted = auth.passkeys.recent.confirm_passkey(
            caller.user.id, caller.claims.sid, body.challenge_id, body.credential, client(request)
        )
        return ReauthOut.of(granted)

    return router
