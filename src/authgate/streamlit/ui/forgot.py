"""The "Forgot password?" page.

With mail configured it takes a username or email and always gives the same
answer, so it reveals nothing about which accounts exist; without mail it
says plainly that recovery is by an administrator.
"""

from __future__ import annotations

from typing import Protocol, Unpack

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.backend import RequestMeta
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.tab_session import request_meta
from authgate.streamlit.ui.feedback import attempt

__all__ = ["render_forgot"]


class _Request(Protocol):
    def __call__(self, value: str, /, **meta: Unpack[RequestMeta]) -> None: ...


def _field_form(name: str, field: str, label: str, button: str, *, primary: bool = False) -> str:
    """A form of one field (keys ``{name}_form``, ``{name}_{field}``); what was sent, or ""."""
    with st.form(f"{name}_form", clear_on_submit=True):
        value = st.text_input(label, key=f"{name}_{field}", max_chars=320)
        submitted = st.form_submit_button(button, type="primary" if primary else "secondary")
    return value.strip() if submitted else ""


def _requested(request: _Request, value: str) -> bool:
    """Ask for a mail about ``value``; the answer is the same whether or not an account matched."""
    meta = request_meta()
    ok, _ = attempt(lambda: request(value, **meta))
    return ok


def _request_forms(run: GateRun) -> None:
    st.write(texts.FORGOT_INTRO)
    login = _field_form(
        "authgate_forgot", "login", texts.FORGOT_LOGIN, texts.FORGOT_SEND, primary=True
    )
    if login and _requested(run.backend.request_password_reset, login):
        st.success(texts.FORGOT_SENT)
    st.subheader(texts.FORGOT_USERNAME_HEADER)
    email = _field_form(
        "authgate_forgot_username", "email", texts.FORGOT_USERNAME_EMAIL, texts.FORGOT_USERNAME_SEND
    )
    if email and _requested(run.backend.request_username_reminder, email):
        st.success(texts.FORGOT_USERNAME_SENT)


def render_forgot(run: GateRun) -> None:
    st.title(texts.FORGOT_TITLE)
    ok, mail = attempt(lambda: run.backend.recovery_mail_enabled)
    if ok and mail:
        _request_forms(run)
    elif ok:
        st.info(texts.FORGOT_BODY)
    login = run.builtin.get("login")
    if login is not None:
        st.page_link(login, label=texts.BACK_TO_LOGIN)
