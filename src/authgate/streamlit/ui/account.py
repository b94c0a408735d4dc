"""The Account page: profile, password change, two-factor authentication, active sessions.

Changing the password ends every other session (the core does it); "Log out
other sessions" does the same without a password change, for a lost laptop.
The session table marks the one this tab is using and names devices from
their user agent, which is advice for a person, not a security fact.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from authgate.core.records import AuthUser, SessionRecord
from authgate.streamlit import texts
from authgate.streamlit.guards import require_login
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.tab_session import current_auth
from authgate.streamlit.ui.feedback import attempt
from authgate.streamlit.ui.mfa import render_mfa_section
from authgate.streamlit.ui.passkeys import render_passkeys_section
from authgate.streamlit.ui.register import render_strength_hint
from authgate.streamlit.ui.widgets import password_input

__all__ = ["describe_device", "password_changed_message", "render_account"]

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str | None) -> str:
    """ "Chrome on Linux" from a user-agent string; a readable fallback otherwise."""
    if not user_agent:
        return texts.UNKNOWN_DEVICE
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:40]


_PASSWORD_FORM = "authgate_account_password_form"  # noqa: S105 - a form key
_PASSWORD_CHANGED = "authgate.password_changed"  # noqa: S105 - a state key


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _profile(run: GateRun, user: AuthUser) -> None:
    st.subheader(texts.PROFILE_HEADER)
    with st.form("authgate_profile_form"):
        display_name = st.text_input(
            texts.DISPLAY_NAME, value=user.display_name, key="authgate_profile_display_name"
        )
        email = st.text_input(texts.EMAIL, value=user.email or "", key="authgate_profile_email")
        saved = st.form_submit_button(texts.SAVE_PROFILE)
    if not saved:
        return
    if display_name == user.display_name and (email or None) == user.email:
        st.info(texts.PROFILE_UNCHANGED)
        return
    ok, _ = attempt(
        lambda: run.backend.update_profile(
            user.id, display_name=display_name, email=email.strip() or None
        )
    )
    if ok:
        st.success(texts.PROFILE_SAVED)


def _password(run: GateRun, user: AuthUser, session_id: str) -> None:
    """A form (Enter or the button sends it) that empties its password fields when sent."""
    st.subheader(texts.CHANGE_PASSWORD_HEADER)
    changed = st.session_state.pop(_PASSWORD_CHANGED, None)
    if isinstance(changed, str):
        st.success(changed)
    with st.form(_PASSWORD_FORM, clear_on_submit=True, enter_to_submit=True):
        current = password_input(texts.CURRENT_PASSWORD, "authgate_account_current")
        new = password_input(texts.NEW_PASSWORD, "authgate_account_new", new=True)
        confirm = password_input(texts.CONFIRM_NEW_PASSWORD, "authgate_account_confirm", new=True)
        submitted = st.form_submit_button(texts.CHANGE_PASSWORD, key="authgate_account_change")
    if not submitted:
        return
    if new != confirm:
        st.error(texts.PASSWORDS_DIFFER)
        return
    ok, ended = attempt(
        lambda: run.backend.change_password(user.id, current, new, keep_session_id=session_id)
    )
    if not ok:
        render_strength_hint(run, new, username=user.username, email=user.email or "")
        return
    st.session_state[_PASSWORD_CHANGED] = password_changed_message(ended or 0)
    st.rerun()


def password_changed_message(ended: int) -> str:
    """What a password change says: other sessions are mentioned only when some ended."""
    if ended:
        return texts.PASSWORD_CHANGED_OTHERS.format(count=ended)
    return texts.PASSWORD_CHANGED


def _sessions_table(sessions: list[SessionRecord], session_id: str) -> list[dict[str, str]]:
    return [
        {
            texts.SESSION_DEVICE: describe_device(s.user_agent),
            texts.SESSION_IP: s.ip or texts.UNKNOWN_IP,
            texts.SESSION_LAST_SEEN: _when(s.last_seen_at),
            texts.SESSION_STARTED: _when(s.created_at),
            texts.SESSION_THIS: texts.THIS_SESSION_MARK if s.id == session_id else "",
        }
        for s in sessions
    ]


def _sessions(run: GateRun, user: AuthUser, session_id: str) -> None:
    st.subheader(texts.SESSIONS_HEADER)
    if st.button(texts.LOG_OUT_OTHERS, key="authgate_account_logout_others"):
        ok, count = attempt(lambda: run.backend.revoke_other_sessions(user.id, session_id))
        if ok:
            st.success(
                texts.OTHERS_LOGGED_OUT.format(count=count) if count else texts.NO_OTHER_SESSIONS
            )
    ok, sessions = attempt(lambda: run.backend.list_sessions(user.id))
    if ok and sessions is not None:
        st.dataframe(_sessions_table(sessions, session_id), hide_index=True)


def render_account(run: GateRun) -> None:
    """The Account page body (the page itself is only routed to logged-in users)."""
    user = require_login()
    auth = current_auth()
    st.title(texts.ACCOUNT_TITLE)
    if auth is None:  # pragma: no cover - require_login stopped the run already
        return
    _profile(run, user)
    st.divider()
    _password(run, user, auth.session_id)
    st.divider()
    render_mfa_section(run, user)
    st.divider()
    render_passkeys_section(run, user, auth.session_id)
    st.divider()
    _sessions(run, user, auth.session_id)
