"""The browser half of the cookie: a tiny main-frame component that posts to the routes.

The script cannot set an HttpOnly cookie, and it must not hand the session
token to page JavaScript. So after a login it queues a one-time *ticket*; the
component posts it with ``fetch`` (same origin, credentials included) to
``/_authgate/session``, whose response sets the cookie. After a logout it
posts to ``/_authgate/logout`` to clear it. The component reports back through
a trigger value, and the queued action is dropped once the browser answered.

The component is defined once, here, at import: Streamlit wants one definition
per process. Its key is fixed, and the per-action nonce is a hex digest, never
a raw token (a key containing ``__`` raises ``BidiComponentInvalidIdError``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import streamlit as st

from authgate.streamlit import texts
from authgate.streamlit.routes import route_url
from authgate.streamlit.state import FLASH, PENDING_SYNC, PENDING_VISITOR_SYNC, Flash

__all__ = [
    "PendingSync",
    "queue_cookie_clear",
    "queue_cookie_ticket",
    "queue_visitor_ticket",
    "render_pending_sync",
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
  const report = (ok, status) =>
    setTriggerValue("done", { nonce: data.nonce, ok: ok, status: status });
  fetch(data.url, {
    method: "POST",
    credentials: "same-origin",
    cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(data.body || {}),
  }).then((r) => report(r.ok, r.status), () => report(false, 0));
}
"""

_component = st.components.v2.component("authgate_cookie_sync", js=_JS)


@dataclass(frozen=True)
class PendingSync:
    """One request the browser still has to make: set or clear the cookie."""

    action: Literal["session", "logout", "visitor"]
    nonce: str
    body: dict[str, str] = field(default_factory=dict, repr=False)


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


def _noop() -> None:
    """Trigger values need a callback to be delivered; the result is read after mounting."""


def render_pending_sync() -> None:
    """Mount the component while an action is pending; drop it once the browser answered."""
    _render_slot(PENDING_VISITOR_SYNC, VISITOR_COMPONENT_KEY)
    _render_slot(PENDING_SYNC, COMPONENT_KEY)


def _render_slot(slot: str, key: str) -> None:
    pending: PendingSync | None = st.session_state.get(slot)
    if pending is None:
        return
    data = {"nonce": pending.nonce, "url": route_url(pending.action), "body": pending.body}
    result: Any = _component(key=key, data=data, on_done_change=_noop)
    done = result.get("done") if result is not None else None
    if not isinstance(done, dict) or done.get("nonce") != pending.nonce:
        return
    del st.session_state[slot]
    if pending.action == "session" and not done.get("ok"):
        st.session_state[FLASH] = Flash("warning", texts.COOKIE_NOT_SAVED)
