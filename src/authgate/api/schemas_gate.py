"""Bodies of the endpoints a remote Streamlit gate uses (``routers/gate.py``).

Kept apart from ``schemas.py`` because they serve one client, the gate's
``RemoteBackend``, and carry its session token: the fields that hold secrets
are named for what they are so that nobody logs them by accident.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from authgate.api.schemas import SessionOut, UserOut
from authgate.core.records import SessionContext, StrengthEstimate
from authgate.core.token_service import TokenPair

__all__ = [
    "ProfileUpdateRequest",
    "RevokeOthersResponse",
    "SessionResolveRequest",
    "SessionResolveResponse",
    "SessionStateResponse",
    "StrengthRequest",
    "StrengthResponse",
    "TicketRedeemRequest",
    "TicketRedeemResponse",
    "TicketResponse",
]

_OPAQUE_TOKEN = Field(min_length=1, max_length=512)


class TicketResponse(BaseModel):
    ticket: str = Field(description="Single-use, valid for at most 60 seconds.")


class TicketRedeemRequest(BaseModel):
    ticket: str = _OPAQUE_TOKEN


class SessionStateResponse(BaseModel):
    """A validated session and its user, as the store has them now."""

    user: UserOut
    session: SessionOut

    @classmethod
    def of(cls, context: SessionContext) -> SessionStateResponse:
        return cls(
            user=UserOut.of(context.user),
            session=SessionOut.of(context.session, current_id=context.session.id),
        )


class TicketRedeemResponse(SessionStateResponse):
    session_token: str = Field(
        description="The session's new (rotated) token: put it in an HttpOnly cookie only."
    )


class SessionResolveRequest(BaseModel):
    session_token: str = _OPAQUE_TOKEN


class SessionResolveResponse(SessionStateResponse):
    """The session plus a token pair bound to it (same fields as the token response)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - RFC 6750 token type
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    refresh_token_expires_in: int = Field(description="Seconds until the refresh token expires.")

    @classmethod
    def of_pair(
        cls, pair: TokenPair, context: SessionContext, now_seconds: float
    ) -> SessionResolveResponse:
        state = SessionStateResponse.of(context)
        return cls(
            user=state.user,
            session=state.session,
            access_token=pair.access_token,
            expires_in=max(0, int(pair.expires_at.timestamp() - now_seconds)),
            refresh_token=pair.refresh_token,
            refresh_token_expires_in=max(0, int(pair.refresh_expires_at.timestamp() - now_seconds)),
        )


class RevokeOthersResponse(BaseModel):
    ended: int = Field(description="How many other sessions were ended.")


class ProfileUpdateRequest(BaseModel):
    """Only the fields sent change; ``"email": null`` (or "") removes the address."""

    display_name: str | None = Field(default=None, max_length=128)
    email: str | None = Field(default=None, max_length=320)


class StrengthRequest(BaseModel):
    password: str = Field(max_length=4096)
    username: str | None = Field(default=None, max_length=320)
    email: str | None = Field(default=None, max_length=320)


class StrengthResponse(BaseModel):
    """Advice for a strength meter (zxcvbn score 0..4); the policy decides acceptance."""

    score: int = Field(ge=0, le=4)
    warning: str
    suggestions: list[str]
    crack_time_display: str

    @classmethod
    def of(cls, estimate: StrengthEstimate) -> StrengthResponse:
        return cls(
            score=estimate.score,
            warning=estimate.warning,
            suggestions=list(estimate.suggestions),
            crack_time_display=estimate.crack_time_display,
        )
