"""The sidebar block of a logged-in user: who they are and a "Log out" button.

Logging out runs in the button's callback, before the script reruns, so the
same run already draws the anonymous navigation: no extra ``st.rerun()``.
"""

from __future__ import annotations

import logging

import streamlit as st

from authgate.core.records import AuthUser
from authgate.errors import AuthgateError
from authgate.streamlit import texts
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.i18n import error_text
from authgate.streamlit.state import FLASH, Flash
from authgate.streamlit.tab_session import sign_out

__all__ = ["render_user_sidebar", "signed_in_as"]

logger = logging.getLogger("authgate.streamlit")

_MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$"


def escape_markdown(value: str) -> str:
    """A user-chosen name shown as text, never as links, images or formatting."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIALS else c for c in value)


def _log_out(backend: AuthBackend) -> None:
    try:
        sign_out(backend)
    except AuthgateError as error:
        st.session_state[FLASH] = Flash("error", error_text(error))
    except Exception:
        logger.exception("authgate: logout failed")
        st.session_state[FLASH] = Flash("error", texts.UNEXPECTED)


def signed_in_as(user: AuthUser) -> str:
    """ "Logged in as **Ada** (`ada`)", or just the username when there is no display name."""
    username = user.username.replace("`", "")
    if not user.display_name or user.display_name == user.username:
        return texts.SIGNED_IN_AS_USERNAME.format(username=escape_markdown(user.username))
    return texts.SIGNED_IN_AS.format(label=escape_markdown(user.label), username=username)


def render_user_sidebar(backend: AuthBackend, user: AuthUser) -> None:
    with st.sidebar:
        st.markdown(signed_in_as(user))
        st.button(
            texts.LOG_OUT,
            key="authgate_logout",
            on_click=_log_out,
            args=(backend,),
            width="stretch",
        )
