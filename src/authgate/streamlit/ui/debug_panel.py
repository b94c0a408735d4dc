"""The session debug panel (``AUTHGATE_DEBUG_PANEL=true``): what the gate knows about this tab.

For a developer wondering why a tab logged out, or when it will: who is
logged in, the session's times with what is left of them, the MFA state, how
old the gate's cached validation is and why it was last made, and in remote
mode when the access token dies and when it was last refreshed. It shows
only the first 8 characters of the session *id* (never the token, which the
tab does not hold anyway) and no token, hash or secret; the settings refuse
the panel in production mode.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit._remote_cache import TokenTiming
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.state import TabAuth
from authgate.streamlit.ui.sidebar import escape_markdown

__all__ = ["DebugRow", "TokenTimingSource", "countdown", "debug_rows", "render_debug_panel"]

_SHOWN_ID = 8


@runtime_checkable
class TokenTimingSource(Protocol):
    """A backend that holds tokens for a session (the remote one) and can time them."""

    def token_timing(self, session_id: str) -> TokenTiming | None: ...


@dataclass(frozen=True)
class DebugRow:
    """One line of the panel: a label and its value, as text."""

    label: str
    value: str


def countdown(seconds: float) -> str:
    """ "in 4 min 05 s", or "3 s ago" once passed: a span a person reads at a glance."""
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        span = f"{hours} h {minutes:02d} min"
    elif minutes:
        span = f"{minutes} min {secs:02d} s"
    else:
        span = f"{secs} s"
    return texts.DEBUG_IN.format(span=span) if seconds >= 0 else texts.DEBUG_AGO.format(span=span)


def _at(moment: datetime, now: datetime) -> str:
    return f"{moment:%H:%M:%S} UTC ({countdown((moment - now).total_seconds())})"


def debug_rows(
    auth: TabAuth, *, now: datetime, monotonic_now: float, tokens: TokenTiming | None = None
) -> list[DebugRow]:
    """The panel's lines for this tab's session (pure: tests call it with fixed clocks)."""
    user = auth.user
    rows = [
        DebugRow(texts.DEBUG_WHO, f"{user.username} (id {user.id})"),
        DebugRow(texts.DEBUG_SESSION_ID, auth.session_id[:_SHOWN_ID] + "…"),
    ]
    session = auth.session
    if session is not None:
        rows += [
            DebugRow(texts.DEBUG_CREATED, _at(session.created_at, now)),
            DebugRow(texts.DEBUG_LAST_SEEN, _at(session.last_seen_at, now)),
            DebugRow(texts.DEBUG_IDLE_EXPIRY, _at(session.expires_at, now)),
            DebugRow(texts.DEBUG_ABSOLUTE_EXPIRY, _at(session.absolute_expires_at, now)),
        ]
    rows += [
        DebugRow(texts.DEBUG_ROLES, ", ".join(sorted(user.roles)) or "-"),
        DebugRow(texts.DEBUG_MFA, _mfa_state(auth)),
        DebugRow(texts.DEBUG_CACHE_AGE, countdown(auth.checked_at - monotonic_now)),
        DebugRow(texts.DEBUG_REVALIDATED, texts.DEBUG_REASONS.get(auth.reason, auth.reason)),
    ]
    if tokens is not None:
        rows += [
            DebugRow(texts.DEBUG_ACCESS_EXPIRY, countdown(tokens.access_expires_in)),
            DebugRow(texts.DEBUG_LAST_REFRESH, countdown(-tokens.received_ago)),
        ]
    return rows


def _mfa_state(auth: TabAuth) -> str:
    enabled = texts.DEBUG_MFA_ON if auth.user.mfa_enabled else texts.DEBUG_MFA_OFF
    if auth.session is not None and auth.session.mfa:
        return f"{enabled}; {texts.DEBUG_MFA_SESSION}"
    return enabled


def render_debug_panel(backend: AuthBackend, auth: TabAuth | None) -> None:
    """Draw the panel at the bottom of the sidebar (nothing for an anonymous tab)."""
    if auth is None:
        return
    tokens = (
        backend.token_timing(auth.session_id) if isinstance(backend, TokenTimingSource) else None
    )
    rows = debug_rows(auth, now=backend.now(), monotonic_now=time.monotonic(), tokens=tokens)
    with st.sidebar.expander(texts.DEBUG_TITLE, expanded=True):
        st.caption(texts.DEBUG_NOTE)
        for row in rows:
            st.markdown(f"**{row.label}:** {escape_markdown(row.value)}")
