"""The session rules, written once: lifetimes, the sliding idle timeout, and validity.

The browser (or API client) holds a 256-bit random token; the store holds its
SHA-256, so a leaked database yields no live session. Every login gets a new
token and a new session id (no fixation). The idle timeout slides with use,
the absolute lifetime never moves, and ``last_seen_at`` is written at most
once per ``touch_interval`` so validation is a read on almost every page view.

The gate, the API, token resume and refresh all ask ``check`` and
``is_live``; none restates what makes a session valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from authgate.core.ports.sessions import NewSession, SessionView
from authgate.core.records import Client, SessionRecord
from authgate.core.secrets import digest, new_id, new_token
from authgate.errors import SessionExpired, SessionRevoked

__all__ = ["SessionPolicy", "is_session_id"]

_SESSION_ID = re.compile(r"[0-9a-f]{32}")


def is_session_id(value: object) -> bool:
    """True for a well-formed session id (32 hex digits); anything else names nothing."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class SessionPolicy:
    idle_timeout: timedelta = timedelta(minutes=30)
    absolute_lifetime: timedelta = timedelta(hours=12)
    remember_lifetime: timedelta = timedelta(days=30)
    touch_interval: timedelta = timedelta(minutes=1)

    def new_session(
        self,
        user_id: int,
        *,
        now: datetime,
        remember: bool,
        mfa: bool,
        ip: str | None,
        user_agent: str | None,
    ) -> tuple[NewSession, str]:
        """A new session (fresh id and token) and its token, the only copy."""
        token = new_token()
        lifetime = self.remember_lifetime if remember else self.absolute_lifetime
        # A remembered session is meant to outlive a closed laptop lid: its idle
        # limit is its whole lifetime. Ordinary sessions keep the short idle limit.
        idle = lifetime if remember else min(self.idle_timeout, lifetime)
        absolute = now + lifetime
        client = Client.of(ip, user_agent)
        new = NewSession(
            id=new_id(),
            token_hash=digest(token),
            user_id=user_id,
            created_at=now,
            idle_timeout_seconds=int(idle.total_seconds()),
            expires_at=min(now + idle, absolute),
            absolute_expires_at=absolute,
            remember=remember,
            mfa=mfa,
            ip=client.ip,
            user_agent=client.user_agent,
        )
        return new, token

    @staticmethod
    def slid_expiry(now: datetime, idle_seconds: int, absolute_expires_at: datetime) -> datetime:
        """The idle expiry after activity at ``now``: it slides, but never past the absolute one."""
        return min(now + timedelta(seconds=idle_seconds), absolute_expires_at)

    @staticmethod
    def is_live(session: SessionRecord, now: datetime) -> bool:
        """True while neither the idle nor the absolute expiry has passed."""
        return now < session.expires_at and now < session.absolute_expires_at

    def check(self, view: SessionView, now: datetime) -> None:
        """Raise SessionExpired past either expiry, SessionRevoked for a disabled account."""
        if not self.is_live(view.session, now):
            raise SessionExpired()
        if not view.user.is_active:
            raise SessionRevoked()

    def due_for_touch(self, session: SessionRecord, now: datetime) -> bool:
        """True when activity at ``now`` should be written (at most once per interval)."""
        return now - session.last_seen_at >= self.touch_interval
