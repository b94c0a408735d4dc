"""The Login page's provider part in AppTest: buttons, a provider-only app, messages, steps."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from login_form import login_form
from streamlit.testing.v1 import AppTest

from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.root import Authgate
from authgate.streamlit.in_process import InProcessBackend
from authgate.streamlit.state import MFA_TICKET

APP = Path(__file__).with_name("gate_apptest_app.py")
CORP = {
    "name": "corp",
    "label": "Corp SSO",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    "client_id": "app",
    "client_secret": "unused",
}


@pytest.fixture
def gate_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    made: list[Authgate] = []

    def build(**overrides: Any) -> AppTest:
        settings = AuthgateSettings(
            database_url=f"sqlite:///{tmp_path / 'gate.db'}",
            data_dir=tmp_path / "data",
            argon2_memory_cost=8192,
            argon2_time_cost=1,
            oidc_providers=[CORP],  # type: ignore[list-item]
            **overrides,
        )
        service = Authgate.from_settings(settings, clock=FrozenClock())
        made.append(service)
        hooks = types.ModuleType("authgate_gate_test_hooks")
        hooks.settings = settings  # type: ignore[attr-defined]
        hooks.backend = InProcessBackend(service)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "authgate_gate_test_hooks", hooks)
        monkeypatch.setattr("authgate.streamlit.tab_session.read_session_cookie", lambda name: None)
        return AppTest.from_file(str(APP), default_timeout=30)

    yield build
    for service in made:
        service.close()


def html_of(at: AppTest) -> str:
    return "\n".join(str(element.proto.body) for element in at.get("html"))


def login_page(at: AppTest) -> AppTest:
    from streamlit.util import calc_hash

    at._page_hash = calc_hash("login")
    return at.run()


def test_one_button_per_provider_above_the_password_form(gate_app: Callable[..., AppTest]) -> None:
    at = login_page(gate_app())
    assert not at.exception
    body = html_of(at)
    assert "Continue with Corp SSO" in body
    assert 'href="/_authgate/oidc/corp/login"' in body
    assert login_form(at) is not None
    assert list(at.text_input) == []  # no code step


def test_a_provider_only_app_has_no_password_form(gate_app: Callable[..., AppTest]) -> None:
    at = login_page(gate_app(password_login=False))
    assert not at.exception
    assert "Continue with Corp SSO" in html_of(at)
    assert login_form(at) is None
    assert list(at.text_input) == []


def test_a_failure_reason_is_shown_in_our_words(gate_app: Callable[..., AppTest]) -> None:
    at = gate_app()
    at.query_params["oidc_error"] = "provider_unreachable"
    at.query_params["provider"] = "corp"
    at = login_page(at)
    assert [e.value for e in at.error] == ["Could not reach Corp SSO. Please try again."]


def test_an_unknown_reason_gets_the_general_message(gate_app: Callable[..., AppTest]) -> None:
    at = gate_app()
    at.query_params["oidc_error"] = "<script>alert(1)</script>"
    at.query_params["provider"] = "[click here](https://evil.example.com)"
    at = login_page(at)
    assert [e.value for e in at.error] == [
        "Signing in with the identity provider failed. Please try again."
    ]


def mfa_ticket(service: Authgate) -> str:
    """A real MFA ticket, as a provider login of an account with MFA leaves it."""
    from authgate.core.login.flow import MFA_TICKET_TTL
    from authgate.core.tokens.one_time import TokenPurpose, issue_token

    user = service.accounts.register("mfa-user", "a long enough passphrase")
    with service.uow.write() as work:
        return issue_token(
            work.one_time_tokens,
            TokenPurpose.MFA_TICKET,
            now=service.clock.now(),
            ttl=MFA_TICKET_TTL,
            user_id=user.id,
            data={"remember": False},
        )


def test_the_mfa_step_cookie_opens_the_code_step(
    gate_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = gate_app()
    ticket = mfa_ticket(sys.modules["authgate_gate_test_hooks"].backend.auth)
    monkeypatch.setattr("authgate.streamlit.ui.oidc._step_cookie", lambda: f"mfa.{ticket}")
    at = login_page(at)
    assert at.session_state[MFA_TICKET] == ticket
    assert [t.key for t in at.text_input] == ["authgate_mfa_code"]
    assert login_form(at) is None


def test_a_spent_or_unknown_mfa_ticket_in_the_cookie_starts_nothing(
    gate_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = gate_app()
    monkeypatch.setattr("authgate.streamlit.ui.oidc._step_cookie", lambda: "mfa.not-a-ticket")
    at = login_page(at)
    assert MFA_TICKET not in at.session_state
    assert login_form(at) is not None
    assert list(at.text_input) == []  # no code step
