"""The page an email-verification link leads to (``/verify-email?token=...``).

The token leaves the address bar on the first run (kept in this tab's state
only until it is spent), so it is neither in the browser history nor shared by
a copied URL. The link works whether or not the visitor is logged in.
"""

from __future__ import annotations

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.feedback import attempt, link_wording

__all__ = ["VERIFY_TOKEN", "render_verify_email"]

VERIFY_TOKEN = "authgate.verify_token"  # noqa: S105 - a state key
_DONE = "authgate.verify_done"
_MAX_TOKEN = 512


def render_verify_email(run: GateRun) -> None:
    st.title(texts.VERIFY_TITLE)
    token = st.query_params.get("token")
    if token is not None:
        if 0 < len(token) <= _MAX_TOKEN:
            st.session_state[VERIFY_TOKEN] = token
        del st.query_params["token"]
    pending = st.session_state.pop(VERIFY_TOKEN, None)
    if isinstance(pending, str):
        ok, username = attempt(lambda: run.backend.verify_email(pending), wording=link_wording())
        if ok and username is not None:
            st.session_state[_DONE] = username
    done = st.session_state.get(_DONE)
    if isinstance(done, str):
        st.success(texts.VERIFY_DONE.format(username=done))
    elif not isinstance(pending, str):
        st.info(texts.VERIFY_NO_TOKEN)
    login = run.builtin.get("login")
    if login is not None and run.user is None:
        st.page_link(login, label=texts.BACK_TO_LOGIN)
