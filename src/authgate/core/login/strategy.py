"""Token strategies: what a client keeps once a login opened its session.

Every login opens a server-side session (the one thing revocation needs).
A strategy turns that session into the client's credential, inside the same
transaction: the opaque strategy hands out the session token itself (the
Streamlit gate puts it in an HttpOnly cookie); the JWT strategy
(``TokenService``) starts a refresh family and signs an access token. Where
the credential travels (cookie, bearer header) is the faces' business.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from authgate.core.records import LoginResult
from authgate.core.unit_of_work import Work

__all__ = ["OpaqueSessionTokens", "TokenStrategy"]

T_co = TypeVar("T_co", covariant=True)


class TokenStrategy(Protocol[T_co]):
    def issue(self, work: Work, opened: LoginResult) -> T_co:
        """Turn a session just opened inside ``work`` into what the client keeps."""
        ...


class OpaqueSessionTokens:
    """The session token itself is the credential (the gate's cookie)."""

    def issue(self, work: Work, opened: LoginResult) -> LoginResult:
        return opened
