"""The gate's visitors under AppTest: lazy start, the cookie sync, the hand-off at login."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from login_form import submit_login
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from authgate.root import Authgate
from authgate.store.models import Visitor
from authgate.streamlit.cookie_sync import PendingSync
from authgate.streamlit.state import PENDING_SYNC, PENDING_VISITOR_SYNC, VISITOR

APP = Path(__file__).with_name("visitor_apptest_app.py")


class Handoffs:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, visitor_id: str, user_id: int) -> None:
        self.calls.append((visitor_id, user_id))


@pytest.fixture
def handoffs(gate_service: Authgate) -> Handoffs:
    hook = Handoffs()
    gate_service.visitors.handoff = hook
    return hook


@pytest.fixture
def visitor_cookie(monkeypatch: pytest.MonkeyPatch) -> Any:
    def install(token: str | None) -> None:
        monkeypatch.setattr("authgate.streamlit.visitors.read_visitor_cookie", lambda name: token)

    install(None)
    return install


def _app(spy_backend: Any) -> AppTest:
    """The app, its backend being the spy the hooks module hands it."""
    return AppTest.from_file(str(APP), default_timeout=30)


def _shown(at: AppTest) -> str:
    return " ".join(str(m.value) for m in [*at.markdown, *at.error, *at.title])


def _visitor_count(service: Authgate) -> int:
    with service.store.read() as repositories:
        return int(repositories.db.execute(select(func.count()).select_from(Visitor)).scalar_one())


def test_a_page_view_starts_no_visitor(
    spy_backend: Any, set_cookie: Any, visitor_cookie: Any, gate_service: Authgate
) -> None:
    at = _app(spy_backend).run()
    assert not at.exception
    assert "owner: None" in _shown(at)
    assert VISITOR not in at.session_state and _visitor_count(gate_service) == 0


def test_keeping_something_starts_a_visitor_and_queues_its_cookie(
    spy_backend: Any, set_cookie: Any, visitor_cookie: Any, gate_service: Authgate
) -> None:
    at = _app(spy_backend).run()
    at.button(key="keep").click().run()
    assert not at.exception
    visitor = at.session_state[VISITOR]
    assert f"kept for visitor:{visitor.id}" in _shown(at)
    assert visitor.token not in repr(visitor)
    pending = at.session_state[PENDING_VISITOR_SYNC]
    assert isinstance(pending, PendingSync) and pending.action == "visitor"
    assert visitor.token not in str(pending.body)  # only a one-time ticket reaches the page
    assert _visitor_count(gate_service) == 1
    at.button(key="keep").click().run()
    assert _visitor_count(gate_service) == 1  # the same visitor keeps the next thing


def test_a_tab_finds_its_visitor_from_the_cookie(
    spy_backend: Any, set_cookie: Any, visitor_cookie: Any, gate_service: Authgate
) -> None:
    started = gate_service.visitors.start()
    visitor_cookie(started.token)
    at = _app(spy_backend).run()
    assert f"owner: visitor:{started.visitor.id}" in _shown(at)
    visitor_cookie("a-stale-token")
    other = _app(spy_backend).run()
    assert "owner: None" in _shown(other)


def test_logging_in_hands_the_visitor_to_the_user_and_ends_it(
    spy_backend: Any,
    set_cookie: Any,
    visitor_cookie: Any,
    gate_service: Authgate,
    handoffs: Handoffs,
) -> None:
    at = _app(spy_backend).run()
    at.button(key="keep").click().run()
    visitor = at.session_state[VISITOR]
    at._page_hash = calc_hash("account")
    at.run()
    at = submit_login(at, "alice", "wonderland-2026")
    assert not at.exception
    alice = gate_service.accounts.find_user("alice")
    assert alice is not None
    assert handoffs.calls == [(visitor.id, alice.id)]
    assert VISITOR not in at.session_state
    assert at.session_state[PENDING_SYNC].body.get("end_visitor") == "1"
    assert gate_service.visitors.resolve(visitor.token) is None
