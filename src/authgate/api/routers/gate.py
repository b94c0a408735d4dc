"""What a Streamlit gate in remote mode needs beyond the token endpoints.

In remote mode the Streamlit server has no database: it calls this API for
the user, with the user's access token. The browser's HttpOnly cookie (on the
Streamlit origin) holds the core's opaque session token, exactly as in the
embedded mode, so the cookie routes and reloads work unchanged:

- ``POST /session/login`` and ``POST /session/login/mfa``: a login (or its
  second step) that answers, at once, the new session, a token pair for it and
  its cookie ticket, so a remote gate logs a user in with two round trips (this
  one and the redeem) instead of four (``/login``, ``GET /session``,
  ``/session-tickets``, the redeem). Failures are those of ``/login`` and
  ``/login/mfa``, in the same shape.
- ``POST /session-tickets`` (bearer) and ``POST /session-tickets/redeem``:
  the one-time ticket the browser trades, on the Streamlit origin, for the
  cookie. Redeeming rotates the session token, so the cookie holds the only
  live copy.
- ``POST /session/resolve``: a reload presents the cookie's session token and
  gets a token pair for that session. A session token is as strong as a
  refresh token, which is why it lives only in an HttpOnly cookie.
- ``GET /session`` (bearer): revalidate the session behind a token, sliding
  its idle timeout as a browser page view does.
- ``POST /sessions/revoke-others``, ``PATCH /me`` and ``POST /password/strength``
  back the gate's Account and Register pages (its Admin page uses the admin
  router's ``GET /admin/users``).

Every answer about a session says whether the server's MFA policy holds its
user on enrolment (``mfa_enrollment_required``), so the gate asks the server's
rule instead of deciding from its own settings. These routes carry no
MFA-enrolment guard: a user who must still enrol needs a working session to
reach the enrolment page.

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from authgate.api._password_pool import PasswordWorkPool
from authgate.api.errors import error_responses
from authgate.api.routers.auth import LOGIN_ERRORS, password_step
from authgate.api.schemas import LoginRequest, UserOut
from authgate.api.schemas_gate import (
    ProfileUpdateRequest,
    RevokeOthersResponse,
    SessionLoginResponse,
    SessionResolveRequest,
    SessionResolveResponse,
    SessionStateResponse,
    StrengthRequest,
    StrengthResponse,
    TicketRedeemRequest,
    TicketRedeemResponse,
    TicketResponse,
)
from authgate.api.schemas_mfa import MfaLoginRequest
from authgate.api.security import (
    NO_STORE,
    GetAuth,
    bearer_scheme,
    build_authenticate,
    request_meta,
    secret_route,
)
from authgate.core.login.flow import password_credentials, second_factor_credentials
from authgate.core.records import LoginResult, SessionContext
from authgate.core.tokens.service import TokenContext, TokenPair, TokenService
from authgate.core.unit_of_work import Work
from authgate.errors import NotAuthenticated
from authgate.root import Authgate

__all__ = ["build_gate_router"]


def build_gate_router(
    get_auth: GetAuth, *, token_url: str, password_pool: PasswordWorkPool | None = None
) -> APIRouter:
    """Gate logins, session tickets, session resolution and the gate's account endpoints.

    Pass the app's ``password_pool`` so the gate's logins share the password
    threads of ``/login``; without it the router starts its own.
    """
    router = APIRouter(tags=["gate"])
    pool = password_pool or PasswordWorkPool()
    Auth = Annotated[Authgate, Depends(get_auth)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_auth, token_url))]
    scheme = bearer_scheme(token_url)

    @router.post(
        "/session/login",
        response_model=SessionLoginResponse,
        responses=LOGIN_ERRORS,
        dependencies=NO_STORE,
    )
    async def session_login(
        body: LoginRequest, request: Request, auth: Auth
    ) -> SessionLoginResponse | JSONResponse:
        """Log in and get the session, a token pair for it and its cookie ticket, in one answer.

        With MFA on, the answer is ``/login``'s 401 ``mfa_required`` with an
        ``mfa_ticket``, to be completed at ``POST /session/login/mfa``.
        """
        return await password_step(pool, _password_login, request, auth, body)

    @secret_route(router, "/session/login/mfa", SessionLoginResponse, 401, 403, 429, 503)
    def session_login_mfa(
        body: MfaLoginRequest, request: Request, auth: Auth
    ) -> SessionLoginResponse:
        """The second step of ``/session/login``: its ``mfa_ticket`` and a code.

        As ``/login/mfa``, failures included: a wrong code counts toward the
        lockout and leaves the ticket usable until it expires.
        """
        opened = auth.logins.login_with(
            _GateSessionTokens(auth.tokens),
            "second_factor",
            second_factor_credentials(body.ticket, body.code),
            **request_meta(request),
            visitor=body.visitor_token,
        )
        return _login_answer(auth, opened)

    @secret_route(
        router, "/session-tickets", TicketResponse, 401, 503, status_code=status.HTTP_201_CREATED
    )
    def issue_ticket(caller: Caller, auth: Auth) -> TicketResponse:
        """A single-use ticket for the caller's session, to be traded for the cookie."""
        return TicketResponse(ticket=auth.sessions.issue_cookie_ticket(caller.claims.sid))

    @secret_route(router, "/session-tickets/redeem", TicketRedeemResponse, 401, 503)
    def redeem_ticket(body: TicketRedeemRequest, auth: Auth) -> TicketRedeemResponse:
        """Use up a ticket: the session's token is rotated and returned, for the cookie only."""
        token, context = auth.sessions.redeem_cookie_ticket(body.ticket)
        return TicketRedeemResponse(session_token=token, **dict(_state(auth, context)))

    @secret_route(router, "/session/resolve", SessionResolveResponse, 401, 503)
    def resolve_session(body: SessionResolveRequest, auth: Auth) -> SessionResolveResponse:
        """Trade a live session token (from the cookie) for a token pair of that session."""
        pair, context = auth.tokens.resume(body.session_token)
        required = auth.mfa.mfa_enrollment_required(context.user)
        return SessionResolveResponse.of_pair(
            pair, context, auth.clock.now(), enrollment_required=required
        )

    @router.get(
        "/session", response_model=SessionStateResponse, responses=error_responses(401, 503)
    )
    def session_state(
        auth: Auth, access_token: Annotated[str | None, Depends(scheme)]
    ) -> SessionStateResponse:
        """Revalidate the session behind the bearer token against the store, sliding it.

        Unlike ``/me`` this never answers from the read cache: the gate asks
        at most once per revalidation interval and wants the store's answer.
        """
        if not access_token:
            raise NotAuthenticated("An access token is required (Authorization: Bearer ...).")
        claims = auth.tokens.verify(access_token)
        context = auth.sessions.validate_id(claims.sid)
        if context.user.id != claims.user_id:
            raise NotAuthenticated()
        return _state(auth, context)

    @router.post(
        "/sessions/revoke-others",
        response_model=RevokeOthersResponse,
        responses=error_responses(401, 503),
    )
    def revoke_others(caller: Caller, auth: Auth) -> RevokeOthersResponse:
        """End every session of the caller except this one (a lost laptop, a shared PC)."""
        ended = auth.sessions.revoke_all(
            caller.user.id,
            keep_session_id=caller.claims.sid,
            actor_id=caller.user.id,
            reason="user_request",
        )
        return RevokeOthersResponse(ended=ended)

    @router.patch("/me", response_model=UserOut, responses=error_responses(401, 409, 503))
    def update_me(
        body: ProfileUpdateRequest, request: Request, caller: Caller, auth: Auth
    ) -> UserOut:
        """Change the display name and/or email; fields left out stay as they are."""
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        user = auth.accounts.update_profile(
            caller.user.id,
            **changes,
            actor_id=caller.user.id,
            **request_meta(request),
        )
        return UserOut.of(user)

    @router.post(
        "/password/strength", response_model=StrengthResponse, responses=error_responses(422)
    )
    async def password_strength(body: StrengthRequest, auth: Auth) -> StrengthResponse:
        """A strength estimate for a meter; no login needed, nothing is stored or logged."""
        estimate = await run_in_threadpool(
            auth.accounts.password_strength,
            body.password,
            username=body.username,
            email=body.email,
        )
        return StrengthResponse.of(estimate)

    return router


@dataclass(frozen=True)
class _OpenedSession:
    """A session a gate login just opened: its token pair and the session itself."""

    pair: TokenPair
    context: SessionContext


class _GateSessionTokens:
    """The token strategy of a gate login: the JWT pair, and the session the gate shows.

    The pair's family starts in the login's own transaction, as for ``/login``;
    the session record comes along so the gate need not ask for it.
    """

    def __init__(self, tokens: TokenService) -> None:
        self.tokens = tokens

    def issue(self, work: Work, opened: LoginResult) -> _OpenedSession:
        context = SessionContext(user=opened.user, session=opened.session)
        return _OpenedSession(pair=self.tokens.issue(work, opened), context=context)


def _password_login(
    auth: Authgate, body: LoginRequest, *, ip: str | None, user_agent: str | None
) -> SessionLoginResponse:
    """Check the password and open the session (in the password pool, like ``/login``)."""
    opened = auth.logins.login_with(
        _GateSessionTokens(auth.tokens),
        "password",
        password_credentials(body.username, body.password),
        remember=body.remember,
        ip=ip,
        user_agent=user_agent,
        visitor=body.visitor_token,
    )
    return _login_answer(auth, opened)


def _login_answer(auth: Authgate, opened: _OpenedSession) -> SessionLoginResponse:
    """The new session with its pair and its cookie ticket, and the server's MFA rule.

    The login's own session token is not sent: the browser's cookie gets a
    fresh one when the ticket is redeemed, so no other copy of it exists.
    """
    ticket = auth.sessions.issue_cookie_ticket(opened.context.session.id)
    return SessionLoginResponse.of_login(
        opened.pair,
        opened.context,
        auth.clock.now(),
        cookie_ticket=ticket,
        enrollment_required=auth.mfa.mfa_enrollment_required(opened.context.user),
    )


def _state(auth: Authgate, context: SessionContext) -> SessionStateResponse:
    required = auth.mfa.mfa_enrollment_required(context.user)
    return SessionStateResponse.of(context, enrollment_required=required)
