"""The caller's own account: register, who am I, change password.

Router modules do not use ``from __future__ import annotations``: FastAPI reads
the ``Annotated`` dependency aliases defined inside the factories at runtime.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from starlette.concurrency import run_in_threadpool

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import error_responses
from authgate.api.schemas import (
    PasswordChangeRequest,
    PasswordChangeResponse,
    RegisterRequest,
    SelfRegisterRequest,
    UserOut,
)
from authgate.api.schemas_oidc import MeOut
from authgate.api.security import GetAuth, build_authenticate, request_meta
from authgate.core.records import AuthUser
from authgate.core.tokens.service import TokenContext
from authgate.root import Authgate

__all__ = ["build_account_router", "register_from"]


def build_account_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """Registration and the caller's own account; password hashing runs in ``password_pool``."""
    router = APIRouter(tags=["account"])
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_auth, token_url))]

    @router.post(
        "/register",
        status_code=status.HTTP_201_CREATED,
        response_model=UserOut,
        responses=error_responses(403, 409, 503),
    )
    async def register(body: SelfRegisterRequest, request: Request, auth: Auth) -> UserOut:
        """Create an account with the default roles (when self-registration is open).

        With an email address and mail configured, a 24-hour verification link
        is mailed at once (delivery happens after the answer, in the background).
        With a ``visitor_token``, that anonymous visitor's data is handed to the
        new account (the application's hook) and the visitor ends.
        """
        # The link is sent by core's registration, as for every self-registration.
        user = await register_from(pool, auth, body, **request_meta(request))
        if body.visitor_token:
            await run_in_threadpool(auth.visitors.adopt, body.visitor_token, user)
        return UserOut.of(user)

    @router.get("/me", response_model=MeOut, responses=error_responses(401, 503))
    async def me(caller: Caller, auth: Auth) -> MeOut:
        """The current user, as the store has it now (roles and linked identities included).

        Identities exist only through a configured provider; without one the
        answer needs no store read and no thread (the hot path: 10x the rate).
        """
        if not auth.settings.oidc_providers:
            return MeOut.with_identities(caller.user, [])
        identities = await run_in_threadpool(auth.identities.list_for, caller.user.id)
        return MeOut.with_identities(caller.user, identities)

    @router.post(
        "/password", response_model=PasswordChangeResponse, responses=error_responses(401, 429, 503)
    )
    async def change_password(
        body: PasswordChangeRequest, request: Request, caller: Caller, auth: Auth
    ) -> PasswordChangeResponse:
        """Change one's password; every other session (and its tokens) ends, this one stays."""
        ended = await pool.run(
            auth.accounts.change_password,
            caller.user.id,
            body.current_password,
            body.new_password,
            keep_session_id=caller.claims.sid,
            **request_meta(request),
        )
        return PasswordChangeResponse(sessions_ended=ended)

    return router


async def register_from(
    pool: PasswordWorkPool, auth: Authgate, body: RegisterRequest, **options: Any
) -> AuthUser:
    """Create the account ``body`` describes, hashing its password in ``pool``.

    ``options`` are the rest of ``AccountService.register``'s keywords: the
    client's address for a self-registration, the roles and the acting admin
    for an account an admin creates.
    """
    return await pool.run(
        auth.accounts.register,
        body.username,
        body.password,
        email=body.email,
        display_name=body.display_name,
        **options,
    )
