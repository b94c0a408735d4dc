"""The browser half of a passkey: a main-frame component that runs one WebAuthn ceremony.

The server makes the options (py_webauthn, ``options_to_json``) and keeps the
``challenge_id`` in this tab's ``st.session_state``, so only this tab can
answer the challenge. The component parses the options with the browser's
own ``PublicKeyCredential.parse*OptionsFromJSON``, calls
``navigator.credentials.create`` or ``.get`` and reports ``credential.toJSON()``
(or the error's name, e.g. ``NotAllowedError`` when the user closed the
prompt) through a trigger value. It runs in the main frame, where WebAuthn
is allowed, like the cookie component (``cookie_sync.py``).

Defined once at import (Streamlit wants one definition per process); keys
are fixed and nonces are hex, never raw tokens.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

import streamlit as st

from authgate.core.passkeys.challenges import PasskeyOptions

__all__ = ["Ceremony", "CeremonyResult", "run_ceremony", "start_ceremony"]

_PENDING: Final = "authgate.passkey_ceremony"

_JS: Final = """
export default function (component) {
  const { data, setTriggerValue } = component;
  if (!data || !data.nonce || !data.options) { return; }
  const seen = (window.__authgatePasskey = window.__authgatePasskey || {});
  if (seen[data.nonce]) { return; }
  seen[data.nonce] = true;
  const report = (value) => setTriggerValue("done", Object.assign({ nonce: data.nonce }, value));
  const failed = (error) => report({ ok: false, error: (error && error.name) || "Error" });
  const api = window.PublicKeyCredential;
  if (!api || !api.parseCreationOptionsFromJSON || !navigator.credentials) {
    report({ ok: false, error: "NotSupportedError" });
    return;
  }
  let request;
  try {
    const options = JSON.parse(data.options);
    request = data.mode === "create"
      ? navigator.credentials.create({ publicKey: api.parseCreationOptionsFromJSON(options) })
      : navigator.credentials.get({ publicKey: api.parseRequestOptionsFromJSON(options) });
  } catch (error) {
    failed(error);
    return;
  }
  request.then((credential) => report({ ok: true, credential: credential.toJSON() }), failed);
}
"""

_component = st.components.v2.component("authgate_passkey", js=_JS)


@dataclass(frozen=True)
class Ceremony:
    """One ceremony this tab started: what it is for and the challenge it answers."""

    purpose: str
    mode: Literal["create", "get"]
    challenge_id: str = field(repr=False)
    options: str = field(repr=False)
    expires_at: datetime | None = None
    nonce: str = field(default_factory=lambda: secrets.token_hex(12))
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        purpose: str,
        mode: Literal["create", "get"],
        issued: PasskeyOptions,
        detail: dict[str, Any] | None = None,
    ) -> Ceremony:
        """The ceremony for options the server just issued (valid as long as their challenge)."""
        return cls(
            purpose,
            mode,
            issued.challenge_id,
            issued.options,
            issued.expires_at,
            detail=detail or {},
        )


@dataclass(frozen=True)
class CeremonyResult:
    """The browser's answer: a credential (WebAuthn JSON) or the name of the error."""

    ceremony: Ceremony
    credential: dict[str, Any] | None
    error: str | None


def start_ceremony(ceremony: Ceremony) -> None:
    """Have the browser run ``ceremony`` when ``run_ceremony`` next mounts the component."""
    st.session_state[_PENDING] = ceremony


def run_ceremony(
    purposes: tuple[str, ...],
    *,
    key: str,
    on_result: Callable[[CeremonyResult], None] | None = None,
) -> CeremonyResult | None:
    """Mount the component for a pending ceremony of ``purposes``; its result once answered.

    With ``on_result``, the answer goes there instead, in the component's
    callback: before the script body of the run the answer causes, so a
    login decided there makes that very run the logged-in one (as the
    password form's callback does); this call then returns ``None``.
    """
    pending = _pending(purposes)
    if pending is None:
        return None
    # The options as the JSON text they are: a dict would make Streamlit check
    # it for a dataframe, importing pandas and pyarrow (see cookie_sync).
    data = {"nonce": pending.nonce, "mode": pending.mode, "options": pending.options}
    callback = (
        _noop if on_result is None else functools.partial(_answered, purposes, key, on_result)
    )
    result: Any = _component(key=key, data=data, on_done_change=callback)
    return _take_result(pending, result.get("done") if result is not None else None)


def _pending(purposes: tuple[str, ...]) -> Ceremony | None:
    """This tab's ceremony of ``purposes`` still waiting for its answer, if any."""
    pending = st.session_state.get(_PENDING)
    if not isinstance(pending, Ceremony) or pending.purpose not in purposes:
        return None
    if pending.expires_at is not None and datetime.now(UTC) >= pending.expires_at:
        # Never unanswered, now useless: a reload must not pop up a prompt nobody asked for.
        del st.session_state[_PENDING]
        return None
    return pending


def _take_result(pending: Ceremony, done: object) -> CeremonyResult | None:
    """The answer to ``pending`` in the component's ``done`` value; the ceremony is over then."""
    if not isinstance(done, Mapping) or done.get("nonce") != pending.nonce:
        return None
    del st.session_state[_PENDING]
    credential = done.get("credential") if done.get("ok") else None
    error = None if isinstance(credential, dict) else str(done.get("error") or "Error")
    return CeremonyResult(pending, credential if isinstance(credential, dict) else None, error)


def _answered(
    purposes: tuple[str, ...], key: str, on_result: Callable[[CeremonyResult], None]
) -> None:
    """The component's callback with ``on_result``: hand the answer over, once."""
    pending = _pending(purposes)
    state = st.session_state.get(key)  # Streamlit presents a component's state as a dict
    done = state.get("done") if isinstance(state, Mapping) else None
    result = _take_result(pending, done) if pending is not None else None
    if result is not None:
        on_result(result)


def _noop() -> None:
    """Trigger values need a callback to be delivered; the result is read after mounting."""
