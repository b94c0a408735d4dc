"""The visitor's audit event: its data went to an account."""

from __future__ import annotations

from authgate.core.events import AuthEvent

__all__ = ["VisitorHandedOff"]


class VisitorHandedOff(AuthEvent, event_type="visitor.handed_off"):
    """An anonymous visitor logged in or registered: its id now belongs to ``user_id``."""

    visitor_id: str = ""
