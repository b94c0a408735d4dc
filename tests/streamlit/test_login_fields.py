"""The login form as the browser sends it, including what a tampered browser could send.

The form is one ``components.v2`` trigger event (``ui/login_fields.py``): these
tests send that event through AppTest, well-formed and not.
"""

from __future__ import annotations

from typing import Any

import pytest
from login_form import form_texts, login_form, send_login_event, submit_login
from streamlit.util import calc_hash

from authgate.streamlit import texts
from authgate.streamlit.state import AUTH
from authgate.streamlit.ui.login_fields import SubmittedLogin


def _secret_page(app_test: Any) -> Any:
    at = app_test()
    at._page_hash = calc_hash("secret")
    return at.run()


def _errors(at: Any) -> list[str]:
    return [str(e.value) for e in at.error]


def test_the_form_is_drawn_with_every_text(app_test: Any, set_cookie: Any) -> None:
    at = _secret_page(app_test)
    assert form_texts(at) == {
        "username": texts.USERNAME,
        "username_help": texts.USERNAME_HELP,
        "password": texts.PASSWORD,
        "remember": texts.REMEMBER_ME,
        "remember_help": texts.REMEMBER_ME_HELP,
        "show_password": texts.SHOW_PASSWORD,
        "submit": texts.LOG_IN,
    }


def test_a_login_sent_by_the_form_logs_in_and_the_form_goes(app_test: Any, set_cookie: Any) -> None:
    at = submit_login(_secret_page(app_test), "alice", "wonderland-2026", remember=True)
    assert not at.exception
    assert AUTH in at.session_state
    assert at.session_state[AUTH].session.remember is True
    assert login_form(at) is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        "alice wonderland-2026",
        ["alice", "wonderland-2026"],
        {},
        {"login": "alice"},
        {"password": "wonderland-2026"},
        {"login": 5, "password": "wonderland-2026"},
        {"login": "alice", "password": None},
        {"login": ["alice"], "password": ["wonderland-2026"]},
    ],
    ids=["null", "text", "list", "empty", "no-password", "no-login", "number", "null-pw", "lists"],
)
def test_a_malformed_answer_is_an_empty_form_not_an_error(
    app_test: Any, set_cookie: Any, value: object
) -> None:
    at = send_login_event(_secret_page(app_test), value)
    assert not at.exception
    assert _errors(at) == [texts.MISSING_CREDENTIALS]
    assert AUTH not in at.session_state
    assert login_form(at) is not None  # the form stays, ready for another try


def test_remember_must_be_true_itself(app_test: Any, set_cookie: Any, gate_service: Any) -> None:
    at = send_login_event(
        _secret_page(app_test),
        {"login": "alice", "password": "wonderland-2026", "remember": "false"},
    )
    assert AUTH in at.session_state
    assert at.session_state[AUTH].session.remember is False


def test_blank_fields_are_refused_before_any_check(app_test: Any, set_cookie: Any) -> None:
    at = submit_login(_secret_page(app_test), "   ", "wonderland-2026")
    assert _errors(at) == [texts.MISSING_CREDENTIALS]
    at = submit_login(at, "alice", "")
    assert _errors(at) == [texts.MISSING_CREDENTIALS]


def test_the_password_is_not_kept_after_the_run(app_test: Any, set_cookie: Any) -> None:
    at = submit_login(_secret_page(app_test), "alice", "not-the-password")
    assert _errors(at) == ["Incorrect username or password."]
    at.run()
    kept = {key: at.session_state[key] for key in at.session_state}
    assert "authgate_login_form" in kept  # the form's own state is there, and read
    assert "not-the-password" not in repr(kept)


def test_what_was_sent_never_shows_its_password() -> None:
    sent = SubmittedLogin(login="alice", password="wonderland-2026", remember=True)
    assert "wonderland-2026" not in repr(sent) and "wonderland-2026" not in str(sent)
