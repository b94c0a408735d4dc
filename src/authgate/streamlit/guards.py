"""Who is here, and guards a page calls as its second line of defence.

The gate already keeps pages out of a user's navigation when they lack the
roles; these guards make a page safe even if it is reached some other way
(a page list assembled by hand, a ``st.switch_page`` in application code).
They read the user the gate resolved for this run, so they cost nothing.
"""

from __future__ import annotations

import streamlit as st

from authgate.core.records import AuthUser
from authgate.streamlit import texts
from authgate.streamlit.navigation import current_run
from authgate.streamlit.state import AUTH, TabAuth

__all__ = ["current_user", "require_login", "require_role"]


def current_user() -> AuthUser | None:
    """The logged-in user of this tab as resolved by the gate for this run, or None."""
    run = current_run()
    if run is not None:
        return run.user
    auth: TabAuth | None = st.session_state.get(AUTH)
    return auth.user if auth is not None else None


def require_login() -> AuthUser:
    """The current user; otherwise show "please log in" and stop this run."""
    user = current_user()
    if user is None:
        st.warning(texts.LOGIN_REQUIRED)
        st.stop()
    return user


def require_role(*roles: str) -> AuthUser:
    """The current user if they hold at least one of ``roles``; otherwise refuse and stop."""
    if not roles:
        raise ValueError("require_role needs at least one role name")
    user = require_login()
    if not user.has_role(*roles):
        st.error(texts.FORBIDDEN)
        st.stop()
    return user
