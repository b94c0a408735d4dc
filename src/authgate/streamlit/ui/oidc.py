"""The Login page's identity-provider part: the buttons, the messages, the pending steps.

The buttons are plain links to the provider routes on this origin: the
browser leaves the app for the provider and comes back through the callback
route, which sets the session cookie. What the callback could not finish in
HTTP arrives here: a reason code in the URL (its text is ours, from
``texts``), or a single-use ticket in the HttpOnly step cookie, which the
first script run of the tab reads from ``st.context.cookies``:

- ``mfa.<ticket>``: the account has a second factor: the code step follows;
- ``link.<ticket>``: the provider's email belongs to a local account: the
  password form proves it, and the identity is linked after that login.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

import streamlit as st

from authgate.core.records import SessionContext
from authgate.errors import AuthgateError
from authgate.streamlit import i18n, texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.oidc_local import InProcessOidc, oidc_for
from authgate.streamlit.oidc_routes import STEP_COOKIE, safe_next
from authgate.streamlit.routes import route_url
from authgate.streamlit.state import FLASH, MFA_TICKET, NEXT_PAGE, Flash

__all__ = [
    "complete_pending_link",
    "error_text",
    "prepare_provider_step",
    "provider_link",
    "render_provider_buttons",
]

LINK_TICKET = "authgate.oidc_link_ticket"
_STEP_SEEN = "authgate.oidc_step_seen"
_STYLE = (
    "display:block;text-align:center;padding:0.45rem 0.75rem;margin:0.25rem 0;"
    "border:1px solid rgba(49,51,63,0.3);border-radius:0.5rem;text-decoration:none;"
    "color:inherit;font-weight:500"
)


def error_text(reason: str, label: str) -> str:
    template = i18n.keyed_text(texts, "OIDC_ERROR_", reason) or texts.OIDC_ERROR_FALLBACK
    return template.format(label=label)


def provider_link(name: str, *, next_path: str = "", purpose: str = "login") -> str:
    query = {"next": safe_next(next_path)} if safe_next(next_path) else {}
    if purpose != "login":
        query["purpose"] = purpose
    url = route_url(f"oidc/{name}/login")
    return url + (f"?{urlencode(query)}" if query else "")


def _step_cookie() -> str | None:
    value = st.context.cookies.get(STEP_COOKIE)
    return value if isinstance(value, str) and value else None


def prepare_provider_step(run: GateRun) -> None:
    """Show the provider's failure, and pick up a pending step from the callback."""
    oidc = oidc_for(run.backend)
    if oidc is None:
        return
    params = st.query_params
    wanted = safe_next(params.get("next"))
    if wanted:
        st.session_state.setdefault(NEXT_PAGE, wanted)
    reason = params.get("oidc_error")
    if reason:
        st.error(error_text(reason, oidc.label(params.get("provider", ""))))
    step = _step_cookie()
    if step is None or st.session_state.get(_STEP_SEEN) == step:
        return
    st.session_state[_STEP_SEEN] = step
    kind, _, ticket = step.partition(".")
    if kind == "mfa" and ticket and oidc.mfa_ticket_alive(ticket):
        # The cookie outlives a finished step: a spent ticket starts nothing.
        st.session_state[MFA_TICKET] = ticket
    elif kind == "link" and ticket:
        st.session_state[LINK_TICKET] = ticket


def render_provider_buttons(run: GateRun, *, current_url: str | None = None) -> bool:
    """One "Continue with {label}" link per provider; True when the password form follows."""
    oidc = oidc_for(run.backend)
    if oidc is None:
        return True
    _link_notice(oidc)
    providers = oidc.providers
    if providers:
        next_path = str(st.session_state.get(NEXT_PAGE) or current_url or "")
        links = "".join(
            f'<a href="{html.escape(provider_link(p.name, next_path=next_path))}" '
            f'style="{_STYLE}" data-testid="authgate-oidc-{p.name}">'
            f"{html.escape(texts.OIDC_CONTINUE.format(label=p.label))}</a>"
            for p in providers
        )
        st.html(f'<div class="authgate-oidc">{links}</div>')
        if oidc.password_login:
            st.caption(texts.OIDC_OR_PASSWORD)
    return oidc.password_login or LINK_TICKET in st.session_state


def _link_notice(oidc: InProcessOidc) -> None:
    ticket = st.session_state.get(LINK_TICKET)
    if not isinstance(ticket, str):
        return
    try:
        provider = oidc.link_ticket_provider(ticket)
    except AuthgateError:
        st.session_state.pop(LINK_TICKET, None)
        return
    st.info(texts.OIDC_LINK_INTRO.format(label=oidc.label(provider)))


def complete_pending_link(run: GateRun, context: SessionContext) -> None:
    """After a local login, link the identity waiting for proof of this account."""
    ticket = st.session_state.pop(LINK_TICKET, None)
    oidc = oidc_for(run.backend)
    if not isinstance(ticket, str) or oidc is None:
        return
    try:
        provider = oidc.complete_link(ticket, context.user.id)
    except AuthgateError as error:
        st.session_state[FLASH] = Flash("warning", error.message)
        return
    st.session_state[FLASH] = Flash(
        "success", texts.OIDC_LINKED_NOW.format(label=oidc.label(provider))
    )
