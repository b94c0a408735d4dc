"""The login form, shown on the Login page and in place of pages that need a login.

The form is a ``st.form``: nothing reaches the server until "Log in" is
pressed, so a half-typed password never triggers a rerun. A successful login
makes this tab's session, queues the cookie, and lands on the page the
visitor first asked for (or the app's default page).
"""

from __future__ import annotations

import streamlit as st

from authgate.core.records import SessionContext
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.state import NEXT_PAGE
from authgate.streamlit.tab_session import request_meta, sign_in
from authgate.streamlit.ui.feedback import attempt

__all__ = ["land_after_login", "render_login_form"]

_FORM = "authgate_login_form"
_USERNAME = "authgate_login_username"
_PASSWORD = "authgate_login_password"  # noqa: S105 - a widget key
_REMEMBER = "authgate_login_remember"


def land_after_login(run: GateRun, *, current_url: str | None = None) -> None:
    """Rerun on the page first asked for; the new navigation now holds the real page."""
    target = st.session_state.pop(NEXT_PAGE, None) or current_url
    page = run.page(target) if target is not None else None
    if page is None or target in run.builtin_urls():
        page = run.page(run.default_url)
    if page is None:
        st.rerun()
    st.switch_page(page)


def render_login_form(run: GateRun, *, current_url: str | None = None) -> None:
    """Draw the form with its Register and Forgot-password links; log in on submit."""
    with st.form(_FORM, clear_on_submit=False, enter_to_submit=True):
        login = st.text_input(
            texts.USERNAME, key=_USERNAME, help=texts.USERNAME_HELP, autocomplete="username"
        )
        password = st.text_input(
            texts.PASSWORD, key=_PASSWORD, type="password", autocomplete="current-password"
        )
        remember = st.checkbox(texts.REMEMBER_ME, key=_REMEMBER, help=texts.REMEMBER_ME_HELP)
        submitted = st.form_submit_button(texts.LOG_IN, type="primary")
    register = run.builtin.get("register")
    forgot = run.builtin.get("forgot")
    links = st.columns(2)
    if register is not None:
        links[0].page_link(register, label=texts.REGISTER_LINK)
    if forgot is not None:
        links[1].page_link(forgot, label=texts.FORGOT_LINK)
    if not submitted:
        return
    if not login.strip() or not password:
        st.error(texts.MISSING_CREDENTIALS)
        return
    ip, agent = request_meta()

    def log_in() -> SessionContext:
        return run.backend.login(login, password, remember=remember, ip=ip, user_agent=agent)

    ok, context = attempt(log_in)
    if not ok or context is None:
        return
    ok, _ = attempt(lambda: sign_in(run.backend, context))
    if ok:
        land_after_login(run, current_url=current_url)
