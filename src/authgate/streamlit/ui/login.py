"""The login form, shown on the Login page and in place of pages that need a login.

The form is a ``st.form``: nothing reaches the server until "Log in" is
pressed, so a half-typed password never triggers a rerun. A successful login
makes this tab's session, queues the cookie, and lands on the page the
visitor first asked for (or the app's default page).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from authgate.core.mfa.verifier import parse_code
from authgate.core.records import SessionContext
from authgate.errors import AuthgateError, InvalidToken, MfaRequired
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.state import FLASH, MFA_TICKET, NEXT_PAGE, Flash
from authgate.streamlit.tab_session import request_meta, sign_in
from authgate.streamlit.ui.feedback import attempt
from authgate.streamlit.ui.passkeys import render_passkey_login, render_passkey_second_step
from authgate.streamlit.ui.widgets import (
    cancel_button,
    code_input,
    password_input,
    submitted_code,
)
from authgate.streamlit.visitors import tab_visitor_token

__all__ = ["is_recovery_code", "land_after_login", "render_code_step", "render_login_form"]

_FORM = "authgate_login_form"
_USERNAME = "authgate_login_username"
_PASSWORD = "authgate_login_password"  # noqa: S105 - a widget key
_REMEMBER = "authgate_login_remember"
_MFA_FORM = "authgate_mfa_form"
_MFA_CODE = "authgate_mfa_code"


@dataclass(frozen=True)
class _NeedsCode:
    """The password was right and the account has MFA: the second step comes next."""

    ticket: str


def land_after_login(run: GateRun, *, current_url: str | None = None) -> None:
    """Rerun on the page first asked for; the new navigation now holds the real page."""
    target = st.session_state.pop(NEXT_PAGE, None) or current_url
    page = run.page(target) if target is not None else None
    if page is None or target in run.builtin_urls():
        page = run.page(run.default_url)
    if page is None:
        st.rerun()
    st.switch_page(page)


def _finish(run: GateRun, context: SessionContext, current_url: str | None) -> None:
    ok, _ = attempt(lambda: sign_in(run.backend, context))
    if ok:
        land_after_login(run, current_url=current_url)


def render_code_step(run: GateRun, ticket: str, *, current_url: str | None = None) -> None:
    """The second login step: a TOTP or recovery code trades the MFA ticket for a session."""
    st.info(texts.MFA_STEP_INTRO)
    with st.form(_MFA_FORM, clear_on_submit=True, enter_to_submit=True):
        code = code_input(_MFA_CODE, help=texts.MFA_CODE_HELP, max_chars=64)
        submitted = st.form_submit_button(texts.MFA_VERIFY, type="primary")
    cancel_button(texts.MFA_CANCEL, "authgate_mfa_cancel", forget=MFA_TICKET)
    render_passkey_second_step(run, ticket, current_url=current_url)
    typed = submitted_code(submitted, code)
    if typed is None:
        return
    meta = request_meta()

    def verify() -> SessionContext:
        try:
            return run.backend.complete_mfa_login(
                ticket, typed, visitor=tab_visitor_token(), **meta
            )
        except InvalidToken:  # expired or spent: back to the password step
            st.session_state.pop(MFA_TICKET, None)
            raise

    ok, context = attempt(verify)
    if not ok or context is None:
        return
    st.session_state.pop(MFA_TICKET, None)
    if is_recovery_code(typed):
        _tell_codes_left(run, context)
    _finish(run, context, current_url)


def is_recovery_code(code: str) -> bool:
    """Whether a code the login accepted was a recovery code (rather than a TOTP)."""
    try:
        return parse_code(code)[0] == "recovery_code"
    except AuthgateError:
        return False


def _tell_codes_left(run: GateRun, context: SessionContext) -> None:
    """After a recovery-code login, the landing page says how many codes are left."""
    ok, status = attempt(lambda: run.backend.mfa_status(context.user.id))
    if ok and status is not None:
        left = texts.MFA_RECOVERY_CODE_USED.format(left=status.recovery_codes_left)
        st.session_state[FLASH] = Flash("warning", left)


def render_login_form(run: GateRun, *, current_url: str | None = None) -> None:
    """Draw the form with its Register and Forgot-password links; log in on submit.

    When the password step answers ``MfaRequired``, the ticket is kept in
    this tab's state and the code step replaces the form until it succeeds
    or is cancelled.
    """
    ticket = st.session_state.get(MFA_TICKET)
    if isinstance(ticket, str):
        render_code_step(run, ticket, current_url=current_url)
        return
    with st.form(_FORM, clear_on_submit=False, enter_to_submit=True):
        login = st.text_input(
            texts.USERNAME, key=_USERNAME, help=texts.USERNAME_HELP, autocomplete="username"
        )
        password = password_input(texts.PASSWORD, _PASSWORD)
        remember = st.checkbox(texts.REMEMBER_ME, key=_REMEMBER, help=texts.REMEMBER_ME_HELP)
        submitted = st.form_submit_button(texts.LOG_IN, type="primary")
    register = run.builtin.get("register")
    forgot = run.builtin.get("forgot")
    links = st.columns(2)
    if register is not None:
        links[0].page_link(register, label=texts.REGISTER_LINK)
    if forgot is not None:
        links[1].page_link(forgot, label=texts.FORGOT_LINK)
    render_passkey_login(run, current_url=current_url)
    if not submitted:
        return
    if not login.strip() or not password:
        st.error(texts.MISSING_CREDENTIALS)
        return
    meta = request_meta()

    def log_in() -> SessionContext | _NeedsCode:
        try:
            return run.backend.login(
                login, password, remember=remember, visitor=tab_visitor_token(), **meta
            )
        except MfaRequired as error:
            if error.ticket is None:
                raise
            return _NeedsCode(error.ticket)

    ok, answer = attempt(log_in)
    if not ok or answer is None:
        return
    if isinstance(answer, _NeedsCode):
        st.session_state[MFA_TICKET] = answer.ticket
        st.rerun()
    else:
        _finish(run, answer, current_url)
