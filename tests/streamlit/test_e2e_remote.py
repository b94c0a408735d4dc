"""The demo in remote-backend mode, in headless Chromium: no database in the Streamlit process.

An authgate API server runs on a loopback port (in this process, over its own
SQLite file); the demo runs with ``AUTHGATE_API_URL`` pointing at it, so every
login, reload and logout crosses HTTP. Accounts are created on the API's
database; the demo's own database only holds its chat history.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from e2e_helpers import (
    WATCH_PASSWORD_INPUT,
    DemoServer,
    fill_login,
    heading,
    log_in,
    logged_in,
    settled,
    wait_for_cookie,
)
from playwright.sync_api import expect
from sqlalchemy import create_engine, inspect

from api_server import ApiServer
from authgate.streamlit import texts

pytestmark = pytest.mark.browser

PASSWORD = "remote-mode-2026"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(tmp_path_factory.mktemp("e2e-remote-api"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote_demo(api: ApiServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = DemoServer(
        tmp_path_factory.mktemp("e2e-remote-demo"), env={"AUTHGATE_API_URL": api.url}
    )
    server.start()
    yield server
    server.stop()


def new_user(api: ApiServer, *roles: str) -> str:
    name = f"remote{next(_numbers)}"
    api.add_user(name, PASSWORD, *roles)
    return name


def test_login_and_reload_stay_logged_in_without_the_form(
    api: ApiServer, remote_demo: DemoServer, context: Any
) -> None:
    name = new_user(api)
    page = context.new_page()
    log_in(page, remote_demo.url, name, PASSWORD, path="dashboard")
    heading(page, "Dashboard").wait_for()
    cookie = wait_for_cookie(context)
    assert cookie["httpOnly"] is True
    assert "." not in cookie["value"]  # the opaque session token, never a JWT
    context.add_init_script(WATCH_PASSWORD_INPUT)
    page.reload()
    heading(page, "Dashboard").wait_for()
    logged_in(page).wait_for()
    assert page.evaluate("location.pathname") == "/dashboard"
    assert page.evaluate("window.__authgateSawPassword") is False
    user = api.service.accounts.find_user(name)
    assert user is not None and len(api.service.sessions.list_for(user.id)) == 1


def test_logout_ends_the_session_on_the_api(
    api: ApiServer, remote_demo: DemoServer, context: Any
) -> None:
    name = new_user(api)
    page = context.new_page()
    log_in(page, remote_demo.url, name, PASSWORD)
    logged_in(page).click()
    page.get_by_text(texts.LOGGED_OUT).wait_for()
    wait_for_cookie(context, present=False)
    user = api.service.accounts.find_user(name)
    assert user is not None and api.service.sessions.list_for(user.id) == []
    page.goto(f"{remote_demo.url}/dashboard")
    page.get_by_text(texts.LOGIN_REQUIRED).wait_for()
    expect(logged_in(page)).to_have_count(0)


def test_role_gated_page_by_url(
    api: ApiServer, remote_demo: DemoServer, browser: Any, context: Any
) -> None:
    plain = new_user(api)
    page = context.new_page()
    log_in(page, remote_demo.url, plain, PASSWORD)
    assert page.get_by_role("link", name="Admin").count() == 0
    page.goto(f"{remote_demo.url}/admin")
    page.get_by_text(texts.FORBIDDEN).wait_for()
    settled(page)
    assert page.get_by_text(texts.ADMIN_USERS_HEADER, exact=True).count() == 0

    admin = new_user(api, "user", "admin")
    admin_context = browser.new_context()
    try:
        tab = admin_context.new_page()
        log_in(tab, remote_demo.url, admin, PASSWORD, path="admin")
        tab.get_by_text(texts.ADMIN_USERS_HEADER, exact=True).wait_for()
        tab.get_by_role("link", name="Admin").wait_for()
        settled(tab)
        assert tab.get_by_text(texts.UNAVAILABLE_TITLE).count() == 0
    finally:
        admin_context.close()


def test_chat_works_with_the_demos_own_database(
    api: ApiServer, remote_demo: DemoServer, context: Any
) -> None:
    name = new_user(api)
    page = context.new_page()
    log_in(page, remote_demo.url, name, PASSWORD)
    page.goto(f"{remote_demo.url}/chat")  # public: log in first, then chat as the user
    heading(page, "Chat").wait_for()
    page.get_by_placeholder("Say something").fill("a note kept in remote mode")
    page.get_by_placeholder("Say something").press("Enter")
    page.get_by_text("You said: a note kept in remote mode").wait_for()
    engine = create_engine(f"sqlite:///{remote_demo.database}")
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == {"demo_chat"}  # the demo's data only: no authgate tables


def test_a_visitor_who_logs_in_is_handed_to_the_hook_on_the_api_side(
    api: ApiServer, remote_demo: DemoServer, context: Any
) -> None:
    handed: list[tuple[str, int]] = []
    api.service.visitors.handoff = lambda visitor_id, user_id: handed.append((visitor_id, user_id))
    try:
        name = new_user(api)
        page = context.new_page()
        page.goto(f"{remote_demo.url}/chat")
        heading(page, "Chat").wait_for()
        box = page.get_by_placeholder("Say something")
        box.fill("a remote visitor's note")
        box.press("Enter")
        page.get_by_text("You said: a remote visitor's note").wait_for()
        cookie = wait_for_cookie(context, name="authgate_visitor")
        assert cookie["httpOnly"] is True
        visitor = api.service.visitors.resolve(cookie["value"])  # started through the API
        assert visitor is not None
        page.get_by_role("link", name=texts.LOGIN_TITLE).first.click()
        page.wait_for_function("location.pathname === '/login'")
        settled(page)
        fill_login(page, name, PASSWORD)
        logged_in(page).wait_for()
        user = api.service.accounts.find_user(name)
        assert user is not None and handed == [(visitor.id, user.id)]
        wait_for_cookie(context, present=False, name="authgate_visitor")
        assert api.service.visitors.resolve(cookie["value"]) is None
    finally:
        api.service.visitors.handoff = None
