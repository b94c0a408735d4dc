"""Passkey controls: "Log in with a passkey", the second step, and the Account section.

Every browser step goes through one component (``passkey_ceremony.py``); the
challenge id stays in this tab's state on the server. Adding or removing a
passkey past ten minutes after the login first asks the user to confirm it
is them (the password, or a passkey); the confirmation token is kept in this
tab's state for its ten minutes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal, TypeVar

import streamlit as st

from authgate.core.login.passkey import passkey_credentials
from authgate.core.ports.passkeys import PasskeyRecord
from authgate.core.records import AuthUser, SessionContext
from authgate.errors import ReauthenticationRequired
from authgate.streamlit import passkey_texts as t
from authgate.streamlit import texts
from authgate.streamlit.navigation import GateRun, running
from authgate.streamlit.passkey_access import passkey_root
from authgate.streamlit.passkey_ceremony import (
    Ceremony,
    CeremonyResult,
    run_ceremony,
    start_ceremony,
)
from authgate.streamlit.state import MFA_TICKET
from authgate.streamlit.tab_session import request_meta
from authgate.streamlit.ui.feedback import attempt, attempt_quietly
from authgate.streamlit.ui.landing import refuse, signed_in_from_callback
from authgate.streamlit.ui.widgets import password_input
from authgate.streamlit.visitors import tab_visitor_token

__all__ = ["render_passkey_login", "render_passkey_second_step", "render_passkeys_section"]

if TYPE_CHECKING:
    from authgate.root import Authgate

T = TypeVar("T")

_REAUTH_TOKEN: Final = "authgate.passkey_reauth"  # noqa: S105 - a state key
_NEEDS_REAUTH: Final = "authgate.passkey_needs_reauth"
_NAME: Final = "authgate_passkey_name"
_FLASH: Final = "authgate.passkey_flash"
_CLEAR_NAME: Final = "authgate.passkey_clear_name"


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _browser_failure(result: CeremonyResult) -> tuple[Literal["error", "warning"], str] | None:
    """Why the browser gave no credential, and how loudly to say it; None when it gave one."""
    if result.credential is not None:
        return None
    if result.error in {"NotAllowedError", "AbortError"}:
        return "warning", t.PASSKEY_CANCELLED
    if result.error == "NotSupportedError":
        return "error", t.PASSKEY_UNSUPPORTED
    return "error", t.PASSKEY_FAILED.format(error=result.error)


def _browser_failed(result: CeremonyResult) -> bool:
    """Show why the browser gave no credential; True when it gave none."""
    failure = _browser_failure(result)
    if failure is None:
        return False
    kind, message = failure
    (st.warning if kind == "warning" else st.error)(message)
    return True


# -- logging in ------------------------------------------------------------------


def _log_in_from_callback(
    run: GateRun, auth: Authgate, current_url: str | None, result: CeremonyResult
) -> None:
    """The ceremony's callback: log in with the browser's answer before the script runs.

    Like the password form's callback (``ui/login.py``), so the run the
    answer causes is already the logged-in one; a refusal is kept for that
    run to draw under the form.
    """
    with running(run):
        failure = _browser_failure(result)
        if failure is not None:
            kind, message = failure
            refuse(message, kind=kind)
            return
        ticket = result.ceremony.detail.get("ticket")
        method = "passkey_second_factor" if ticket else "passkey"
        credentials = passkey_credentials(
            result.ceremony.challenge_id, result.credential, ticket=ticket
        )

        def log_in() -> SessionContext:
            meta = request_meta()
            done = auth.logins.login(method, credentials, visitor=tab_visitor_token(), **meta)
            return SessionContext(user=done.user, session=done.session)

        ok, context, refusal = attempt_quietly(log_in)
        if not ok or context is None:
            refuse(refusal or texts.UNEXPECTED)
            return
        st.session_state.pop(MFA_TICKET, None)
        signed_in_from_callback(run, context, current_url)


def _login_button(
    run: GateRun, label: str, *, key: str, ticket: str | None, current_url: str | None
) -> None:
    auth = passkey_root(run.backend)
    if auth is None:
        return
    if st.button(label, key=key):
        ok, issued = attempt(lambda: auth.passkeys.login_options(mfa_ticket=ticket))
        if ok and issued is not None:
            detail = {"ticket": ticket} if ticket else {}
            start_ceremony(Ceremony.of("login", "get", issued, detail))
    answered = functools.partial(_log_in_from_callback, run, auth, current_url)
    run_ceremony(("login",), key=f"{key}_ceremony", on_result=answered)


def render_passkey_login(run: GateRun, *, current_url: str | None = None) -> None:
    """The "Log in with a passkey" button: usernameless, the browser offers the passkeys."""
    _login_button(
        run, t.PASSKEY_LOG_IN, key="authgate_passkey_login", ticket=None, current_url=current_url
    )


def render_passkey_second_step(
    run: GateRun, ticket: str, *, current_url: str | None = None
) -> None:
    """On the code step of an MFA login: a passkey of the same user instead of a code."""
    _login_button(
        run,
        t.PASSKEY_SECOND_STEP,
        key="authgate_passkey_second",
        ticket=ticket,
        current_url=current_url,
    )


# -- the Account page ----------------------------------------------------------------


def _reauth_token() -> str | None:
    token = st.session_state.get(_REAUTH_TOKEN)
    return token if isinstance(token, str) else None


def _sensitive(action: Callable[[], T]) -> tuple[bool, T | None]:
    """Run an action that needs a recent login; when it is too old, ask to confirm (rerun)."""

    def guarded() -> T:
        try:
            return action()
        except ReauthenticationRequired:
            st.session_state.pop(_REAUTH_TOKEN, None)
            st.session_state[_NEEDS_REAUTH] = True
            st.rerun()

    return attempt(guarded)


def _granted(token: str) -> None:
    st.session_state[_REAUTH_TOKEN] = token
    st.session_state.pop(_NEEDS_REAUTH, None)
    st.success(t.REAUTH_DONE)


def _reauth(auth: Authgate, user: AuthUser, session_id: str) -> None:
    """Confirm it is you: the password again, or a passkey."""
    from authgate.core.records import Client

    meta = request_meta()
    client = Client.of(meta.get("ip"), meta.get("user_agent"))
    st.info(t.REAUTH_INTRO)
    password = password_input(t.REAUTH_PASSWORD, "authgate_passkey_reauth_password")
    left, right = st.columns(2)
    if left.button(t.REAUTH_CONFIRM, key="authgate_passkey_reauth_confirm"):
        ok, granted = attempt(
            lambda: auth.passkeys.recent.confirm_password(user.id, session_id, password, client)
        )
        if ok and granted is not None:
            _granted(granted.token)
    if right.button(t.REAUTH_WITH_PASSKEY, key="authgate_passkey_reauth_passkey"):
        ok, issued = attempt(lambda: auth.passkeys.recent.passkey_options(user.id, session_id))
        if ok and issued is not None:
            start_ceremony(Ceremony.of("reauth", "get", issued))
    result = run_ceremony(("reauth",), key="authgate_passkey_reauth_ceremony")
    if result is None or _browser_failed(result):
        return
    ok, granted = attempt(
        lambda: auth.passkeys.recent.confirm_passkey(
            user.id, session_id, result.ceremony.challenge_id, result.credential, client
        )
    )
    if ok and granted is not None:
        _granted(granted.token)


def _passkey_row(auth: Authgate, user: AuthUser, session_id: str, passkey: PasskeyRecord) -> None:
    used = _when(passkey.last_used_at) if passkey.last_used_at else None
    info, button = st.columns([4, 1], vertical_alignment="center")
    info.markdown(
        f"**{passkey.name}**  \n"
        + t.PASSKEY_ADDED_AT.format(when=_when(passkey.created_at))
        + " · "
        + (t.PASSKEY_LAST_USED.format(when=used) if used else t.PASSKEY_NEVER_USED)
    )
    if not button.button(t.PASSKEY_REMOVE, key=f"authgate_passkey_remove_{passkey.id}"):
        return
    meta = request_meta()
    ok, _ = _sensitive(
        lambda: auth.passkeys.remove(
            user.id, session_id, passkey.id, reauth_token=_reauth_token(), **meta
        )
    )
    if ok:
        st.session_state[_FLASH] = t.PASSKEY_REMOVED.format(name=passkey.name)
        st.rerun()


def _add(auth: Authgate, user: AuthUser, session_id: str) -> None:
    if st.session_state.pop(_CLEAR_NAME, False):
        st.session_state.pop(_NAME, None)  # before the widget exists: it starts empty again
    name = st.text_input(t.PASSKEY_NAME, key=_NAME, help=t.PASSKEY_NAME_HELP, max_chars=64)
    if st.button(t.PASSKEY_ADD, key="authgate_passkey_add"):
        if not name.strip():
            st.error(t.PASSKEY_NAME_MISSING)
        else:
            ok, issued = _sensitive(
                lambda: auth.passkeys.registration_options(
                    user.id, session_id, reauth_token=_reauth_token()
                )
            )
            if ok and issued is not None:
                detail = {"name": name.strip()}
                start_ceremony(Ceremony.of("register", "create", issued, detail))
    result = run_ceremony(("register",), key="authgate_passkey_register_ceremony")
    if result is None or _browser_failed(result):
        return
    label = str(result.ceremony.detail.get("name", ""))
    ok, added = attempt(
        lambda: auth.passkeys.register(
            user.id,
            session_id,
            result.ceremony.challenge_id,
            result.credential,
            name=label,
            **request_meta(),
        )
    )
    if ok and added is not None:
        st.session_state[_FLASH] = t.PASSKEY_ADDED.format(name=added.name)
        st.session_state[_CLEAR_NAME] = True
        st.rerun()


def render_passkeys_section(run: GateRun, user: AuthUser, session_id: str) -> None:
    """The Account page's "Passkeys" section: the list, Remove buttons, Add a passkey."""
    auth = passkey_root(run.backend)
    if auth is None:
        return
    st.subheader(t.PASSKEYS_HEADER)
    st.caption(t.PASSKEYS_INTRO)
    flash = st.session_state.pop(_FLASH, None)
    if isinstance(flash, str):
        st.success(flash)
    if st.session_state.get(_NEEDS_REAUTH):
        _reauth(auth, user, session_id)
    ok, passkeys = attempt(lambda: auth.passkeys.list(user.id))
    if ok and passkeys is not None:
        if not passkeys:
            st.write(t.PASSKEY_NONE)
        for passkey in passkeys:
            _passkey_row(auth, user, session_id, passkey)
    _add(auth, user, session_id)
