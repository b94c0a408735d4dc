"""The "Forgot password?" page.

With mail configured it takes a username or email and always gives the same
answer, so it reveals nothing about which accounts exist; without mail it
says plainly that recovery is by an administrator.
"""

from __future__ import annotations

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.tab_session import request_meta
from authgate.streamlit.ui.feedback import attempt

__all__ = ["render_forgot"]


def _request_form(run: GateRun) -> None:
    st.write(texts.FORGOT_INTRO)
    with st.form("authgate_forgot_form", clear_on_submit=True):
        login = st.text_input(texts.FORGOT_LOGIN, key="authgate_forgot_login", max_chars=320)
        submitted = st.form_submit_button(texts.FORGOT_SEND, type="primary")
    if not submitted or not login.strip():
        return
    ip, agent = request_meta()
    ok, _ = attempt(
        lambda: run.backend.request_password_reset(login.strip(), ip=ip, user_agent=agent)
    )
    if ok:
        st.success(texts.FORGOT_SENT)


def _username_form(run: GateRun) -> None:
    st.subheader(texts.FORGOT_USERNAME_HEADER)
    with st.form("authgate_forgot_username_form", clear_on_submit=True):
        email = st.text_input(
            texts.FORGOT_USERNAME_EMAIL, key="authgate_forgot_username_email", max_chars=320
        )
        submitted = st.form_submit_button(texts.FORGOT_USERNAME_SEND)
    if not submitted or not email.strip():
        return
    ip, agent = request_meta()
    ok, _ = attempt(
        lambda: run.backend.request_username_reminder(email.strip(), ip=ip, user_agent=agent)
    )
    if ok:
        st.success(texts.FORGOT_USERNAME_SENT)


def render_forgot(run: GateRun) -> None:
    st.title(texts.FORGOT_TITLE)
    ok, mail = attempt(lambda: run.backend.recovery_mail_enabled)
    if ok and mail:
        _request_form(run)
        _username_form(run)
    elif ok:
        st.info(texts.FORGOT_BODY)
    login = run.builtin.get("login")
    if login is not None:
        st.page_link(login, label=texts.BACK_TO_LOGIN)
