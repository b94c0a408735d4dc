"""Anonymous visitors over HTTP: start one, resolve its token, its cookie ticket.

A client (a browser app, a remote Streamlit gate) starts a visitor when it
first keeps something for someone who has not logged in, stores that data
under the answer's ``visitor_id`` and keeps the ``visitor_token``. Sending the
token with ``/register``, ``/login``, ``/login/mfa`` or the gate's
``/session/login`` hands the visitor to the account: the application's hook
(``Authgate.visitors.handoff``, set where the API is built) moves the data on
this side, in that request.

- ``POST /visitors``: a new visitor (201); 429 ``too_many_visitors`` past the
  per-client limit (``AUTHGATE_VISITOR_RATE_LIMIT`` per window).
- ``POST /visitors/resolve``: which visitor a token names (a reloaded page).
- ``POST /visitor-tickets`` and ``POST /visitor-tickets/redeem``: the
  single-use ticket a remote gate's browser trades, on the Streamlit origin,
  for the HttpOnly visitor cookie.

No ``from __future__ import annotations``: FastAPI reads ``Annotated`` at runtime.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from authgate.api.schemas_gate import TicketResponse
from authgate.api.schemas_visitors import (
    VisitorOut,
    VisitorPassOut,
    VisitorTicketRequest,
    VisitorTokenRequest,
)
from authgate.api.security import GetAuth, client_ip, secret_route
from authgate.errors import NotAuthenticated
from authgate.root import Authgate

__all__ = ["build_visitors_router"]


def build_visitors_router(get_auth: GetAuth) -> APIRouter:
    """The anonymous-visitor routes."""
    router = APIRouter(tags=["visitors"])
    Auth = Annotated[Authgate, Depends(get_auth)]

    @secret_route(
        router, "/visitors", VisitorPassOut, 429, 503, status_code=status.HTTP_201_CREATED
    )
    def start_visitor(request: Request, auth: Auth) -> VisitorPassOut:
        """Start an anonymous visitor: its id (to store data under) and its token (secret)."""
        return VisitorPassOut.of(auth.visitors.start(ip=client_ip(request)))

    @secret_route(router, "/visitors/resolve", VisitorOut, 401, 503)
    def resolve_visitor(body: VisitorTokenRequest, auth: Auth) -> VisitorOut:
        """The live visitor a token names; 401 when it expired, ended or never existed."""
        found = auth.visitors.resolve(body.visitor_token)
        if found is None:
            raise NotAuthenticated("This visitor is unknown or has ended.")
        return VisitorOut(visitor_id=found.id, expires_at=found.expires_at)

    @secret_route(
        router, "/visitor-tickets", TicketResponse, 401, 503, status_code=status.HTTP_201_CREATED
    )
    def issue_visitor_ticket(body: VisitorTokenRequest, auth: Auth) -> TicketResponse:
        """A single-use ticket (60 s) that redeems to this visitor's token, for its cookie."""
        return TicketResponse(ticket=auth.visitors.issue_cookie_ticket(body.visitor_token))

    @secret_route(router, "/visitor-tickets/redeem", VisitorPassOut, 401, 503)
    def redeem_visitor_ticket(body: VisitorTicketRequest, auth: Auth) -> VisitorPassOut:
        """Spend a visitor ticket: the visitor and its token, for the HttpOnly cookie."""
        return VisitorPassOut.of(auth.visitors.redeem_cookie_ticket(body.ticket))

    return router
