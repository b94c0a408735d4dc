"""Token endpoints: log in (JSON or OAuth2 form), refresh, log out, verify.

Logins run in the low-priority password pool (``_password_pool``), so their
Argon2 work never stalls the event loop that serves everyone else; the other
handlers that write to the store are plain ``def`` and run in FastAPI's pool.
Token answers carry ``Cache-Control: no-store`` (RFC 6749, section 5.1).

With MFA on, a correct password gives no tokens: the login answers 401
``mfa_required`` with a short-lived ``mfa_ticket`` in the error detail, which
``POST /login/mfa`` (``routers/mfa.py``) trades, with a code, for the pair.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm
from starlette.concurrency import run_in_threadpool

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import error_responses
from authgate.api.schemas import (
    ClaimsOut,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    TokenResponse,
    UserOut,
    VerifyRequest,
    VerifyResponse,
)
from authgate.api.schemas_mfa import LoginErrorDetail, LoginErrorResponse
from authgate.api.security import GetService, bearer_scheme, client_ip, user_agent
from authgate.core.errors import MfaRequired, NotAuthenticated
from authgate.core.service import MFA_TICKET_TTL
from authgate.core.token_service import TokenPair, TokenService

__all__ = ["build_auth_router"]

_LOGIN_ERRORS = {
    **error_responses(401, 403, 429, 503),
    401: {
        "model": LoginErrorResponse,
        "description": "Wrong credentials; or, with code mfa_required, the password was "
        "right and the mfa_ticket must be completed at POST {prefix}/login/mfa.",
    },
}


def build_auth_router(
    get_service: GetService, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """Routes for obtaining, renewing, ending and checking tokens."""
    router = APIRouter(tags=["auth"])
    pool = password_pool or PasswordWorkPool()
    Tokens = Annotated[TokenService, Depends(get_service)]
    scheme = bearer_scheme(token_url)

    @router.post("/login", response_model=TokenResponse, responses=_LOGIN_ERRORS)
    async def login(
        body: LoginRequest, request: Request, response: Response, tokens: Tokens
    ) -> TokenResponse | JSONResponse:
        """Log in with a JSON body; returns an access token and a refresh token."""
        try:
            pair = await pool.run(
                tokens.login,
                body.username,
                body.password,
                remember=body.remember,
                ip=client_ip(request),
                user_agent=user_agent(request),
            )
        except MfaRequired as required:
            return _mfa_step(required)
        return _token_answer(tokens, pair, response)

    @router.post("/token", response_model=TokenResponse, responses=_LOGIN_ERRORS)
    async def token(
        form: Annotated[OAuth2PasswordRequestForm, Depends()],
        request: Request,
        response: Response,
        tokens: Tokens,
    ) -> TokenResponse | JSONResponse:
        """The OAuth2 password flow (form body), for ``OAuth2PasswordBearer`` clients."""
        try:
            pair = await pool.run(
                tokens.login,
                form.username,
                form.password,
                remember=True,
                ip=client_ip(request),
                user_agent=user_agent(request),
            )
        except MfaRequired as required:
            return _mfa_step(required)
        return _token_answer(tokens, pair, response)

    @router.post("/refresh", response_model=TokenResponse, responses=error_responses(401, 503))
    def refresh(body: RefreshRequest, response: Response, tokens: Tokens) -> TokenResponse:
        """Trade a refresh token for a new pair. Each refresh token works once:
        presenting a used one ends its session."""
        return _token_answer(tokens, tokens.refresh(body.refresh_token), response)

    @router.post(
        "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 503)
    )
    def logout(
        request: Request,
        tokens: Tokens,
        access_token: Annotated[str | None, Depends(scheme)],
        body: LogoutRequest | None = None,
    ) -> Response:
        """End the session of a refresh token (body) or of the bearer access token.

        Logging out twice is not an error; sending neither credential is.
        """
        ip, agent = client_ip(request), user_agent(request)
        if body is not None and body.refresh_token:
            tokens.logout(refresh_token=body.refresh_token, ip=ip, user_agent=agent)
        elif access_token:
            claims = tokens.verify(access_token)
            tokens.logout(session_id=claims.sid, ip=ip, user_agent=agent)
        else:
            raise NotAuthenticated("Send a refresh token or an access token to log out.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post("/verify", response_model=VerifyResponse, responses=error_responses(401, 503))
    async def verify(body: VerifyRequest, tokens: Tokens) -> VerifyResponse:
        """Check an access token and that its session is still alive (not logged out)."""
        context = await run_in_threadpool(tokens.authenticate, body.token)
        return VerifyResponse(claims=ClaimsOut.of(context.claims), user=UserOut.of(context.user))

    return router


def _mfa_step(required: MfaRequired) -> JSONResponse:
    """The 401 ``mfa_required`` answer, in the one error shape plus the ticket."""
    if required.ticket is None:
        raise required
    detail = LoginErrorDetail(
        code=required.code,
        message=required.message,
        mfa_ticket=required.ticket,
        mfa_ticket_expires_in=int(MFA_TICKET_TTL.total_seconds()),
    )
    return JSONResponse(
        LoginErrorResponse(detail=detail).model_dump(mode="json"),
        status_code=status.HTTP_401_UNAUTHORIZED,
        headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
    )


def _token_answer(tokens: TokenService, pair: TokenPair, response: Response) -> TokenResponse:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return TokenResponse.of(pair, tokens.service.clock.now())
