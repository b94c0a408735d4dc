"""The gate's logic in AppTest: who is logged in, what they may see, what they are told."""

from __future__ import annotations

from typing import Any

import pytest
from login_form import field_labels, form_texts, login_form, submit_login
from streamlit.util import calc_hash

from authgate.errors import InvalidCredentials
from authgate.root import Authgate
from authgate.streamlit import texts
from authgate.streamlit.cookie_sync import PendingSync
from authgate.streamlit.state import AUTH, NEXT_PAGE, PENDING_SYNC


def _texts(at: Any) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.error] + [e.value for e in at.warning]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    return "\n".join(str(p) for p in parts)


def _goto(at: Any, url_path: str) -> Any:
    """Ask for a page by URL path, as a browser does (AppTest only switches by file)."""
    at._page_hash = calc_hash(url_path)
    return at


def _log_in(at: Any, login: str, password: str) -> Any:
    return submit_login(at, login, password)


def test_anonymous_sees_public_page_and_login_links(app_test: Any, set_cookie: Any) -> None:
    at = app_test().run()
    assert not at.exception
    assert "Home page" in _texts(at)
    assert AUTH not in at.session_state


def test_protected_url_shows_login_form_and_never_the_page(app_test: Any, set_cookie: Any) -> None:
    at = app_test()
    _goto(at, "secret")
    at.run()
    assert not at.exception
    shown = _texts(at)
    assert "Secret page" not in shown
    assert texts.LOGIN_REQUIRED in shown
    assert field_labels(at) == [texts.USERNAME, texts.PASSWORD]
    assert form_texts(at)["remember"] == texts.REMEMBER_ME
    assert at.session_state[NEXT_PAGE] == "secret"


def test_login_lands_on_first_asked_page_and_queues_the_cookie(
    app_test: Any, set_cookie: Any, spy_backend: Any
) -> None:
    at = app_test()
    _goto(at, "secret")
    at.run()
    _log_in(at, "alice", "wonderland-2026")
    assert not at.exception
    assert "Secret page" in _texts(at)
    assert "secret for alice" in _texts(at)
    pending = at.session_state[PENDING_SYNC]
    assert isinstance(pending, PendingSync) and pending.action == "session"
    assert "__" not in pending.nonce and len(pending.nonce) == 24
    assert texts.LOG_OUT in [b.label for b in at.sidebar.button]


def test_wrong_password_shows_the_core_message(app_test: Any, set_cookie: Any) -> None:
    at = app_test()
    _goto(at, "secret")
    at.run()
    _log_in(at, "alice", "not-the-password")
    assert not at.exception
    assert "Incorrect username or password." in _texts(at)
    assert AUTH not in at.session_state


def test_an_address_past_its_failure_budget_is_told_so(
    app_test: Any, set_cookie: Any, gate_service: Authgate, monkeypatch: Any
) -> None:
    """Password spraying from one address: the form says why, and for how long."""
    sprayer = "203.0.113.7"
    for n in range(gate_service.settings.client_failure_limit):
        with pytest.raises(InvalidCredentials):
            gate_service.logins.password(f"ghost{n}", "a guess", ip=sprayer)
    monkeypatch.setattr(
        "authgate.streamlit.ui.login.request_meta",
        lambda: {"ip": sprayer, "user_agent": "pytest"},
    )
    at = app_test()
    _goto(at, "secret")
    at.run()
    _log_in(at, "alice", "wonderland-2026")
    assert not at.exception
    assert "Too many failed sign-ins from your network. Try again in 10 minutes." in _texts(at)
    assert AUTH not in at.session_state


def test_empty_form_asks_for_both_fields(app_test: Any, set_cookie: Any) -> None:
    at = app_test()
    _goto(at, "secret")
    at.run()
    _log_in(at, "", "")
    assert texts.MISSING_CREDENTIALS in _texts(at)


def test_cookie_resolves_the_user_on_the_first_run(
    app_test: Any, set_cookie: Any, gate_service: Authgate, spy_backend: Any
) -> None:
    token = gate_service.logins.password("alice", "wonderland-2026").token
    set_cookie(token)
    at = app_test()
    _goto(at, "secret")
    at.run()
    assert not at.exception
    assert "secret for alice" in _texts(at)
    assert spy_backend.calls["validate_session"] == 1
    assert login_form(at) is None
    assert list(at.text_input) == []


def test_reruns_use_the_cached_validation(
    app_test: Any, set_cookie: Any, gate_service: Authgate, spy_backend: Any
) -> None:
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)
    at = app_test().run()
    for _ in range(3):
        at.run()
    assert spy_backend.calls["validate_session"] == 1
    assert spy_backend.calls["validate_session_id"] == 0


def test_revocation_in_this_process_is_seen_at_the_next_rerun(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    result = gate_service.logins.password("alice", "wonderland-2026")
    set_cookie(result.token)
    at = app_test()
    _goto(at, "secret")
    at.run()
    assert "secret for alice" in _texts(at)
    gate_service.sessions.logout(session_id=result.session.id)
    at.run()
    assert not at.exception
    shown = _texts(at)
    assert "Secret page" not in shown
    assert texts.SESSION_ENDED in shown
    assert at.session_state[PENDING_SYNC].action == "logout"


def test_expired_session_shows_login_with_expiry_message(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)
    at = app_test().run()
    assert AUTH in at.session_state
    gate_service.clock.advance(gate_service.settings.session_idle_timeout)  # type: ignore[attr-defined]
    at.run()
    assert not at.exception
    assert texts.SESSION_EXPIRED in _texts(at)
    assert field_labels(at) == [texts.USERNAME, texts.PASSWORD]


def test_expired_cookie_on_reload_says_so(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)
    gate_service.clock.advance(gate_service.settings.session_idle_timeout)  # type: ignore[attr-defined]
    at = app_test().run()
    assert not at.exception
    assert texts.SESSION_EXPIRED in _texts(at)


def test_logout_button_ends_the_session_and_queues_cookie_clearing(
    app_test: Any, set_cookie: Any, gate_service: Authgate
) -> None:
    result = gate_service.logins.password("alice", "wonderland-2026")
    set_cookie(result.token)
    at = app_test().run()
    at.sidebar.button(key="authgate_logout").click()
    at.run()
    assert not at.exception
    assert texts.LOGGED_OUT in _texts(at)
    assert AUTH not in at.session_state
    assert at.session_state[PENDING_SYNC].action == "logout"
    assert gate_service.sessions.list_for(result.user.id) == []
