"""The caller's own account: register, who am I, change password.

Router modules do not use ``from __future__ import annotations``: FastAPI reads
the ``Annotated`` dependency aliases defined inside the factories at runtime.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from starlette.concurrency import run_in_threadpool

from authgate.api._account_services import AccountServices, GetAccountServices
from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import error_responses
from authgate.api.schemas import (
    PasswordChangeRequest,
    PasswordChangeResponse,
    RegisterRequest,
    UserOut,
)
from authgate.api.security import GetService, build_authenticate, client_ip, user_agent
from authgate.core.token_service import TokenContext, TokenService

__all__ = ["build_account_router"]


def build_account_router(
    get_service: GetService,
    *,
    token_url: str,
    password_pool: PasswordWorkPool | None = None,
    get_account: GetAccountServices | None = None,
) -> APIRouter:
    """Registration and the caller's own account; password hashing runs in ``password_pool``.

    With ``get_account``, registering with an address mails the verification
    link (when mail is configured).
    """
    router = APIRouter(tags=["account"])
    pool = password_pool or PasswordWorkPool()
    Tokens = Annotated[TokenService, Depends(get_service)]
    account_dependency = get_account or _no_account_services
    Account = Annotated[AccountServices | None, Depends(account_dependency)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_service, token_url))]

    @router.post(
        "/register",
        status_code=status.HTTP_201_CREATED,
        response_model=UserOut,
        responses=error_responses(403, 409, 503),
    )
    async def register(
        body: RegisterRequest, request: Request, tokens: Tokens, account: Account
    ) -> UserOut:
        """Create an account with the default roles (when self-registration is open).

        With an email address and mail configured, a 24-hour verification link
        is mailed at once (delivery happens after the answer, in the background).
        """
        user = await pool.run(
            tokens.service.register,
            body.username,
            body.password,
            email=body.email,
            display_name=body.display_name,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
        if user.email and account is not None and account.verification.mailer is not None:
            await run_in_threadpool(account.verification.send_verification_email, user.id)
        return UserOut.of(user)

    @router.get("/me", response_model=UserOut, responses=error_responses(401, 503))
    async def me(caller: Caller) -> UserOut:
        """The current user, as the store has it now (roles included)."""
        return UserOut.of(caller.user)

    @router.post(
        "/password", response_model=PasswordChangeResponse, responses=error_responses(401, 429, 503)
    )
    async def change_password(
        body: PasswordChangeRequest, request: Request, caller: Caller, tokens: Tokens
    ) -> PasswordChangeResponse:
        """Change one's password; every other session (and its tokens) ends, this one stays."""
        ended = await pool.run(
            tokens.service.change_password,
            caller.user.id,
            body.current_password,
            body.new_password,
            keep_session_id=caller.claims.sid,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
        return PasswordChangeResponse(sessions_ended=ended)

    return router


async def _no_account_services() -> None:
    """Stand-in dependency when the router is built without account services."""
    return None
