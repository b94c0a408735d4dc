"""The remote backend's anonymous-visitor calls: start, resolve and hand over a visitor.

A visitor is a browser that has not logged in; its token lives in its own
HttpOnly cookie, and the application's hand-off hook runs in the API when the
visitor logs in. A token that cannot be valid (empty, too long) resolves to
nothing without a request, and a ticket the API refuses is an ``InvalidToken``.
"""

from __future__ import annotations

from authgate.core.ports.visitors import VisitorRecord
from authgate.core.visitors import VisitorPass
from authgate.errors import InvalidInput, InvalidToken, NotAuthenticated
from authgate.streamlit._remote_client import RemoteApiClient
from authgate.streamlit._remote_wire import MAX_TOKEN, parse_visitor, parse_visitor_pass
from authgate.streamlit.backend import RequestMeta

__all__ = ["RemoteVisitors"]


class RemoteVisitors:
    """Visitor passes and the tickets that carry them across the cookie route, over HTTP."""

    def __init__(self, api: RemoteApiClient) -> None:
        self.api = api

    def start(self, meta: RequestMeta) -> VisitorPass:
        return self.api.read(parse_visitor_pass, self.api.call("POST", "/visitors", meta=meta))

    def resolve(self, token: str) -> VisitorRecord | None:
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
            return None
        try:
            answer = self.api.call("POST", "/visitors/resolve", json={"visitor_token": token})
        except (NotAuthenticated, InvalidInput):
            return None
        return self.api.read(parse_visitor, answer)

    def issue_ticket(self, token: str) -> str:
        answer = self.api.call("POST", "/visitor-tickets", json={"visitor_token": token})
        return self.api.read(lambda d: str(d["ticket"]), answer)

    def redeem_ticket(self, ticket: str) -> VisitorPass:
        try:
            answer = self.api.call("POST", "/visitor-tickets/redeem", json={"ticket": ticket})
        except InvalidInput as error:
            raise InvalidToken() from error
        return self.api.read(parse_visitor_pass, answer)
