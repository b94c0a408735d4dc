"""The identities linked to an account: on the Account page (link, unlink) and on Admin.

Linking is a provider flow started from here (``purpose=link``): the
callback links the identity to the account of the session that started it
and comes back to the Account page with ``oidc_linked`` or ``oidc_error`` in
the URL. Unlinking is refused by the core when it would leave the account
no way to log in.
"""

from __future__ import annotations

import html
from datetime import datetime

import streamlit as st

from authgate.core.ports.identities import LinkedIdentity
from authgate.core.records import AuthUser
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.oidc_local import InProcessOidc, oidc_for
from authgate.streamlit.ui.feedback import attempt
from authgate.streamlit.ui.oidc import error_text, provider_link

__all__ = ["render_admin_identities", "render_identities"]

_LINK_STYLE = "text-decoration:none;font-weight:500"
_NOTICE = "authgate.oidc_notice"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def _describe(oidc: InProcessOidc, identity: LinkedIdentity) -> str:
    parts = [f"**{oidc.label(identity.provider)}**"]
    if identity.email:
        parts.append(identity.email)
    parts.append(texts.OIDC_LINKED_AT.format(when=_when(identity.linked_at)))
    parts.append(texts.OIDC_LAST_USED.format(when=_when(identity.last_used_at)))
    return " · ".join(parts)


def _identity_rows(
    oidc: InProcessOidc, user: AuthUser, actor: AuthUser, key: str
) -> list[LinkedIdentity]:
    ok, identities = attempt(lambda: oidc.identities(user.id))
    if not ok or identities is None:
        return []
    if not identities:
        st.caption(texts.OIDC_NO_IDENTITIES)
    for identity in identities:
        text, button = st.columns([4, 1])
        text.markdown(_describe(oidc, identity))
        if button.button(texts.OIDC_UNLINK, key=f"authgate_oidc_unlink_{key}_{identity.id}"):
            _unlink(oidc, user, actor, identity)
    return identities


def _unlink(oidc: InProcessOidc, user: AuthUser, actor: AuthUser, identity: LinkedIdentity) -> None:
    done, _ = attempt(lambda: oidc.unlink(user.id, identity.id, actor_id=actor.id))
    if not done:
        return
    label = oidc.label(identity.provider)
    st.session_state[_NOTICE] = (
        texts.OIDC_UNLINKED.format(label=label)
        if user.id == actor.id
        else texts.OIDC_UNLINKED_USER.format(label=label, username=user.username)
    )
    st.rerun()


def _show_notice() -> None:
    notice = st.session_state.pop(_NOTICE, None)
    if isinstance(notice, str):
        st.success(notice)


def render_identities(run: GateRun, user: AuthUser) -> None:
    """The Account page's section; nothing without providers and without linked identities."""
    oidc = oidc_for(run.backend)
    if oidc is None:
        return
    params = st.query_params
    if not oidc.providers and not oidc.identities(user.id):
        return
    st.divider()
    st.subheader(texts.OIDC_IDENTITIES_HEADER)
    _show_notice()
    linked_now = params.get("oidc_linked")
    if linked_now and any(i.provider == linked_now for i in oidc.identities(user.id)):
        # Only what is true now: the name comes from a URL anyone can write.
        st.success(texts.OIDC_LINKED_NOW.format(label=oidc.label(linked_now)))
    reason = params.get("oidc_error")
    if reason:
        st.error(error_text(reason, oidc.label(params.get("provider", ""))))
    identities = _identity_rows(oidc, user, user, "self")
    linked = {identity.provider for identity in identities}
    links = [
        f'<a href="{html.escape(provider_link(p.name, next_path="account", purpose="link"))}" '
        f'style="{_LINK_STYLE}">{html.escape(texts.OIDC_LINK.format(label=p.label))}</a>'
        for p in oidc.providers
        if p.name not in linked
    ]
    if links:
        st.html(" &nbsp; ".join(links))


def render_admin_identities(run: GateRun, admin: AuthUser, target: AuthUser) -> None:
    """The Admin page's view of one user's identities, with unlink, and the redirect URIs."""
    oidc = oidc_for(run.backend)
    if oidc is None or not oidc.providers:
        return
    st.markdown(f"**{texts.OIDC_ADMIN_HEADER}**")
    _show_notice()
    _identity_rows(oidc, target, admin, f"admin_{target.id}")
    for provider in oidc.providers:
        st.caption(
            texts.OIDC_REDIRECT_URI.format(
                label=provider.label, uri=oidc.redirect_uri(provider.name)
            )
        )
