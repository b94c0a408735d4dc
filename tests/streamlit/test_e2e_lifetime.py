"""Session lifetime in a real browser: idle expiry, and a server restart.

A server of its own with a 3-second idle timeout, so expiry is quick; the
restart test logs in with "Remember me", whose idle limit is its lifetime.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e_helpers import WATCH_PASSWORD_INPUT, DemoServer, heading, log_in, logged_in, settled
from playwright.sync_api import expect

from authgate.streamlit import texts

pytestmark = pytest.mark.browser

ALICE = ("alice", "wonderland-2026")
IDLE_SECONDS = 3


@pytest.fixture(scope="module")
def short_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = DemoServer(
        tmp_path_factory.mktemp("lifetime"),
        env={"AUTHGATE_SESSION_IDLE_TIMEOUT": f"PT{IDLE_SECONDS}S"},
    )
    server.start()
    yield server
    server.stop()


def test_idle_session_expires_at_the_next_interaction(
    short_server: DemoServer, context: Any
) -> None:
    page = context.new_page()
    log_in(page, short_server.url, *ALICE, path="dashboard")
    page.wait_for_timeout((IDLE_SECONDS + 1) * 1000)  # the one real wait: letting time pass
    # A page that needs a login (Chat is public: a visitor may use it).
    page.get_by_role("link", name="Account").click()
    page.get_by_text(texts.SESSION_EXPIRED).wait_for()
    page.get_by_role("textbox", name="Username", exact=True).wait_for()
    expect(logged_in(page)).to_have_count(0)


def test_idle_session_expired_on_reload_shows_login_with_message(
    short_server: DemoServer, context: Any
) -> None:
    page = context.new_page()
    log_in(page, short_server.url, *ALICE, path="dashboard")
    page.wait_for_timeout((IDLE_SECONDS + 1) * 1000)
    page.reload()
    page.get_by_text(texts.SESSION_EXPIRED).wait_for()
    page.get_by_role("textbox", name="Username", exact=True).wait_for()
    settled(page)
    assert page.get_by_role("heading", name="Dashboard", exact=True).count() == 0


def test_login_survives_a_server_restart(short_server: DemoServer, context: Any) -> None:
    page = context.new_page()
    log_in(page, short_server.url, *ALICE, path="dashboard", remember=True)
    heading(page, "Dashboard").wait_for()
    short_server.stop()
    short_server.start()
    context.add_init_script(WATCH_PASSWORD_INPUT)
    page.reload()
    heading(page, "Dashboard").wait_for()
    logged_in(page).wait_for()
    assert page.evaluate("location.pathname") == "/dashboard"
    assert page.evaluate("window.__authgateSawPassword") is False
