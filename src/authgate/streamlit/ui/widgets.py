"""Fields and steps the built-in pages draw the same way.

A password field is always masked and tells the browser whether to fill a
saved password or offer a new one; an authentication-code field asks for a
one-time code; a step that can be abandoned (the login's code step, MFA
set-up) has a button that forgets it and reruns.
"""

from __future__ import annotations

import streamlit as st

from authgate.streamlit import texts

__all__ = ["cancel_button", "code_input", "password_input", "submitted_code"]


def password_input(label: str, key: str, *, new: bool = False) -> str:
    """A masked field: the saved password is offered, or a generated one when ``new``."""
    autocomplete = "new-password" if new else "current-password"
    return st.text_input(label, key=key, type="password", autocomplete=autocomplete)


def code_input(key: str, *, help: str | None = None, max_chars: int | None = None) -> str:
    """The "Authentication code" field (a TOTP or recovery code)."""
    return st.text_input(
        texts.MFA_CODE, key=key, help=help, autocomplete="one-time-code", max_chars=max_chars
    )


def submitted_code(submitted: bool, code: str) -> str | None:
    """The code once its form is sent; an empty one is refused with a message (None)."""
    if not submitted:
        return None
    if not code.strip():
        st.error(texts.MFA_CODE_MISSING)
        return None
    return code.strip()


def cancel_button(label: str, key: str, *, forget: str) -> None:
    """A button that drops the step kept under ``forget`` in this tab's state, and reruns."""
    if st.button(label, key=key):
        st.session_state.pop(forget, None)
        st.rerun()
