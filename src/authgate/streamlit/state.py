"""The gate's per-tab keys in ``st.session_state`` and the values stored under them.

``st.session_state`` is per tab and never the source of truth for who is
logged in: it keeps the session *id* (never the token) with a cached
validation, which the gate refreshes against the store. Keys are prefixed
``authgate.`` so they cannot collide with an application's widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from authgate.core.records import AuthUser, SessionRecord

__all__ = [
    "AUTH",
    "COOKIE_READ",
    "FLASH",
    "MFA_TICKET",
    "NEXT_PAGE",
    "PENDING_SYNC",
    "PENDING_VISITOR_SYNC",
    "VISITOR",
    "VISITOR_READ",
    "Flash",
    "TabAuth",
]

AUTH: Final = "authgate.auth"
"""``TabAuth`` of the logged-in user of this tab, or absent."""

COOKIE_READ: Final = "authgate.cookie_read"
"""Set once the cookie snapshot of this tab's websocket was used (it never changes)."""

FLASH: Final = "authgate.flash"
"""A ``Flash`` to show once on the next page drawn (logged out, session expired...)."""

MFA_TICKET: Final = "authgate.mfa_ticket"
"""The short-lived MFA ticket between the password step and the code step of a login."""

NEXT_PAGE: Final = "authgate.next"
"""The url path an anonymous visitor asked for, to land on after logging in."""

PENDING_SYNC: Final = "authgate.pending_sync"
"""A ``PendingSync`` the browser still has to perform (set or clear the cookie)."""

PENDING_VISITOR_SYNC: Final = "authgate.pending_visitor_sync"
"""A ``PendingSync`` that sets the anonymous visitor's cookie."""

VISITOR: Final = "authgate.visitor"
"""The ``TabVisitor`` of an anonymous tab that keeps data, or absent."""

VISITOR_READ: Final = "authgate.visitor_read"
"""Set once the visitor cookie of this tab's websocket was looked up."""


REVALIDATED_COOKIE: Final = "cookie"
"""The tab's first run: the session cookie was validated."""
REVALIDATED_LOGIN: Final = "login"
"""A login in this tab made the session."""
REVALIDATED_STATE: Final = "state_changed"
"""Something in this process (a logout, disable, password change) moved the state version."""
REVALIDATED_INTERVAL: Final = "interval"
"""The revalidation interval passed (changes made by other processes)."""
REVALIDATED_EXPIRY: Final = "expiry"
"""The session's own expiry time was reached."""


@dataclass(frozen=True)
class TabAuth:
    """A validated session as this tab last saw it.

    ``checked_at`` is ``time.monotonic()`` at validation and ``version`` the
    backend's ``state_version`` then; the gate trusts the entry until either
    moves too far, or until ``expires_at`` passes.
    """

    session_id: str
    user: AuthUser
    expires_at: datetime
    checked_at: float
    version: int
    session: SessionRecord | None = None
    """The session as last validated (times for the debug panel)."""
    reason: str = ""
    """Why the gate last validated it: a ``REVALIDATED_*`` value."""


@dataclass(frozen=True)
class Flash:
    """A one-time message: ``kind`` picks ``st.info``, ``st.warning`` or ``st.success``."""

    kind: Literal["info", "warning", "success", "error"]
    message: str
    to_login: bool = False
