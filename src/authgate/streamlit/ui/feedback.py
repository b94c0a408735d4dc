"""Showing failures as messages, never as tracebacks.

Every action a built-in page performs goes through ``attempt``: the core's
typed errors carry messages written to be shown (and that never reveal
whether an account exists), so they are shown as they are; anything else is
logged with its traceback for the operator and shown as one calm sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from authgate.errors import AuthgateError, StoreUnavailable
from authgate.streamlit import texts
from authgate.streamlit.state import FLASH, PENDING_SYNC, Flash

__all__ = ["attempt", "listed", "show_flash", "show_unavailable"]

logger = logging.getLogger("authgate.streamlit")

T = TypeVar("T")


def attempt(action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run ``action``; on failure show why and return ``(False, None)``."""
    try:
        return True, action()
    except AuthgateError as error:
        st.error(error.message)
    except Exception:
        logger.exception("authgate: unexpected error in a built-in page")
        st.error(texts.UNEXPECTED)
    return False, None


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
    """Show the message queued by a logout, an expiry or a failed cookie save.

    It stays while the browser still has a cookie request to make: that
    request's answer causes one more run, and the message must survive it.
    The first run after the answer shows it a last time and drops it.
    """
    flash: Flash | None = st.session_state.get(FLASH)
    if flash is None:
        return None
    if PENDING_SYNC not in st.session_state:
        del st.session_state[FLASH]
    {"info": st.info, "warning": st.warning, "success": st.success, "error": st.error}[flash.kind](
        flash.message
    )
    return flash
