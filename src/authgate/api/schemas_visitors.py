"""Request and answer bodies of the anonymous-visitor routes (``routers/visitors.py``)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from authgate.core.visitors import VisitorPass

__all__ = [
    "VisitorOut",
    "VisitorPassOut",
    "VisitorTicketRequest",
    "VisitorTokenRequest",
]

_VISITOR_TOKEN = Field(min_length=1, max_length=512, description="The visitor's token.")


class VisitorOut(BaseModel):
    visitor_id: str = Field(description="128 random bits, hex: store visitor-owned data under it.")
    expires_at: datetime


class VisitorPassOut(VisitorOut):
    """A visitor with its token: keep the token like a session token (it proves the visitor)."""

    visitor_token: str

    @classmethod
    def of(cls, visitor: VisitorPass) -> VisitorPassOut:
        return cls(
            visitor_id=visitor.visitor.id,
            expires_at=visitor.visitor.expires_at,
            visitor_token=visitor.token,
        )


class VisitorTokenRequest(BaseModel):
    visitor_token: str = _VISITOR_TOKEN


class VisitorTicketRequest(BaseModel):
    ticket: str = Field(min_length=1, max_length=512)
