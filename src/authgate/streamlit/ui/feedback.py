"""Showing failures as messages, never as tracebacks.

Every action a built-in page performs goes through ``attempt``: the core's
typed errors carry messages written to be shown (and that never reveal
whether an account exists), so they are shown, in the page's language
(``i18n.error_text``); anything else is
logged with its traceback for the operator and shown as one calm sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

import streamlit as st

from authgate.errors import (
    AuthgateError,
    InvalidToken,
    StoreUnavailable,
    TokenExpired,
    TokenReused,
)
from authgate.streamlit import texts
from authgate.streamlit.i18n import error_text
from authgate.streamlit.state import FLASH, Flash

__all__ = [
    "attempt",
    "attempt_quietly",
    "link_wording",
    "listed",
    "show_flash",
    "show_unavailable",
]

logger = logging.getLogger("authgate.streamlit")

T = TypeVar("T")


def attempt(
    action: Callable[[], T], *, wording: Mapping[type[AuthgateError], str] | None = None
) -> tuple[bool, T | None]:
    """Run ``action``; on failure show why and return ``(False, None)``.

    ``wording`` replaces the core's message for some error types, where a page
    knows better words (a reset page speaks of links, not tokens).
    """
    ok, value, failure = attempt_quietly(action, wording=wording)
    if failure is not None:
        st.error(failure)
    return ok, value


def attempt_quietly(
    action: Callable[[], T], *, wording: Mapping[type[AuthgateError], str] | None = None
) -> tuple[bool, T | None, str | None]:
    """``attempt`` that returns the message instead of drawing it: ``(ok, value, message)``.

    For widget callbacks, which run before the script: an element drawn there
    would land above the page, so the page draws the message where it belongs.
    """
    try:
        return True, action(), None
    except AuthgateError as error:
        return False, None, _worded(error, wording or {})
    except Exception:
        logger.exception("authgate: unexpected error in a built-in page")
        return False, None, texts.UNEXPECTED


def _worded(error: AuthgateError, wording: Mapping[type[AuthgateError], str]) -> str:
    return next(
        (text for kind, text in wording.items() if isinstance(error, kind)), error_text(error)
    )


def link_wording() -> dict[type[AuthgateError], str]:
    """How the pages that a mailed link opens word a bad link (most specific type first)."""
    return {
        TokenExpired: texts.LINK_EXPIRED,
        TokenReused: texts.LINK_USED,
        InvalidToken: texts.LINK_INVALID,
    }


def listed(fetch: Callable[[], list[T]], empty: str) -> list[T]:
    """The rows ``fetch`` returns; none after a failure (shown) or if there are none (``empty``)."""
    ok, rows = attempt(fetch)
    if ok and rows is not None and not rows:
        st.info(empty)
    return rows or []


def show_unavailable(error: StoreUnavailable | None = None) -> None:
    """The page drawn instead of the app while the store cannot be reached.

    Not logged here: the store logs the outage once when it starts and once
    when it ends, not once per page view.
    """
    st.title(texts.UNAVAILABLE_TITLE)
    st.error(texts.UNAVAILABLE)


def show_flash() -> Flash | None:
    """Show, once, the message queued by a logout, an expiry or a failed cookie save.

    The browser's cookie requests cause no run of their own when they
    succeed (``cookie_sync``), so nothing needs the message to outlive this run.
    """
    flash: Flash | None = st.session_state.pop(FLASH, None)
    if flash is None:
        return None
    {"info": st.info, "warning": st.warning, "success": st.success, "error": st.error}[flash.kind](
        flash.message
    )
    return flash
