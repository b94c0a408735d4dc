"""Token endpoints: log in (JSON), refresh, log out, verify.

The OAuth 2.0 form endpoint ``/token`` (password and refresh grants) is in
``routers/oauth.py``.

Logins run in the low-priority password pool (``_password_pool``), so their
Argon2 work never stalls the event loop that serves everyone else; the other
handlers that write to the store are plain ``def`` and run in FastAPI's pool.
Token answers carry ``Cache-Control: no-store`` (RFC 6749, section 5.1).

With MFA on, a correct password gives no tokens: the login answers 401
``mfa_required`` with a short-lived ``mfa_ticket`` in the error detail, which
``POST /login/mfa`` (``routers/mfa.py``) trades, with a code, for the pair.
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar, Unpack

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
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
from authgate.api.security import (
    NO_STORE,
    GetAuth,
    bearer_scheme,
    client_ip,
    request_meta,
    secret_route,
    user_agent,
)
from authgate.core.login.options import VisitorOption
from authgate.errors import MfaRequired, NotAuthenticated
from authgate.root import Authgate

__all__ = [
    "LOGIN_ERRORS",
    "build_auth_router",
    "mfa_step_answer",
    "password_step",
    "token_login",
]

T = TypeVar("T")

# What a login can answer, shared by every route that checks a password.
LOGIN_ERRORS = {
    **error_responses(401, 403, 429, 503),
    401: {
        "model": LoginErrorResponse,
        "description": "Wrong credentials; or, with code mfa_required, the password was "
        "right and the mfa_ticket must be completed at POST {prefix}/login/mfa.",
    },
}


def build_auth_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """Routes for obtaining, renewing, ending and checking tokens."""
    router = APIRouter(tags=["auth"])
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    scheme = bearer_scheme(token_url)

    @router.post(
        "/login", response_model=TokenResponse, responses=LOGIN_ERRORS, dependencies=NO_STORE
    )
    async def login(
        body: LoginRequest, request: Request, auth: Auth
    ) -> TokenResponse | JSONResponse:
        """Log in with a JSON body; returns an access token and a refresh token."""
        return await password_step(
            pool,
            token_login,
            request,
            auth,
            body.username,
            body.password,
            remember=body.remember,
            visitor=body.visitor_token,
        )

    @secret_route(router, "/refresh", TokenResponse, 401, 503)
    def refresh(body: RefreshRequest, auth: Auth) -> TokenResponse:
        """Trade a refresh token for a new pair. Each refresh token works once:
        presenting a used one ends its session."""
        return TokenResponse.of(auth.tokens.refresh(body.refresh_token), auth.clock.now())

    @router.post(
        "/logout", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 503)
    )
    def logout(
        request: Request,
        auth: Auth,
        access_token: Annotated[str | None, Depends(scheme)],
        body: LogoutRequest | None = None,
    ) -> Response:
        """End the session of a refresh token (body) or of the bearer access token.

        Logging out twice is not an error; sending neither credential is.
        """
        ip, agent = client_ip(request), user_agent(request)
        tokens = auth.tokens
        if body is not None and body.refresh_token:
            tokens.logout(refresh_token=body.refresh_token, ip=ip, user_agent=agent)
        elif access_token:
            claims = tokens.verify(access_token)
            tokens.logout(session_id=claims.sid, ip=ip, user_agent=agent)
        else:
            raise NotAuthenticated("Send a refresh token or an access token to log out.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post("/verify", response_model=VerifyResponse, responses=error_responses(401, 503))
    async def verify(body: VerifyRequest, auth: Auth) -> VerifyResponse:
        """Check an access token and that its session is still alive (not logged out)."""
        context = await run_in_threadpool(auth.tokens.authenticate, body.token)
        return VerifyResponse(claims=ClaimsOut.of(context.claims), user=UserOut.of(context.user))

    return router


async def password_step(
    pool: PasswordWorkPool, login: Callable[..., T], request: Request, /, *args: Any, **options: Any
) -> T | JSONResponse:
    """Run ``login``, which checks a password, in ``pool``; the client's address goes with it.

    Its answer, or, when the password was right but the user has MFA on, the
    401 ``mfa_required`` answer with the ticket (``mfa_step_answer``).
    ``login`` gets ``args``, ``options`` and the ``ip`` and ``user_agent``
    keywords for the audit trail.
    """
    try:
        return await pool.run(login, *args, **request_meta(request), **options)
    except MfaRequired as required:
        return mfa_step_answer(required)


def mfa_step_answer(required: MfaRequired) -> JSONResponse:
    """The 401 ``mfa_required`` answer, in the one error shape plus the ticket.

    Every route that checks a password (``/login``, ``/token``, the gate's
    ``/session/login``) answers a correct password of an MFA user this way,
    so a client handles the second step once, whichever route it used.
    """
    if required.ticket is None:
        raise required
    return JSONResponse(
        LoginErrorResponse(detail=LoginErrorDetail.of(required)).model_dump(mode="json"),
        status_code=status.HTTP_401_UNAUTHORIZED,
        headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
    )


def token_login(
    auth: Authgate,
    username: str,
    password: str,
    *,
    remember: bool,
    client_id: str | None = None,
    **meta: Unpack[VisitorOption],
) -> TokenResponse:
    """A password login that answers with a token pair (run in the password pool)."""
    pair = auth.tokens.login(username, password, remember=remember, client_id=client_id, **meta)
    return TokenResponse.of(pair, auth.clock.now())
