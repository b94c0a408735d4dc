"""Bodies of the endpoints a remote Streamlit gate uses (``routers/gate.py``).

Kept apart from ``schemas.py`` because they serve one client, the gate's
``RemoteBackend``, and carry its session token: the fields that hold secrets
are named for what they are so that nobody logs them by accident.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from authgate.api.schemas import RecordOut, SessionOut, TokenFields, UserOut
from authgate.core.records import SessionContext, StrengthEstimate
from authgate.core.tokens.service import TokenPair

__all__ = [
    "ProfileUpdateRequest",
    "RevokeOthersResponse",
    "SessionLoginResponse",
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
    """A validated session and its user, as the store has them now.

    ``mfa_enrollment_required`` carries the server's MFA rule with the user, so
    a remote gate holds the user on enrolment exactly when this API would
    refuse them, without asking separately or deciding from its own settings.
    """

    user: UserOut
    session: SessionOut
    mfa_enrollment_required: bool = Field(
        default=False,
        description="The user's roles require MFA and it is not on yet: until it is, a gate "
        "shows only the enrolment page and most of this API answers 403.",
    )

    @classmethod
    def of(
        cls, context: SessionContext, *, enrollment_required: bool = False
    ) -> SessionStateResponse:
        return cls(
            user=UserOut.of(context.user),
            session=SessionOut.of(context.session, current_id=context.session.id),
            mfa_enrollment_required=enrollment_required,
        )


class TicketRedeemResponse(SessionStateResponse):
    session_token: str = Field(
        description="The session's new (rotated) token: put it in an HttpOnly cookie only."
    )


class SessionResolveRequest(BaseModel):
    session_token: str = _OPAQUE_TOKEN


# Pydantic lists the fields of the later base first: the session state, then the pair.
class SessionResolveResponse(TokenFields, SessionStateResponse):
    """The session plus a token pair bound to it (same fields as the token response)."""

    @classmethod
    def of_pair(
        cls,
        pair: TokenPair,
        context: SessionContext,
        now: datetime,
        *,
        enrollment_required: bool = False,
    ) -> SessionResolveResponse:
        state = SessionStateResponse.of(context, enrollment_required=enrollment_required)
        return cls(**dict(state), **TokenFields.fields_of(pair, now))


class SessionLoginResponse(SessionResolveResponse):
    """A new session, its token pair and its cookie ticket: a remote gate's login in one answer.

    The gate needs all three after a login (the session record for the tab, the
    pair to act for the user, the ticket for the browser's cookie); asking for
    them separately cost three round trips to this API.
    """

    cookie_ticket: str = Field(
        description="Single-use, valid for at most 60 seconds: the browser trades it "
        "(through the gate) at POST {prefix}/session-tickets/redeem for the cookie."
    )

    @classmethod
    def of_login(
        cls,
        pair: TokenPair,
        context: SessionContext,
        now: datetime,
        *,
        cookie_ticket: str,
        enrollment_required: bool,
    ) -> SessionLoginResponse:
        resolved = SessionResolveResponse.of_pair(
            pair, context, now, enrollment_required=enrollment_required
        )
        return cls(**dict(resolved), cookie_ticket=cookie_ticket)


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


class StrengthResponse(RecordOut):
    """Advice for a strength meter (zxcvbn score 0..4); the policy decides acceptance."""

    score: int = Field(ge=0, le=4)
    warning: str
    suggestions: list[str]
    crack_time_display: str

    @classmethod
    def of(cls, estimate: StrengthEstimate) -> StrengthResponse:
        return cls.from_record(estimate, suggestions=list(estimate.suggestions))
