"""The login form's fields as plain HTML in the page, drawn by a ``components.v2`` component.

Why not ``st.text_input`` in a ``st.form``: Streamlit loads each widget's
JavaScript on first use, once the script's messages have arrived, so a cold tab
fetches about twenty more modules (text input, checkbox, button, tooltip, ...)
before the password field can show, and an anonymous visitor waits 15-25% longer
for the form than for a page's heading (``benchmarks/bench_form_shapes.py``,
docs/benchmarks.md). A component's code comes inline with its message: the same
form drawn as HTML shows as fast as a heading. Plain ``<input>`` elements with
``autocomplete`` in one ``<form>`` in the page's own DOM (not an iframe, not a
shadow root) are also what password managers look for.

It keeps the contract of the ``st.form`` it replaces: nothing reaches the server
until the form is sent (Enter or the button), and then everything at once, as
one trigger event, ``submitted``. A trigger's value lives for the run it causes
only, so the password is never kept in ``st.session_state``; the browser clears
the password field once it is sent. The look follows the app's theme through
the ``--st-*`` variables Streamlit gives components.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import streamlit as st

__all__ = ["LoginFieldLabels", "SubmittedLogin", "login_fields", "submitted_login"]

EVENT: Final = "submitted"

_CSS: Final = """
.authgate-login { display: flex; flex-direction: column; gap: 1rem;
  font-family: var(--st-font, inherit); color: var(--st-text-color, inherit);
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, 0.2));
  border-radius: var(--st-base-radius, 0.5rem); padding: calc(1em - 1px); }
.authgate-login .authgate-field { display: flex; flex-direction: column; gap: 0.25rem;
  font-size: 0.875rem; }
.authgate-login input[type="text"], .authgate-login input[type="password"] {
  font: inherit; font-size: var(--st-base-font-size, 1rem); color: inherit;
  background: var(--st-secondary-background-color, #f0f2f6);
  border: 1px solid transparent; border-radius: var(--st-base-radius, 0.5rem);
  height: 2.5rem; padding: 0 0.75rem; box-sizing: border-box; width: 100%; outline: none; }
.authgate-login input:focus { border-color: var(--st-primary-color, #ff4b4b); }
.authgate-login label.authgate-check { display: flex; align-items: center; gap: 0.5rem;
  font-size: var(--st-base-font-size, 1rem); cursor: pointer; width: fit-content; }
.authgate-login input[type="checkbox"] { accent-color: var(--st-primary-color, #ff4b4b);
  width: 1rem; height: 1rem; margin: 0; }
.authgate-login .authgate-secret { position: relative; display: block; }
.authgate-login .authgate-secret input { padding-right: 2.75rem; }
.authgate-login button.authgate-show { position: absolute; right: 0.25rem; top: 0.25rem;
  width: 2rem; height: 2rem; min-height: 0; padding: 0; background: transparent;
  border: none; color: var(--st-text-color, #31333f); opacity: 0.6; font-size: 1.25rem; }
.authgate-login button.authgate-show::before { content: "\\25C9"; }
.authgate-login button.authgate-show[aria-pressed="true"]::before { content: "\\25CB"; }
.authgate-login button[type="submit"] { align-self: flex-start; font: inherit; min-height: 2.5rem;
  padding: 0.25rem 0.75rem; cursor: pointer; color: #fff;
  background: var(--st-primary-color, #ff4b4b); border: 1px solid var(--st-primary-color, #ff4b4b);
  border-radius: var(--st-button-radius, var(--st-base-radius, 0.5rem)); }
.authgate-login button:focus-visible { outline: 2px solid var(--st-text-color, #31333f);
  outline-offset: 2px; }
"""

# Built once per mount, relabelled on every run (the page's language may change).
_JS: Final = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) { return; }
  let form = parentElement.querySelector("form.authgate-login");
  if (!form) {
    form = document.createElement("form");
    form.className = "authgate-login";
    form.noValidate = true;
    form.innerHTML =
      '<label class="authgate-field"><span data-label="username"></span>' +
      '<input type="text" name="username" autocomplete="username" autocapitalize="none"' +
      ' spellcheck="false"></label>' +
      '<div class="authgate-field"><label for="authgate-login-password"' +
      ' data-label="password"></label><span class="authgate-secret">' +
      '<input type="password" name="password" id="authgate-login-password"' +
      ' autocomplete="current-password"><button type="button" class="authgate-show"' +
      ' aria-pressed="false"></button></span></div>' +
      '<label class="authgate-check"><input type="checkbox" name="remember">' +
      '<span data-label="remember"></span></label>' +
      '<button type="submit" data-label="submit"></button>';
    parentElement.appendChild(form);
  }
  for (const node of form.querySelectorAll("[data-label]")) {
    node.textContent = data[node.dataset.label] || "";
  }
  const show = form.querySelector("button.authgate-show");
  show.setAttribute("aria-label", data.show_password || "");
  show.title = data.show_password || "";
  show.onclick = () => {
    const shown = form.elements.password.type === "text";
    form.elements.password.type = shown ? "password" : "text";
    show.setAttribute("aria-pressed", String(!shown));
  };
  form.elements.username.title = data.username_help || "";
  form.elements.remember.parentElement.title = data.remember_help || "";
  form.onsubmit = (event) => {
    event.preventDefault();
    setTriggerValue("submitted", {
      login: form.elements.username.value,
      password: form.elements.password.value,
      remember: form.elements.remember.checked,
    });
    form.elements.password.value = "";
    form.elements.password.type = "password";
    show.setAttribute("aria-pressed", "false");
  };
}
"""

_component = st.components.v2.component(
    "authgate_login_fields", css=_CSS, js=_JS, isolate_styles=False
)


@dataclass(frozen=True)
class LoginFieldLabels:
    """The form's texts, in the page's language: the component's data, all strings."""

    username: str
    username_help: str
    password: str
    remember: str
    remember_help: str
    show_password: str
    submit: str

    def as_data(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class SubmittedLogin:
    """What the visitor sent: checked for type here, for content by the login."""

    login: str
    password: str = field(repr=False)  # never in a log or a traceback
    remember: bool


def login_fields(key: str, labels: LoginFieldLabels, *, on_submit: Callable[[], None]) -> None:
    """Draw the fields and the button; ``on_submit`` runs (before the script) when sent."""
    # Strings only: Streamlit checks any other value of a component's data for a
    # dataframe, which imports pandas and pyarrow (see cookie_sync).
    _component(key=key, data=labels.as_data(), on_submitted_change=on_submit)


def submitted_login(key: str) -> SubmittedLogin | None:
    """In ``on_submit``: what was sent, or None when it is not a login form's answer.

    The browser is not trusted to send the shape the JavaScript builds: anything
    else (another type, missing fields) reads as None, which the caller treats
    like an empty form.
    """
    state = st.session_state.get(key)
    value = state.get(EVENT) if isinstance(state, Mapping) else None
    return _parsed(value)


def _parsed(value: Any) -> SubmittedLogin | None:
    if not isinstance(value, Mapping):
        return None
    login, password, remember = value.get("login"), value.get("password"), value.get("remember")
    if not isinstance(login, str) or not isinstance(password, str):
        return None
    return SubmittedLogin(login=login, password=password, remember=remember is True)
