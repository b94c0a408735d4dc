"""The login form, shown on the Login page and in place of pages that need a login.

The password form is plain HTML drawn by a component (``login_fields``,
which says why): like a ``st.form``, nothing reaches the server until "Log
in" is pressed, so a half-typed password never triggers a rerun. The login itself
runs in the button's callback, before the script reruns: the run that the
click causes already knows the user, draws the logged-in navigation and the
page, and queues the cookie, all in one script run. Logging in on the
stand-in of a page that needs a login, that run draws the real page at the
same URL; logging in on the Login page, the callback switches to the page
first asked for (or the app's default page), which Streamlit applies before
the script body runs, so the body still runs once. A refusal is kept for the
run, which draws it under the form; a password that needs a second factor
leaves the ticket for the code step, drawn by that same run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import streamlit as st

from authgate.core.mfa.verifier import parse_code
from authgate.core.records import SessionContext
from authgate.errors import AuthgateError, InvalidToken, MfaRequired
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun, running
from authgate.streamlit.state import FLASH, MFA_TICKET, Flash
from authgate.streamlit.tab_session import request_meta
from authgate.streamlit.ui.feedback import attempt_quietly
from authgate.streamlit.ui.landing import refuse, show_refusal, signed_in_from_callback
from authgate.streamlit.ui.login_fields import LoginFieldLabels, login_fields, submitted_login
from authgate.streamlit.ui.oidc import prepare_provider_step, render_provider_buttons
from authgate.streamlit.ui.passkeys import render_passkey_login, render_passkey_second_step
from authgate.streamlit.ui.widgets import cancel_button, code_input
from authgate.streamlit.visitors import tab_visitor_token

__all__ = ["is_recovery_code", "render_code_step", "render_login_form"]

_FORM = "authgate_login_form"
_MFA_FORM = "authgate_mfa_form"
_MFA_CODE = "authgate_mfa_code"


@dataclass(frozen=True)
class _NeedsCode:
    """The password was right and the account has MFA: the second step comes next."""

    ticket: str


def _verify_code(run: GateRun, ticket: str, current_url: str | None) -> None:
    """The code step's "Verify" callback: trade the ticket and the code for a session."""
    with running(run):
        _verify_code_in_run(run, ticket, current_url)


def _verify_code_in_run(run: GateRun, ticket: str, current_url: str | None) -> None:
    code = st.session_state.get(_MFA_CODE)
    typed = code.strip() if isinstance(code, str) else ""
    if not typed:
        refuse(texts.MFA_CODE_MISSING)
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

    ok, context, refusal = attempt_quietly(verify)
    if not ok or context is None:
        refuse(refusal or texts.UNEXPECTED)
        return
    st.session_state.pop(MFA_TICKET, None)
    if is_recovery_code(typed):
        _tell_codes_left(run, context)
    signed_in_from_callback(run, context, current_url)


def render_code_step(run: GateRun, ticket: str, *, current_url: str | None = None) -> None:
    """The second login step: a TOTP or recovery code trades the MFA ticket for a session."""
    st.info(texts.MFA_STEP_INTRO)
    with st.form(_MFA_FORM, clear_on_submit=True, enter_to_submit=True):
        code_input(_MFA_CODE, help=texts.MFA_CODE_HELP, max_chars=64)
        st.form_submit_button(
            texts.MFA_VERIFY,
            type="primary",
            on_click=_verify_code,
            args=(run, ticket, current_url),
        )
    show_refusal()
    cancel_button(texts.MFA_CANCEL, "authgate_mfa_cancel", forget=MFA_TICKET)
    render_passkey_second_step(run, ticket, current_url=current_url)


def is_recovery_code(code: str) -> bool:
    """Whether a code the login accepted was a recovery code (rather than a TOTP)."""
    try:
        return parse_code(code)[0] == "recovery_code"
    except AuthgateError:
        return False


def _tell_codes_left(run: GateRun, context: SessionContext) -> None:
    """After a recovery-code login, the landing page says how many codes are left."""
    ok, status, _ = attempt_quietly(lambda: run.backend.mfa_status(context.user.id))
    if ok and status is not None:
        left = texts.MFA_RECOVERY_CODE_USED.format(left=status.recovery_codes_left)
        st.session_state[FLASH] = Flash("warning", left)


def _log_in(run: GateRun, current_url: str | None) -> None:
    """The "Log in" callback: check the password (and whether a code must follow).

    It runs before the script, inside the anonymous run's pages and language;
    on success the run it precedes is already logged in.
    """
    with running(run):
        _log_in_in_run(run, current_url)


def _log_in_in_run(run: GateRun, current_url: str | None) -> None:
    sent = submitted_login(_FORM)
    if sent is None or not sent.login.strip() or not sent.password:
        refuse(texts.MISSING_CREDENTIALS)
        return
    meta = request_meta()

    def log_in() -> SessionContext | _NeedsCode:
        try:
            return run.backend.login(
                sent.login,
                sent.password,
                remember=sent.remember,
                visitor=tab_visitor_token(),
                **meta,
            )
        except MfaRequired as error:
            if error.ticket is None:
                raise
            return _NeedsCode(error.ticket)

    ok, answer, refusal = attempt_quietly(log_in)
    if not ok or answer is None:
        refuse(refusal or texts.UNEXPECTED)
    elif isinstance(answer, _NeedsCode):
        st.session_state[MFA_TICKET] = answer.ticket
    else:
        signed_in_from_callback(run, answer, current_url)


def render_login_form(run: GateRun, *, current_url: str | None = None) -> None:
    """Draw the form with its Register and Forgot-password links; log in when it is sent.

    When the password step answers ``MfaRequired``, the ticket is kept in
    this tab's state and the code step replaces the form until it succeeds
    or is cancelled.
    """
    prepare_provider_step(run)
    ticket = st.session_state.get(MFA_TICKET)
    if isinstance(ticket, str):
        render_code_step(run, ticket, current_url=current_url)
        return
    if not render_provider_buttons(run, current_url=current_url):
        return
    login_fields(
        _FORM,
        LoginFieldLabels(
            username=texts.USERNAME,
            username_help=texts.USERNAME_HELP,
            password=texts.PASSWORD,
            remember=texts.REMEMBER_ME,
            remember_help=texts.REMEMBER_ME_HELP,
            show_password=texts.SHOW_PASSWORD,
            submit=texts.LOG_IN,
        ),
        on_submit=functools.partial(_log_in, run, current_url),
    )
    register = run.builtin.get("register")
    forgot = run.builtin.get("forgot")
    links = st.columns(2)
    if register is not None:
        links[0].page_link(register, label=texts.REGISTER_LINK)
    if forgot is not None:
        links[1].page_link(forgot, label=texts.FORGOT_LINK)
    render_passkey_login(run, current_url=current_url)
    show_refusal()
