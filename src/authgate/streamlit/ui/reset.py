"""The page a password-reset email links to (``/reset-password?token=...``).

The token is moved from the address bar into this tab's state on the first
run (so it leaves the browser history and is not shared by a copied URL),
checked without being spent, and spent only by a successful reset. An account
with MFA on must give a code as well: a reset never bypasses the second factor.
"""

from __future__ import annotations

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.feedback import attempt, link_wording
from authgate.streamlit.ui.register import render_strength_hint
from authgate.streamlit.ui.widgets import code_input, password_input

__all__ = ["RESET_TOKEN", "render_reset"]

RESET_TOKEN = "authgate.reset_token"  # noqa: S105 - a state key
_DONE = "authgate.reset_done"
_FORM = "authgate_reset_form"
_MAX_TOKEN = 512


def _take_token_from_url() -> None:
    token = st.query_params.get("token")
    if token is None:
        return
    if 0 < len(token) <= _MAX_TOKEN:
        st.session_state[RESET_TOKEN] = token
        st.session_state.pop(_DONE, None)
    del st.query_params["token"]


def _links(run: GateRun, *, forgot: bool) -> None:
    login = run.builtin.get("login")
    again = run.builtin.get("forgot")
    if forgot and again is not None:
        st.page_link(again, label=texts.FORGOT_AGAIN)
    if login is not None:
        st.page_link(login, label=texts.BACK_TO_LOGIN)


def render_reset(run: GateRun) -> None:
    """The Reset password page body."""
    st.title(texts.RESET_TITLE)
    _take_token_from_url()
    if st.session_state.get(_DONE):
        st.success(texts.RESET_DONE)
        _links(run, forgot=False)
        return
    token = st.session_state.get(RESET_TOKEN)
    if not isinstance(token, str):
        st.info(texts.RESET_NO_TOKEN)
        _links(run, forgot=True)
        return
    ok, info = attempt(lambda: run.backend.inspect_reset_token(token), wording=link_wording())
    if not ok or info is None:
        st.session_state.pop(RESET_TOKEN, None)
        _links(run, forgot=True)
        return
    st.markdown(texts.RESET_FOR.format(username=info.username))
    with st.form(_FORM, clear_on_submit=False, enter_to_submit=True):
        new = password_input(texts.NEW_PASSWORD, "authgate_reset_new", new=True)
        confirm = password_input(texts.CONFIRM_NEW_PASSWORD, "authgate_reset_confirm", new=True)
        code = (
            code_input("authgate_reset_code", help=texts.MFA_CODE_HELP) if info.mfa_required else ""
        )
        submitted = st.form_submit_button(
            texts.RESET_SUBMIT, key="authgate_reset_submit", type="primary"
        )
    if not submitted:
        return
    if new != confirm:
        st.error(texts.PASSWORDS_DIFFER)
        return
    if info.mfa_required and not code.strip():
        st.error(texts.MFA_CODE_MISSING)
        return
    ok, _ = attempt(
        lambda: run.backend.reset_password(token, new, code=code.strip() or None),
        wording=link_wording(),
    )
    if not ok:
        render_strength_hint(run, new, username=info.username, email="")
    else:
        st.session_state.pop(RESET_TOKEN, None)
        st.session_state[_DONE] = True
        st.rerun()
