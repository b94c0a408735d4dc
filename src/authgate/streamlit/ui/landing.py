"""Where a tab goes once it is logged in, and how a login callback says why it was refused.

Every way to log in in the browser ends here: the password form, the code
step and a passkey. Those that run in a widget's callback (before the script
body) use ``signed_in_from_callback``: the run the click causes is already
the logged-in one, so one script run draws the landing page. A callback
cannot draw where the page wants it (an element drawn there lands above the
page), so a refusal is kept with ``refuse`` and drawn by the form with
``show_refusal``. ``land_after_login`` is for a login decided in the script
body, which must rerun to draw the new navigation.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from authgate.core.records import SessionContext
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.state import NEXT_PAGE
from authgate.streamlit.tab_session import sign_in
from authgate.streamlit.ui.feedback import attempt_quietly
from authgate.streamlit.ui.oidc import complete_pending_link

__all__ = [
    "land_after_login",
    "land_from_callback",
    "refuse",
    "show_refusal",
    "signed_in_from_callback",
]

_REFUSAL = "authgate.login_refusal"
"""Why the callback refused the login, for the run to draw under the form."""


def land_after_login(run: GateRun, *, current_url: str | None = None) -> None:
    """Rerun on the page first asked for; the new navigation now holds the real page."""
    target = st.session_state.pop(NEXT_PAGE, None) or current_url
    page = run.page(target) if target is not None else None
    if page is None or target in run.builtin_urls():
        page = run.page(run.default_url)
    if page is None:
        st.rerun()
    st.switch_page(page)


def land_from_callback(run: GateRun, current_url: str | None) -> None:
    """Where the run after a login in a callback goes: the page first asked for.

    ``run`` is the (anonymous) run that drew the form, whose navigation
    Streamlit still holds: its page at the target URL is the stand-in, with
    the real page's URL path. On that very URL nothing is to be done (the
    coming run resolves it to the real page); elsewhere ``st.switch_page``
    raised in a callback makes Streamlit restart the run on the target before
    the script body runs.
    """
    target = st.session_state.pop(NEXT_PAGE, None)
    if target is None:
        target = current_url
    page = run.page(target)
    if page is None or target in run.builtin_urls():
        page = run.page(run.default_url)
    if page is None or (current_url is not None and page.url_path == current_url):
        return
    st.switch_page(page)


def signed_in_from_callback(run: GateRun, context: SessionContext, current_url: str | None) -> None:
    """Make ``context`` this tab's session (cookie queued) and pick the landing page."""
    ok, _, refusal = attempt_quietly(lambda: sign_in(run.backend, context))
    if not ok:
        refuse(refusal or texts.UNEXPECTED)
        return
    complete_pending_link(run, context)
    land_from_callback(run, current_url)


def refuse(message: str, *, kind: Literal["error", "warning"] = "error") -> None:
    """Keep why a login callback refused, for the coming run to draw (``show_refusal``)."""
    st.session_state[_REFUSAL] = (kind, message)


def show_refusal() -> None:
    """Draw, once, the refusal a login callback kept."""
    refusal = st.session_state.pop(_REFUSAL, None)
    if not isinstance(refusal, tuple):
        return
    kind, message = refusal
    if kind == "warning":
        st.warning(message)
    else:
        st.error(message)
