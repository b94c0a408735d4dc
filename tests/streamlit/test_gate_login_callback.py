"""The login in the form's callback (issue 13): the run after the click is the logged-in one.

AppTest runs the script as the browser would after a click: the widget
callbacks first, then the body. These tests pin what that run draws, where
the cookie's component goes, and what happens to refusals and messages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from login_form import submit_login
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from authgate.streamlit import texts
from authgate.streamlit.cookie_sync import PendingSync
from authgate.streamlit.state import AUTH, FLASH, NEXT_PAGE, PENDING_SYNC


def _texts(at: Any) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.markdown]
    parts += [e.value for e in at.error] + [e.value for e in at.warning]
    parts += [e.value for e in at.info] + [e.value for e in at.success]
    return "\n".join(str(p) for p in parts)


def _goto(at: Any, url_path: str) -> Any:
    at._page_hash = calc_hash(url_path)
    return at


def _submit(at: Any, login: str, password: str) -> Any:
    return submit_login(at, login, password)


def _in_order(node: Any) -> list[str]:
    """Every element's and block's type under ``node``, depth first (the page's order)."""
    kinds: list[str] = []
    for child in node.children.values():
        kinds.append(getattr(child, "type", type(child).__name__))
        if hasattr(child, "children"):
            kinds.extend(_in_order(child))
    return kinds


def _kinds(at: Any) -> list[str]:
    """The main area's top-level elements and blocks, in order (a component shows as its proto)."""
    return [getattr(node, "type", type(node).__name__) for node in at.main.children.values()]


def test_the_run_after_the_click_draws_the_page_then_the_cookie_component(
    app_test: Any, set_cookie: Any
) -> None:
    at = _goto(app_test(), "secret").run()
    _submit(at, "alice", "wonderland-2026")
    assert not at.exception
    assert "secret for alice" in _texts(at)
    assert [w.label for w in at.text_input] == []  # the form is gone in this very run
    kinds = _kinds(at)
    assert kinds[-1] == "bidi_component", kinds  # after the page's elements
    pending = at.session_state[PENDING_SYNC]
    assert isinstance(pending, PendingSync) and pending.action == "session"
    assert pending.drawn == 1
    assert NEXT_PAGE not in at.session_state


def test_the_cookie_component_data_is_strings_only(app_test: Any, set_cookie: Any) -> None:
    """Any other value makes Streamlit check it for a dataframe, importing pandas and pyarrow."""
    at = _goto(app_test(), "secret").run()
    _submit(at, "alice", "wonderland-2026")
    component = [n for n in at.main.children.values() if n.type == "bidi_component"][-1]
    data = json.loads(component.proto.json)
    assert set(data) == {"nonce", "url", "body"}
    assert all(isinstance(value, str) for value in data.values()), data
    assert set(json.loads(data["body"])) == {"ticket"}


def test_the_cookie_component_stays_for_a_second_run_then_goes(
    app_test: Any, set_cookie: Any
) -> None:
    at = _goto(app_test(), "secret").run()
    _submit(at, "alice", "wonderland-2026")
    at.run()
    assert PENDING_SYNC not in at.session_state
    assert "bidi_component" in _kinds(at)  # drawn by the second run, which dropped it
    at.run()
    assert "bidi_component" not in _kinds(at)
    assert "secret for alice" in _texts(at)


def test_the_login_page_lands_on_the_page_first_asked_for(app_test: Any, set_cookie: Any) -> None:
    at = _goto(app_test(), "secret").run()
    assert at.session_state[NEXT_PAGE] == "secret"
    _goto(at, "login").run()
    assert texts.LOGIN_REQUIRED not in _texts(at)
    _submit(at, "alice", "wonderland-2026")
    assert not at.exception
    assert "secret for alice" in _texts(at)
    assert AUTH in at.session_state


def test_the_login_page_alone_lands_on_the_default_page(app_test: Any, set_cookie: Any) -> None:
    at = _goto(app_test(), "login").run()
    _submit(at, "alice", "wonderland-2026")
    assert not at.exception
    assert "Home page" in _texts(at)
    assert texts.LOG_OUT in [b.label for b in at.sidebar.button]


def test_a_refusal_is_drawn_under_the_form_once(app_test: Any, set_cookie: Any) -> None:
    at = _goto(app_test(), "secret").run()
    _submit(at, "alice", "not-the-password")
    assert [e.value for e in at.error] == ["Incorrect username or password."]
    kinds = _in_order(at.main)
    assert kinds.index("bidi_component") < kinds.index("error")  # under the form, not above
    at.run()
    assert [e.value for e in at.error] == []
    assert AUTH not in at.session_state


def test_a_message_is_shown_by_one_run_only(
    app_test: Any, set_cookie: Any, gate_service: Any
) -> None:
    """No cookie report reruns the script any more, so a flash needs no second showing."""
    set_cookie(gate_service.logins.password("alice", "wonderland-2026").token)
    at = app_test().run()
    at.sidebar.button(key="authgate_logout").click()
    at.run()
    assert texts.LOGGED_OUT in _texts(at)
    assert FLASH not in at.session_state
    at.run()
    assert texts.LOGGED_OUT not in _texts(at)


_FAILED_REPORT = """
import streamlit as st
from authgate.streamlit import cookie_sync
from authgate.streamlit.state import FLASH, PENDING_SYNC

if "step" not in st.session_state:
    st.session_state.step = 1
    cookie_sync.queue_cookie_ticket("a-ticket")
    pending = st.session_state[PENDING_SYNC]
    st.session_state[cookie_sync.COMPONENT_KEY] = {
        "done": {"nonce": %s, "ok": False, "status": 503}
    }
    cookie_sync._failed(PENDING_SYNC, cookie_sync.COMPONENT_KEY)
    st.text(f"flash: {st.session_state.get(FLASH) is not None}")
    st.text(f"pending: {PENDING_SYNC in st.session_state}")
"""


def test_a_failed_cookie_request_is_reported_and_dropped() -> None:
    at = AppTest.from_string(_FAILED_REPORT % "pending.nonce", default_timeout=30).run()
    assert not at.exception
    assert [t.value for t in at.text] == ["flash: True", "pending: False"]


def test_a_report_about_another_request_changes_nothing() -> None:
    at = AppTest.from_string(_FAILED_REPORT % "'0' * 24", default_timeout=30).run()
    assert not at.exception
    assert [t.value for t in at.text] == ["flash: False", "pending: True"]


def test_a_page_that_stops_gets_the_cookie_component_before_it_next_run(
    spy_backend: Any, set_cookie: Any
) -> None:
    """After ``st.stop()`` nothing more is drawn: the next runs draw the component first."""
    app = Path(__file__).with_name("stop_apptest_app.py")
    at = AppTest.from_file(str(app), default_timeout=30).run()
    _submit(at, "alice", "wonderland-2026")
    assert not at.exception
    assert _kinds(at) == ["title"]
    assert at.session_state[PENDING_SYNC].early
    at.run()
    assert _kinds(at) == ["bidi_component", "title"]
