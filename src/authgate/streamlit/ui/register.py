"""Self-registration: the Register page, with a password-strength hint.

The fields are a ``st.form``: every value is taken when the form is sent
(by Enter in any field or the button), so a keyboard user who tabs past the
show-password toggle loses nothing. No field has a help icon, which would
sit between two fields in the Tab order; the email hint is a caption. The
core decides what is accepted (every policy failure is reported at once);
the strength hint, shown for a refused password, only advises. On success
the new user is logged in exactly as by the login form, in the button's
callback: the run the click causes is already logged in.
"""

from __future__ import annotations

import streamlit as st

from authgate.core.records import AuthUser, SessionContext
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun, running
from authgate.streamlit.state import FLASH, Flash
from authgate.streamlit.tab_session import request_meta, sign_in
from authgate.streamlit.ui.feedback import attempt, attempt_quietly
from authgate.streamlit.ui.landing import land_from_callback, refuse, show_refusal
from authgate.streamlit.ui.sidebar import escape_markdown
from authgate.streamlit.ui.widgets import password_input
from authgate.streamlit.visitors import tab_visitor_token

__all__ = ["render_register", "render_strength_hint"]

_FORM = "authgate_register_form"
_USERNAME = "authgate_register_username"
_EMAIL = "authgate_register_email"
_DISPLAY_NAME = "authgate_register_display_name"
_PASSWORD = "authgate_register_password"  # noqa: S105 - a widget key
_CONFIRM = "authgate_register_confirm"
_FIELDS = (_USERNAME, _EMAIL, _DISPLAY_NAME, _PASSWORD, _CONFIRM)
_HINT = "authgate.register_hint"
"""Set by a refused registration: the run draws the strength hint for the password typed."""


def render_strength_hint(run: GateRun, password: str, *, username: str, email: str) -> None:
    """One line under a new-password field: how guessable it is and what would help."""
    if not password:
        st.caption(texts.STRENGTH_EMPTY)
        return
    ok, estimate = attempt(
        lambda: run.backend.password_strength(
            password, username=username or None, email=email or None
        )
    )
    if not ok or estimate is None:
        return
    score = max(0, min(estimate.score, len(texts.STRENGTH_LABELS) - 1))
    advice = estimate.warning or " ".join(estimate.suggestions)
    st.progress((score + 1) / len(texts.STRENGTH_LABELS))
    st.caption(texts.STRENGTH_HINT.format(label=texts.STRENGTH_LABELS[score], advice=advice))


def render_register(run: GateRun) -> None:
    """The Register page body; "Create account" registers and logs in in its callback."""
    st.title(texts.REGISTER_TITLE)
    if not run.backend.allow_registration:
        st.info(texts.REGISTRATION_CLOSED)
        return
    with st.form(_FORM, clear_on_submit=False, enter_to_submit=True):
        username = st.text_input(texts.USERNAME, key=_USERNAME, autocomplete="username")
        email = st.text_input(texts.EMAIL, key=_EMAIL, autocomplete="email")
        st.caption(texts.EMAIL_HELP)
        st.text_input(texts.DISPLAY_NAME, key=_DISPLAY_NAME, autocomplete="name")
        password = password_input(texts.PASSWORD, _PASSWORD, new=True)
        password_input(texts.CONFIRM_PASSWORD, _CONFIRM, new=True)
        st.form_submit_button(
            texts.CREATE_ACCOUNT,
            key="authgate_register_submit",
            type="primary",
            on_click=_register,
            args=(run,),
        )
    login = run.builtin.get("login")
    if login is not None:
        st.page_link(login, label=f"{texts.ALREADY_HAVE_ACCOUNT} {texts.LOG_IN}")
    show_refusal()
    if st.session_state.pop(_HINT, False):
        render_strength_hint(run, password, username=username, email=email)


def _register(run: GateRun) -> None:
    """The "Create account" callback: register, then log in as the login form does.

    It runs before the script, inside the Register page's run, so the run the
    click causes is already logged in and lands on the page first asked for
    (or the default page) with the welcome; a refusal is kept for the form.
    """
    with running(run):
        _register_in_run(run)


def _register_in_run(run: GateRun) -> None:
    username, email, display_name, password, confirm = (_typed(key) for key in _FIELDS)
    if password != confirm:
        refuse(texts.PASSWORDS_DIFFER)
        return
    meta = request_meta()

    def create() -> AuthUser:
        return run.backend.register(
            username,
            password,
            email=email.strip() or None,
            display_name=display_name.strip() or None,
            **meta,
        )

    ok, user, refusal = attempt_quietly(create)
    if not ok or user is None:
        refuse(refusal or texts.UNEXPECTED)
        st.session_state[_HINT] = True
        return

    def log_in() -> SessionContext:
        return run.backend.login(user.username, password, visitor=tab_visitor_token(), **meta)

    ok, context, refusal = attempt_quietly(log_in)
    if ok and context is not None:
        ok, _, refusal = attempt_quietly(lambda: sign_in(run.backend, context))
    if not ok or context is None:
        refuse(refusal or texts.UNEXPECTED)
        return
    welcome = texts.WELCOME.format(label=escape_markdown(user.label))  # shown as Markdown
    st.session_state[FLASH] = Flash("success", welcome)
    land_from_callback(run, None)


def _typed(key: str) -> str:
    """What the form sent in the field ``key`` ("" if nothing)."""
    value = st.session_state.get(key)
    return value if isinstance(value, str) else ""
