"""The browser half of the cookie: a tiny main-frame component that posts to the routes.

The script cannot set an HttpOnly cookie, and it must not hand the session
token to page JavaScript. So after a login it queues a one-time *ticket*; the
component posts it with ``fetch`` (same origin, credentials included) to
``/_authgate/session``, whose response sets the cookie. After a logout it
posts to ``/_authgate/logout`` to clear it.

A request that succeeds reports nothing: a report is a trigger value, and a
trigger value makes Streamlit run the script again, which would cost every
login a second run after the click (and, arriving while the run that shows
the page is still going, interrupt it). Only a failure is reported (its
callback queues the "not saved" message). The gate draws the session's
component after the page, so the content goes out first, and keeps drawing
a queued action until two runs that drew it have finished: the first
delivers it, the second keeps its failure report deliverable (a trigger
reaches its callback only while the component is in the page). Drawing it
again never posts twice: the component remembers the nonces it posted.

The component is defined once, here, at import: Streamlit wants one definition
per process. Its key is fixed, and the per-action nonce is a hex digest, never
a raw token (a key containing ``__`` raises ``BidiComponentInvalidIdError``).
Its data holds strings only (the request body as JSON text): any other value
makes Streamlit look for a dataframe in it, which imports pandas and pyarrow
into the server on the first login (``gc_freeze`` says why that matters).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Final, Literal

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.routes import route_url
from authgate.streamlit.state import FLASH, PENDING_SYNC, PENDING_VISITOR_SYNC, Flash

__all__ = [
    "PendingSync",
    "begin_sync_run",
    "finish_sync_run",
    "page_stopped",
    "queue_cookie_clear",
    "queue_cookie_ticket",
    "queue_visitor_ticket",
    "queued_session_sync",
    "render_session_sync",
    "render_visitor_sync",
]

COMPONENT_KEY: Final = "authgate_cookie_sync"
VISITOR_COMPONENT_KEY: Final = "authgate_visitor_sync"

_JS: Final = """
export default function (component) {
  const { data, setTriggerValue } = component;
  if (!data || !data.nonce || !data.url) { return; }
  const seen = (window.__authgateSync = window.__authgateSync || {});
  if (seen[data.nonce]) { return; }
  seen[data.nonce] = true;
  const failed = (status) =>
    setTriggerValue("done", { nonce: data.nonce, ok: false, status: status });
  fetch(data.url, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: data.body || "{}",
  }).then((r) => { if (!r.ok) { failed(r.status); } }, () => failed(0));
}
"""

_component = st.components.v2.component("authgate_cookie_sync", js=_JS)

_drawn: ContextVar[dict[str, str] | None] = ContextVar("authgate_sync_drawn", default=None)
"""Slot -> nonce of each component this script run drew (None outside a gate run)."""

_FINISHED_RUNS_TO_KEEP: Final = 2


@dataclass(frozen=True)
class PendingSync:
    """One request the browser still has to make: set or clear the cookie."""

    action: Literal["session", "logout", "visitor"]
    nonce: str
    body: dict[str, str] = field(default_factory=dict, repr=False)
    drawn: int = 0
    """Finished script runs that drew the component (dropped after two)."""
    stops: list[str] = field(default_factory=list, repr=False, compare=False)
    """Pages that stopped (``st.stop()``) before it could be drawn after them.

    Appended to in place: after ``st.stop()`` Streamlit refuses any use of
    ``st.session_state`` in that run.
    """

    @property
    def early(self) -> bool:
        """Drawn before the page, since a page stopped before it could be drawn after."""
        return bool(self.stops)


def queue_cookie_ticket(ticket: str, *, end_visitor: bool = False) -> None:
    """Have the browser trade ``ticket`` for the session cookie on the next render.

    ``end_visitor`` also clears the anonymous visitor's cookie (its visitor
    was just handed to the user who logged in).
    """
    nonce = hashlib.sha256(ticket.encode()).hexdigest()[:24]
    body = {"ticket": ticket, **({"end_visitor": "1"} if end_visitor else {})}
    st.session_state[PENDING_SYNC] = PendingSync("session", nonce, body)


def queue_visitor_ticket(ticket: str) -> None:
    """Have the browser trade ``ticket`` for the visitor cookie, in this very run.

    A visitor starts inside a page, after the gate drew its pending syncs,
    and the page may not rerun soon: the component is mounted here at once.
    """
    nonce = hashlib.sha256(ticket.encode()).hexdigest()[:24]
    st.session_state[PENDING_VISITOR_SYNC] = PendingSync("visitor", nonce, {"ticket": ticket})
    _render_slot(PENDING_VISITOR_SYNC, VISITOR_COMPONENT_KEY)


def queue_cookie_clear() -> None:
    """Have the browser ask the server to clear a dead session cookie."""
    st.session_state[PENDING_SYNC] = PendingSync("logout", secrets.token_hex(12))


def begin_sync_run() -> None:
    """Start counting which components this script run draws (called by the gate)."""
    _drawn.set({})


def render_visitor_sync() -> None:
    """Mount the visitor's component while its cookie is queued (before the page)."""
    _render_slot(PENDING_VISITOR_SYNC, VISITOR_COMPONENT_KEY)


def render_session_sync(*, before_page: bool = False) -> None:
    """Mount the session's component while its action is queued (after the page).

    Before the page only once a page stopped first: after ``st.stop()``
    Streamlit draws nothing more in that run (``page_stopped``).
    """
    pending: PendingSync | None = st.session_state.get(PENDING_SYNC)
    if before_page and (pending is None or not pending.early):
        return
    _render_slot(PENDING_SYNC, COMPONENT_KEY)


def queued_session_sync() -> PendingSync | None:
    """The queued session action, read before the page (``page_stopped`` needs it)."""
    pending: PendingSync | None = st.session_state.get(PENDING_SYNC)
    return pending


def page_stopped(pending: PendingSync | None) -> None:
    """The page called ``st.stop()``: ``pending`` is drawn before pages from now on.

    After ``st.stop()`` Streamlit refuses even to read ``st.session_state`` in
    that run, so the action read before the page is marked in place. Such a
    run does not count as one that drew it: it is drawn again until a run
    finishes normally.
    """
    drawn = _drawn.get()
    if pending is not None and not pending.early and (drawn is None or PENDING_SYNC not in drawn):
        pending.stops.append("stopped")


def finish_sync_run() -> None:
    """This run finished: count it for each component it drew, and drop those done."""
    drawn = _drawn.get()
    if not drawn:
        return
    for slot, nonce in drawn.items():
        pending: PendingSync | None = st.session_state.get(slot)
        if pending is None or pending.nonce != nonce:
            continue  # replaced after it was drawn: the new one was not drawn yet
        if pending.drawn + 1 >= _FINISHED_RUNS_TO_KEEP:
            del st.session_state[slot]
        else:
            st.session_state[slot] = replace(pending, drawn=pending.drawn + 1)
    drawn.clear()


def _failed(slot: str, key: str) -> None:
    """The browser reported that its request failed: drop the action, say so after a login."""
    pending: PendingSync | None = st.session_state.get(slot)
    state: Any = st.session_state.get(key)
    done = state.get("done") if isinstance(state, dict) else None
    if pending is None or not isinstance(done, dict) or done.get("nonce") != pending.nonce:
        return
    del st.session_state[slot]
    if pending.action == "session":
        st.session_state[FLASH] = Flash("warning", texts.COOKIE_NOT_SAVED)


def _render_slot(slot: str, key: str) -> None:
    pending: PendingSync | None = st.session_state.get(slot)
    drawn = _drawn.get()
    if pending is None or (drawn is not None and slot in drawn):
        return
    # Every value a string: Streamlit checks each other value of a component's
    # data for a dataframe, and that check imports pandas, pyarrow and numpy
    # (about 40,000 objects more for every later full collection to walk).
    body = json.dumps(pending.body)
    data = {"nonce": pending.nonce, "url": route_url(pending.action), "body": body}
    _component(key=key, data=data, on_done_change=partial(_failed, slot, key))
    if drawn is not None:
        drawn[slot] = pending.nonce
