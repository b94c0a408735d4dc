"""Account recovery and email verification: forgot password, forgot username, reset, verify.

The "forgot" routes answer 202 with one fixed body whether or not an account
matched, so they cannot be used to find accounts; the lookup itself (resend
limit, token, mail) runs as a background task after the response is sent,
the same task for every login, so the answer's timing tells nothing either. Without a mail
configuration they answer 403 ``recovery_not_configured`` instead: the
answer depends only on the deployment, never on the account, and tells the
user that an administrator resets passwords here. (403 like
``registration_closed``, not 5xx: retrying will not help, and nothing is
broken.) Reset tokens travel in bodies, never in paths, so they stay out of
access logs.
"""

from collections.abc import Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, status
from fastapi.types import DecoratedCallable

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import ApiError, error_responses
from authgate.api.mfa_guard import refuse_unless_enrolled
from authgate.api.schemas_mfa import (
    AcceptedResponse,
    EmailVerifiedResponse,
    ForgotPasswordRequest,
    ForgotUsernameRequest,
    PasswordResetDone,
    PasswordResetInfoOut,
    PasswordResetRequest,
    ResetTokenRequest,
    VerificationSentResponse,
    VerifyEmailRequest,
)
from authgate.api.security import GetAuth, build_authenticate, request_meta
from authgate.core.recovery.deferred import run_job
from authgate.core.recovery.password_reset import AccountRecovery
from authgate.core.tokens.service import TokenContext
from authgate.root import Authgate

__all__ = ["MAIL_NOT_CONFIGURED", "RECOVERY_NOT_CONFIGURED", "build_recovery_router"]

RECOVERY_NOT_CONFIGURED = "recovery_not_configured"
MAIL_NOT_CONFIGURED = "mail_not_configured"
_RESET_LINK_SENT = (
    "If an account matches, a link to reset its password has been sent to its email address."
)
_USERNAME_SENT = "If an account uses this address, its username has been sent to it."


def build_recovery_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """Public recovery routes plus the signed-in user's "send the verification link again"."""
    router = APIRouter(tags=["recovery"])
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_auth, token_url))]

    def forgot_route(path: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """A "forgot" route: one fixed 202 answer, or 403 without a mail configuration."""
        return router.post(
            path,
            status_code=status.HTTP_202_ACCEPTED,
            response_model=AcceptedResponse,
            responses=error_responses(403, 503),
        )

    @forgot_route("/password/forgot")
    def forgot_password(
        body: ForgotPasswordRequest, request: Request, auth: Auth, later: BackgroundTasks
    ) -> AcceptedResponse:
        """Email a 30-minute reset link if the username or address names an active account."""
        recovery = auth.recovery
        send = recovery.send_password_reset
        return _mail_if_any(recovery, send, body.login, request, later, _RESET_LINK_SENT)

    @forgot_route("/username/forgot")
    def forgot_username(
        body: ForgotUsernameRequest, request: Request, auth: Auth, later: BackgroundTasks
    ) -> AcceptedResponse:
        """Email the username registered with an address, if there is one."""
        recovery = auth.recovery
        send = recovery.send_username_reminder
        return _mail_if_any(recovery, send, body.email, request, later, _USERNAME_SENT)

    @router.post(
        "/password/reset/inspect",
        response_model=PasswordResetInfoOut,
        responses=error_responses(401, 503),
    )
    def inspect_reset(body: ResetTokenRequest, auth: Auth) -> PasswordResetInfoOut:
        """Check a reset link without spending it: whose it is and whether a code is needed."""
        return PasswordResetInfoOut.from_record(auth.recovery.inspect_reset_token(body.token))

    @router.post(
        "/password/reset",
        response_model=PasswordResetDone,
        responses=error_responses(401, 429, 503),
    )
    async def reset_password(
        body: PasswordResetRequest, request: Request, auth: Auth
    ) -> PasswordResetDone:
        """Set a new password from a reset link; every session of the account ends.

        With MFA on, a code is needed as well (401 ``mfa_required`` without
        one): a reset must not bypass the second factor. The link stays usable
        until this succeeds, so a weak password or a mistyped code can be
        corrected.
        """
        user = await pool.run(
            auth.recovery.reset_password,
            body.token,
            body.new_password,
            code=body.code,
            **request_meta(request),
        )
        return PasswordResetDone(username=user.username)

    @router.post(
        "/email/verify", response_model=EmailVerifiedResponse, responses=error_responses(401, 503)
    )
    def verify_email(
        body: VerifyEmailRequest, request: Request, auth: Auth
    ) -> EmailVerifiedResponse:
        """Mark an address verified from the emailed link (which is then spent)."""
        user = auth.verification.verify_email(body.token, **request_meta(request))
        return EmailVerifiedResponse.from_record(user)

    @router.post(
        "/email/verify/resend",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=VerificationSentResponse,
        responses=error_responses(401, 403, 503),
    )
    def resend_verification(caller: Caller, auth: Auth) -> VerificationSentResponse:
        """Send the caller a new 24-hour verification link (at most one a minute).

        403 ``mail_not_configured`` without a mail configuration: an
        administrator can mark the address verified instead.
        """
        refuse_unless_enrolled(auth.mfa, caller.user)
        if not auth.recovery.mail_enabled:
            raise ApiError(
                403,
                MAIL_NOT_CONFIGURED,
                "Email is not configured here; ask an administrator to verify your address.",
            )
        return VerificationSentResponse(
            sent=auth.verification.send_verification_email(caller.user.id)
        )

    return router


def _mail_if_any(
    recovery: AccountRecovery,
    send: Callable[..., None],
    to: str,
    request: Request,
    later: BackgroundTasks,
    message: str,
) -> AcceptedResponse:
    """Have ``send`` mail ``to``'s account, if one matches; the answer is the same either way.

    ``send`` runs after the response has gone out (``later``), for every
    request alike. Without a mail configuration, 403
    ``recovery_not_configured`` instead.
    """
    if not recovery.mail_enabled:
        raise ApiError(
            403,
            RECOVERY_NOT_CONFIGURED,
            "Self-service recovery is not available here: "
            "ask an administrator to reset your password.",
        )
    job = partial(send, to, **request_meta(request))
    later.add_task(run_job, job)  # logged, not raised: the answer has gone out
    return AcceptedResponse(message=message)
