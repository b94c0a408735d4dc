"""What a Streamlit gate in remote mode needs beyond the token endpoints.

In remote mode the Streamlit server has no database: it calls this API for
the user, with the user's access token. The browser's HttpOnly cookie (on the
Streamlit origin) holds the core's opaque session token, exactly as in the
embedded mode, so the cookie routes and reloads work unchanged:

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

These routes carry no MFA-enrolment guard: a user who must still enrol needs
a working session to reach the enrolment page.

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from starlette.concurrency import run_in_threadpool

from authgate.api.errors import error_responses
from authgate.api.schemas import UserOut
from authgate.api.schemas_gate import (
    ProfileUpdateRequest,
    RevokeOthersResponse,
    SessionResolveRequest,
    SessionResolveResponse,
    SessionStateResponse,
    StrengthRequest,
    StrengthResponse,
    TicketRedeemRequest,
    TicketRedeemResponse,
    TicketResponse,
)
from authgate.api.security import (
    GetService,
    bearer_scheme,
    build_authenticate,
    client_ip,
    user_agent,
)
from authgate.core.errors import NotAuthenticated
from authgate.core.records import SessionContext
from authgate.core.token_service import TokenContext, TokenService

__all__ = ["build_gate_router"]


def build_gate_router(get_service: GetService, *, token_url: str) -> APIRouter:
    """Session tickets, session resolution and the gate's account endpoints."""
    router = APIRouter(tags=["gate"])
    Tokens = Annotated[TokenService, Depends(get_service)]
    Caller = Annotated[TokenContext, Depends(build_authenticate(get_service, token_url))]
    scheme = bearer_scheme(token_url)

    @router.post(
        "/session-tickets",
        status_code=status.HTTP_201_CREATED,
        response_model=TicketResponse,
        responses=error_responses(401, 503),
    )
    def issue_ticket(caller: Caller, tokens: Tokens, response: Response) -> TicketResponse:
        """A single-use ticket for the caller's session, to be traded for the cookie."""
        _no_store(response)
        return TicketResponse(ticket=tokens.service.issue_cookie_ticket(caller.claims.sid))

    @router.post(
        "/session-tickets/redeem",
        response_model=TicketRedeemResponse,
        responses=error_responses(401, 503),
    )
    def redeem_ticket(
        body: TicketRedeemRequest, tokens: Tokens, response: Response
    ) -> TicketRedeemResponse:
        """Use up a ticket: the session's token is rotated and returned, for the cookie only."""
        _no_store(response)
        token, context = tokens.service.redeem_cookie_ticket(body.ticket)
        state = SessionStateResponse.of(context)
        return TicketRedeemResponse(session_token=token, user=state.user, session=state.session)

    @router.post(
        "/session/resolve",
        response_model=SessionResolveResponse,
        responses=error_responses(401, 503),
    )
    def resolve_session(
        body: SessionResolveRequest, tokens: Tokens, response: Response
    ) -> SessionResolveResponse:
        """Trade a live session token (from the cookie) for a token pair of that session."""
        _no_store(response)
        pair, context = tokens.resume(body.session_token)
        now = tokens.service.clock.now().timestamp()
        return SessionResolveResponse.of_pair(pair, context, now)

    @router.get(
        "/session", response_model=SessionStateResponse, responses=error_responses(401, 503)
    )
    def session_state(
        tokens: Tokens, access_token: Annotated[str | None, Depends(scheme)]
    ) -> SessionStateResponse:
        """Revalidate the session behind the bearer token against the store, sliding it.

        Unlike ``/me`` this never answers from the read cache: the gate asks
        at most once per revalidation interval and wants the store's answer.
        """
        if not access_token:
            raise NotAuthenticated("An access token is required (Authorization: Bearer ...).")
        claims = tokens.verify(access_token)
        context: SessionContext = tokens.service.validate_session_id(claims.sid)
        if context.user.id != claims.user_id:
            raise NotAuthenticated()
        return SessionStateResponse.of(context)

    @router.post(
        "/sessions/revoke-others",
        response_model=RevokeOthersResponse,
        responses=error_responses(401, 503),
    )
    def revoke_others(caller: Caller, tokens: Tokens) -> RevokeOthersResponse:
        """End every session of the caller except this one (a lost laptop, a shared PC)."""
        ended = tokens.service.revoke_user_sessions(
            caller.user.id,
            keep_session_id=caller.claims.sid,
            actor_id=caller.user.id,
            reason="user_request",
        )
        return RevokeOthersResponse(ended=ended)

    @router.patch("/me", response_model=UserOut, responses=error_responses(401, 409, 503))
    def update_me(
        body: ProfileUpdateRequest, request: Request, caller: Caller, tokens: Tokens
    ) -> UserOut:
        """Change the display name and/or email; fields left out stay as they are."""
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        user = tokens.service.update_profile(
            caller.user.id,
            **changes,
            actor_id=caller.user.id,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
        return UserOut.of(user)

    @router.post(
        "/password/strength", response_model=StrengthResponse, responses=error_responses(422)
    )
    async def password_strength(body: StrengthRequest, tokens: Tokens) -> StrengthResponse:
        """A strength estimate for a meter; no login needed, nothing is stored or logged."""
        estimate = await run_in_threadpool(
            tokens.service.password_strength,
            body.password,
            username=body.username,
            email=body.email,
        )
        return StrengthResponse.of(estimate)

    return router


def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
