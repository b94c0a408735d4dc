"""The "Forgot password?" page, until self-service recovery is configured.

It says plainly how to get back in and, like every recovery answer, reveals
nothing about which accounts exist.
"""

from __future__ import annotations

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun

__all__ = ["render_forgot"]


def render_forgot(run: GateRun) -> None:
    st.title(texts.FORGOT_TITLE)
    st.info(texts.FORGOT_BODY)
    login = run.builtin.get("login")
    if login is not None:
        st.page_link(login, label=texts.BACK_TO_LOGIN)
