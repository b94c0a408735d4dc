"""Two-factor authentication: enrolment, recovery codes, turning it off, the login's second step.

The enrolment routes are the ones a user whose role requires MFA may still
use before enrolling, so they take the plain caller, not the enrolment guard.
Answers that carry a secret (the seed, recovery codes, tokens) are sent with
``Cache-Control: no-store``. Code checks are cheap (HMAC and SHA-256); only
``disable`` hashes a password and so runs in the password pool.

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import error_responses
from authgate.api.schemas import TokenResponse
from authgate.api.schemas_mfa import (
    MfaCodeRequest,
    MfaDisableRequest,
    MfaEnrollmentOut,
    MfaLoginRequest,
    MfaStatusOut,
    RecoveryCodesOut,
)
from authgate.api.security import (
    GetAuth,
    build_authenticate,
    request_meta,
    secret_route,
)
from authgate.core.tokens.service import TokenContext
from authgate.root import Authgate

__all__ = ["build_mfa_router"]


def build_mfa_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """MFA routes for the signed-in user, plus ``POST /login/mfa`` (no bearer token)."""
    router = APIRouter(tags=["mfa"])
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_auth, token_url))]

    @secret_route(router, "/login/mfa", TokenResponse, 401, 403, 429, 503, tags=["auth"])
    def login_mfa(body: MfaLoginRequest, request: Request, auth: Auth) -> TokenResponse:
        """The login's second step: the ``mfa_ticket`` from ``/login`` and a code give tokens.

        A wrong code leaves the ticket usable until it expires (five minutes),
        and counts toward the account's lockout; a right one spends it. The
        access token's ``amr`` then says ``otp``.
        """
        pair = auth.tokens.complete_mfa_login(
            body.ticket,
            body.code,
            **request_meta(request),
            visitor=body.visitor_token,
        )
        return TokenResponse.of(pair, auth.clock.now())

    @router.get("/mfa", response_model=MfaStatusOut, responses=error_responses(401, 503))
    def mfa_status(caller: Caller, auth: Auth) -> MfaStatusOut:
        """Whether MFA is on, how many recovery codes are left, and whether it is required."""
        return MfaStatusOut.of(auth.mfa.status(caller.user.id))

    @secret_route(router, "/mfa/enroll", MfaEnrollmentOut, 401, 503)
    def enroll(caller: Caller, auth: Auth) -> MfaEnrollmentOut:
        """Start enrolment: a new secret, as text, ``otpauth://`` URI and QR code.

        MFA stays off until a code from this secret is confirmed, so a user
        who scans nothing is not locked out; asking again replaces the pending
        secret. 422 ``invalid_input`` when MFA is already on.
        """
        return MfaEnrollmentOut.of(auth.mfa.begin_enrollment(caller.user.id))

    @secret_route(router, "/mfa/enroll/confirm", RecoveryCodesOut, 401, 429, 503)
    def confirm(
        body: MfaCodeRequest, request: Request, caller: Caller, auth: Auth
    ) -> RecoveryCodesOut:
        """Switch MFA on with a first code; returns ten recovery codes, shown this once.

        422 ``invalid_input`` when no enrolment was started (or MFA is on already).
        """
        return _new_codes(auth.mfa.confirm_enrollment, caller, body, request)

    @secret_route(router, "/mfa/recovery-codes", RecoveryCodesOut, 401, 429, 503)
    def regenerate(
        body: MfaCodeRequest, request: Request, caller: Caller, auth: Auth
    ) -> RecoveryCodesOut:
        """Replace every recovery code; a current code (or a recovery code) proves presence."""
        return _new_codes(auth.mfa.regenerate_recovery_codes, caller, body, request)

    @router.post(
        "/mfa/disable", response_model=MfaStatusOut, responses=error_responses(401, 403, 429, 503)
    )
    async def disable(
        body: MfaDisableRequest, request: Request, caller: Caller, auth: Auth
    ) -> MfaStatusOut:
        """Turn MFA off with the password and a current code (both count toward the lockout).

        403 ``permission_denied`` when the user's role requires MFA.
        """
        await pool.run(
            auth.mfa.disable,
            caller.user.id,
            body.password,
            body.code,
            **request_meta(request),
        )
        return MfaStatusOut.of(await run_in_threadpool(auth.mfa.status, caller.user.id))

    return router


def _new_codes(
    check: Callable[..., list[str]], caller: TokenContext, body: MfaCodeRequest, request: Request
) -> RecoveryCodesOut:
    """The recovery codes ``check`` answers once it has accepted the caller's code."""
    codes = check(caller.user.id, body.code, **request_meta(request))
    return RecoveryCodesOut(recovery_codes=codes)
