"""The demo in headless Chromium: what a click on "Log in" costs in script runs (issue 13).

The login runs in the form's callback, so the run the click causes is the
logged-in one: the tests read Streamlit's own messages off the websocket
(``ForwardMsg``: ``new_session`` starts a run, ``script_finished`` ends it)
and count the runs between the click and the tab settling. The session
cookie is still set (HttpOnly), so the login survives a reload.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2e_helpers import WATCH_PASSWORD_INPUT, Runs, heading, logged_in, settled, wait_for_cookie

from authgate.streamlit import texts

pytestmark = pytest.mark.browser

ALICE = ("alice", "wonderland-2026")


def _fill_and_click(page: Any, runs: Runs) -> None:
    page.get_by_role("textbox", name="Username", exact=True).fill(ALICE[0])
    page.get_by_role("textbox", name="Password", exact=True).fill(ALICE[1])
    settled(page)
    runs.recording = True
    page.get_by_role("button", name=texts.LOG_IN, exact=True).click()


def _survives_a_reload(page: Any, context: Any, title: str, path: str) -> None:
    cookie = wait_for_cookie(context)
    assert cookie["httpOnly"] is True
    context.add_init_script(WATCH_PASSWORD_INPUT)
    page.reload()
    heading(page, title).wait_for()
    logged_in(page).wait_for()
    assert page.evaluate("location.pathname") == path
    assert page.evaluate("window.__authgateSawPassword") is False


def test_login_on_the_page_that_needs_it_is_one_script_run(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    runs = Runs(page)
    page.goto(f"{demo_server.url}/dashboard")
    page.get_by_text(texts.LOGIN_REQUIRED).wait_for()
    _fill_and_click(page, runs)
    heading(page, "Dashboard").wait_for()
    logged_in(page).wait_for()
    settled(page)
    page.wait_for_timeout(500)  # a cookie report would rerun the script by now
    settled(page)
    recorded = runs.runs()
    assert len(recorded) == 1, recorded
    assert recorded[0][-1] == "finished:FINISHED_SUCCESSFULLY"
    assert page.evaluate("location.pathname") == "/dashboard"
    _survives_a_reload(page, context, "Dashboard", "/dashboard")


def test_login_on_the_login_page_runs_the_script_body_once(demo_server: Any, context: Any) -> None:
    """Landing on the page first asked for: Streamlit restarts the run before its body.

    ``st.switch_page`` in the callback makes the run that was about to start
    end before its body (no element drawn); the body then runs once, on the
    target page.
    """
    page = context.new_page()
    runs = Runs(page)
    page.goto(f"{demo_server.url}/dashboard")
    page.get_by_text(texts.LOGIN_REQUIRED).wait_for()
    page.get_by_role("link", name=texts.LOGIN_TITLE).first.click()
    page.wait_for_function("location.pathname === '/login'")
    settled(page)
    _fill_and_click(page, runs)
    heading(page, "Dashboard").wait_for()
    logged_in(page).wait_for()
    settled(page)
    page.wait_for_timeout(500)
    settled(page)
    recorded = runs.runs()
    bodies = [run for run in recorded if "delta" in run]
    assert len(bodies) == 1, recorded
    assert bodies[0][-1] == "finished:FINISHED_SUCCESSFULLY"
    assert all(run == ["finished:FINISHED_EARLY_FOR_RERUN"] for run in recorded[:-1]), recorded
    assert recorded[-1] is bodies[0]
    page.wait_for_function("location.pathname === '/dashboard'")
    _survives_a_reload(page, context, "Dashboard", "/dashboard")
