"""The "Two-factor authentication" section of the Account page.

Enrolment shows a new secret as a QR code and as text, and switches MFA on
only after a first valid code; the ten recovery codes are then shown once,
with a download. With MFA on, the section regenerates the recovery codes
(after a current code) and turns MFA off (after the password and a code).
The pending secret and the fresh codes live in this tab's state only until
they have been shown.
"""

from __future__ import annotations

import streamlit as st

from authgate.core.mfa.totp import MfaEnrollment
from authgate.core.records import AuthUser
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.feedback import attempt
from authgate.streamlit.ui.widgets import (
    cancel_button,
    code_input,
    password_input,
    submitted_code,
)

__all__ = ["recovery_codes_text", "render_mfa_section"]

PENDING = "authgate.mfa_pending"
"""The ``MfaEnrollment`` being set up in this tab."""

FRESH_CODES = "authgate.mfa_codes"
"""Recovery codes just generated, shown once and then dropped."""

FRESH_REASON = "authgate.mfa_codes_reason"
"""Why the fresh codes exist: ``"enabled"`` (MFA just turned on) or ``"regenerated"``."""


def recovery_codes_text(username: str, codes: list[str]) -> str:
    """The downloadable file: one code a line, with a line saying whose they are."""
    return f"Recovery codes for {username} (each works once)\n\n" + "\n".join(codes) + "\n"


def _show_codes(user: AuthUser, codes: list[str]) -> None:
    st.warning(texts.MFA_CODES_INTRO)
    st.code("\n".join(codes), language=None)
    st.download_button(
        texts.MFA_CODES_DOWNLOAD,
        data=recovery_codes_text(user.username, codes),
        file_name=texts.MFA_CODES_FILE,
        mime="text/plain",
        key="authgate_mfa_download",
    )
    if st.button(texts.MFA_CODES_DONE, key="authgate_mfa_codes_done"):
        st.session_state.pop(FRESH_CODES, None)
        st.session_state.pop(FRESH_REASON, None)
        st.rerun()


def _enrol(run: GateRun, user: AuthUser, pending: MfaEnrollment) -> None:
    st.write(texts.MFA_SCAN)
    st.image(pending.qr_png, width=220)
    st.markdown(f"**{texts.MFA_SECRET_LABEL}**")
    st.code(pending.secret, language=None)
    with st.form("authgate_mfa_confirm_form", clear_on_submit=True):
        code = code_input("authgate_mfa_confirm_code")
        submitted = st.form_submit_button(texts.MFA_CONFIRM, type="primary")
    cancel_button(texts.MFA_CANCEL_SETUP, "authgate_mfa_cancel_setup", forget=PENDING)
    typed = submitted_code(submitted, code)
    if typed is None:
        return
    ok, codes = attempt(lambda: run.backend.confirm_mfa_enrollment(user.id, typed))
    if ok and codes is not None:
        st.session_state.pop(PENDING, None)
        _show_fresh(codes, "enabled")


def _regenerate(run: GateRun, user: AuthUser) -> None:
    st.markdown(f"**{texts.MFA_REGENERATE_HEADER}**")
    with st.form("authgate_mfa_regenerate_form", clear_on_submit=True):
        code = code_input("authgate_mfa_regenerate_code")
        submitted = st.form_submit_button(texts.MFA_REGENERATE, help=texts.MFA_REGENERATE_HELP)
    typed = submitted_code(submitted, code)
    if typed is None:
        return
    ok, codes = attempt(lambda: run.backend.regenerate_recovery_codes(user.id, typed))
    if ok and codes is not None:
        _show_fresh(codes, "regenerated")


def _show_fresh(codes: list[str], reason: str) -> None:
    """Keep new recovery codes for the one run that shows them, then rerun to show them."""
    st.session_state[FRESH_CODES] = codes
    st.session_state[FRESH_REASON] = reason
    st.rerun()


def _disable(run: GateRun, user: AuthUser) -> None:
    st.markdown(f"**{texts.MFA_DISABLE_HEADER}**")
    with st.form("authgate_mfa_disable_form", clear_on_submit=True):
        password = password_input(texts.PASSWORD, "authgate_mfa_disable_password")
        code = code_input("authgate_mfa_disable_code")
        submitted = st.form_submit_button(texts.MFA_DISABLE)
    if not submitted:
        return
    if not code.strip() or not password:
        st.error(texts.MFA_CODE_MISSING)
        return
    ok, _ = attempt(lambda: run.backend.disable_mfa(user.id, password, code.strip()))
    if ok:
        st.success(texts.MFA_DISABLED)


def render_mfa_section(run: GateRun, user: AuthUser) -> None:
    """Status, enrolment, recovery codes and switching off, for the logged-in user."""
    st.subheader(texts.MFA_HEADER)
    codes = st.session_state.get(FRESH_CODES)
    if isinstance(codes, list):
        regenerated = st.session_state.get(FRESH_REASON) == "regenerated"
        st.success(texts.MFA_CODES_REGENERATED if regenerated else texts.MFA_ENABLED)
        _show_codes(user, [str(c) for c in codes])
        return
    ok, status = attempt(lambda: run.backend.mfa_status(user.id))
    if not ok or status is None:
        return
    if status.enabled:
        st.markdown(texts.MFA_ON.format(left=status.recovery_codes_left))
        _regenerate(run, user)
        _disable(run, user)
        return
    if status.enrollment_required:
        st.warning(texts.MFA_REQUIRED_FOR_ROLE)
    pending = st.session_state.get(PENDING)
    if isinstance(pending, MfaEnrollment):
        _enrol(run, user, pending)
        return
    st.markdown(texts.MFA_OFF)
    if st.button(texts.MFA_START, key="authgate_mfa_start", type="primary"):
        ok, enrollment = attempt(lambda: run.backend.begin_mfa_enrollment(user.id))
        if ok and enrollment is not None:
            st.session_state[PENDING] = enrollment
            st.rerun()
