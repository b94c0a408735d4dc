"""Fields and steps the built-in pages draw the same way.

A password field is always masked and tells the browser whether to fill a
saved password or offer a new one; an authentication-code field asks for a
one-time code; a step that can be abandoned (the login's code step, MFA
set-up) has a button that forgets it and reruns.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from authgate.streamlit import texts

__all__ = [
    "cancel_button",
    "code_input",
    "fresh_key",
    "password_input",
    "renew_keys",
    "submitted_code",
]

_GENERATION = "authgate.key_generation.{key}"


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


def fresh_key(key: str) -> str:
    """``key`` for a form's field, renewed by ``renew_keys`` so the browser shows it empty.

    A form that keeps what was typed after a refusal (``clear_on_submit``
    False) cannot empty itself by setting state: the browser keeps the text
    it holds. A new key is a new, empty field.
    """
    generation = st.session_state.get(_GENERATION.format(key=key), 0)
    return key if not generation else f"{key}_{generation}"


def renew_keys(keys: Iterable[str]) -> None:
    """Give each of these fields a new key at the next run (it is drawn empty)."""
    for key in keys:
        name = _GENERATION.format(key=key)
        st.session_state.pop(fresh_key(key), None)
        st.session_state[name] = st.session_state.get(name, 0) + 1


def cancel_button(label: str, key: str, *, forget: str) -> None:
    """A button that drops the step kept under ``forget`` in this tab's state, and reruns."""
    if st.button(label, key=key):
        st.session_state.pop(forget, None)
        st.rerun()
