"""The demo in headless Chromium: logins that survive reloads and tabs, and stay in their browser.

One demo server per module; every test uses fresh browser contexts, and tests
that end sessions use accounts of their own.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from e2e_helpers import (
    COOKIE,
    WATCH_PASSWORD_INPUT,
    Runs,
    heading,
    log_in,
    logged_in,
    session_cookie,
    settled,
    wait_for_cookie,
)
from playwright.sync_api import expect

from authgate.streamlit import texts

pytestmark = pytest.mark.browser

ALICE = ("alice", "wonderland-2026")
ADMIN = ("admin", "gatekeeper-2026")
_numbers = itertools.count(1)


def new_user(server: Any, *roles: str) -> tuple[str, str]:
    """An account of this test's own (so ending its sessions disturbs no other test)."""
    name, password = f"user{next(_numbers)}", "fresh-account-2026"
    service = server.service()
    try:
        user = service.accounts.register(name, password)
        if roles:
            service.accounts.set_roles(user.id, roles)
    finally:
        service.close()
    return name, password


def test_reload_on_a_sub_page_stays_logged_in_without_the_form(
    demo_server: Any, context: Any
) -> None:
    page = context.new_page()
    log_in(page, demo_server.url, *ALICE, path="dashboard")
    heading(page, "Dashboard").wait_for()
    context.add_init_script(WATCH_PASSWORD_INPUT)
    page.reload()
    heading(page, "Dashboard").wait_for()
    logged_in(page).wait_for()
    assert page.evaluate("location.pathname") == "/dashboard"
    assert page.evaluate("window.__authgateSawPassword") is False


def test_new_tab_is_logged_in_and_another_browser_is_not(
    demo_server: Any, browser: Any, context: Any
) -> None:
    first = context.new_page()
    log_in(first, demo_server.url, *ALICE)
    context.add_init_script(WATCH_PASSWORD_INPUT)
    second = context.new_page()
    second.goto(f"{demo_server.url}/chat")
    heading(second, "Chat").wait_for()
    logged_in(second).wait_for()
    assert second.evaluate("window.__authgateSawPassword") is False

    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(f"{demo_server.url}/dashboard")
        stranger.get_by_text(texts.LOGIN_REQUIRED).wait_for()
        settled(stranger)
        assert stranger.get_by_role("heading", name="Dashboard", exact=True).count() == 0
        assert session_cookie(other) is None
    finally:
        other.close()


def test_cookie_is_httponly_lax_path_scoped_and_opaque(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    log_in(page, demo_server.url, *ALICE)
    cookie = wait_for_cookie(context)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http on loopback; "auto" turns it on under https
    assert cookie["path"] == "/"
    assert "alice" not in cookie["value"] and "." not in cookie["value"]
    assert len(cookie["value"]) >= 40
    assert COOKIE not in page.evaluate("document.cookie")


def test_logout_clears_the_cookie_and_other_tabs_follow(demo_server: Any, context: Any) -> None:
    name, password = new_user(demo_server)
    first = context.new_page()
    log_in(first, demo_server.url, name, password)
    second = context.new_page()
    second.goto(f"{demo_server.url}/dashboard")
    heading(second, "Dashboard").wait_for()
    settled(second)

    settled(first)
    logged_in(first).click()
    first.get_by_text(texts.LOGGED_OUT).wait_for()
    wait_for_cookie(context, present=False)

    second.get_by_role("link", name="Chat").click()
    second.get_by_text(texts.SESSION_ENDED).wait_for()
    expect(logged_in(second)).to_have_count(0)
    service = demo_server.service()
    try:
        user = service.accounts.find_user(name)
        assert user is not None and service.sessions.list_for(user.id) == []
    finally:
        service.close()


def test_log_out_other_sessions_ends_the_other_browser(
    demo_server: Any, browser: Any, context: Any
) -> None:
    name, password = new_user(demo_server)
    mine = context.new_page()
    log_in(mine, demo_server.url, name, password, path="account")
    other_context = browser.new_context()
    try:
        other = other_context.new_page()
        log_in(other, demo_server.url, name, password, path="dashboard")
        mine.reload()
        heading(mine, texts.ACCOUNT_TITLE).wait_for()
        mine.get_by_role("button", name=texts.LOG_OUT_OTHERS).click()
        mine.get_by_text("Logged out 1 other session(s).").wait_for()
        other.reload()
        other.get_by_role("textbox", name="Username", exact=True).wait_for()
        expect(logged_in(other)).to_have_count(0)
        mine.reload()
        heading(mine, texts.ACCOUNT_TITLE).wait_for()
    finally:
        other_context.close()


def test_role_gated_page_is_never_rendered_by_url(
    demo_server: Any, browser: Any, context: Any
) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/admin")
    page.get_by_text(texts.LOGIN_REQUIRED).wait_for()
    settled(page)
    assert page.get_by_text(texts.ADMIN_USERS_HEADER, exact=True).count() == 0

    log_in(page, demo_server.url, *ALICE)
    assert page.get_by_role("link", name="Admin").count() == 0
    page.goto(f"{demo_server.url}/admin")
    page.get_by_text(texts.FORBIDDEN).wait_for()
    settled(page)
    assert page.get_by_text(texts.ADMIN_USERS_HEADER, exact=True).count() == 0

    admin_context = browser.new_context()
    try:
        admin = admin_context.new_page()
        log_in(admin, demo_server.url, *ADMIN, path="admin")
        admin.get_by_text(texts.ADMIN_USERS_HEADER, exact=True).wait_for()
        admin.get_by_role("link", name="Admin").wait_for()
    finally:
        admin_context.close()


def test_login_returns_to_the_first_asked_page(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/dashboard")
    page.get_by_text(texts.LOGIN_REQUIRED).wait_for()
    page.get_by_role("link", name=texts.LOGIN_TITLE).first.click()
    # The stand-in at /dashboard has the same form: fill only once the Login page is drawn.
    page.wait_for_function("location.pathname === '/login'")
    settled(page)
    page.get_by_role("textbox", name="Username", exact=True).fill(ALICE[0])
    page.get_by_role("textbox", name="Password", exact=True).fill(ALICE[1])
    page.get_by_role("button", name=texts.LOG_IN, exact=True).click()
    heading(page, "Dashboard").wait_for()
    # Playwright's page.url can trail a history.pushState; ask the page itself.
    page.wait_for_function("location.pathname === '/dashboard'")


def test_wrong_password_is_a_message(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/login")
    page.get_by_role("textbox", name="Username", exact=True).fill("nobody")
    page.get_by_role("textbox", name="Password", exact=True).fill("whatever-it-is")
    page.get_by_role("button", name=texts.LOG_IN, exact=True).click()
    page.get_by_text("Incorrect username or password.").wait_for()
    assert page.get_by_text("Traceback").count() == 0
    # The typed name stays for another try; the password went with the form, once.
    username = page.get_by_role("textbox", name="Username", exact=True)
    password = page.get_by_role("textbox", name="Password", exact=True)
    assert username.input_value() == "nobody"
    assert password.input_value() == ""


def test_the_form_is_one_html_form_password_managers_can_read(
    demo_server: Any, context: Any
) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/login")
    form = page.locator("form.authgate-login")
    form.wait_for()
    assert form.locator('input[autocomplete="username"]').count() == 1
    assert form.locator('input[type="password"][autocomplete="current-password"]').count() == 1
    # The show-password toggle shows what was typed, and hides it again.
    field = page.get_by_role("textbox", name="Password", exact=True)
    field.fill("whatever-it-is")
    toggle = page.get_by_role("button", name=texts.SHOW_PASSWORD, exact=True)
    toggle.click()
    assert field.get_attribute("type") == "text"
    assert toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert field.get_attribute("type") == "password"
    # Enter in the password field sends the form, as the button does.
    page.get_by_role("textbox", name="Username", exact=True).fill("nobody")
    page.get_by_role("textbox", name="Password", exact=True).fill("whatever-it-is")
    page.get_by_role("textbox", name="Password", exact=True).press("Enter")
    page.get_by_text("Incorrect username or password.").wait_for()


def test_register_logs_the_new_user_in(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    runs = Runs(page)
    page.goto(f"{demo_server.url}/register")
    heading(page, texts.REGISTER_TITLE).wait_for()
    page.get_by_role("textbox", name=texts.USERNAME, exact=True).fill("newcomer")
    page.get_by_role("textbox", name=texts.EMAIL, exact=True).fill("newcomer@example.com")
    page.get_by_role("textbox", name=texts.DISPLAY_NAME, exact=True).fill("New Comer")
    page.get_by_role("textbox", name=texts.PASSWORD, exact=True).fill("a-long-and-fresh-passphrase")
    confirm = page.get_by_role("textbox", name=texts.CONFIRM_PASSWORD, exact=True)
    confirm.fill("a-long-and-fresh-passphrase")
    settled(page)
    runs.recording = True
    page.get_by_role("button", name=texts.CREATE_ACCOUNT).click()
    logged_in(page).wait_for()
    page.get_by_text("New Comer").first.wait_for()
    wait_for_cookie(context)
    settled(page)
    # Registered and logged in in the button's callback: the run the click
    # causes restarts on the landing page before its body, drawn once.
    recorded = runs.runs()
    assert [run for run in recorded if "delta" in run] == recorded[-1:], recorded
    assert recorded[-1][-1] == "finished:FINISHED_SUCCESSFULLY", recorded


def test_chat_history_belongs_to_its_user(demo_server: Any, browser: Any, context: Any) -> None:
    page = context.new_page()
    log_in(page, demo_server.url, *ALICE)
    page.goto(f"{demo_server.url}/chat")  # public: log in first, then chat as alice
    page.get_by_placeholder("Say something").fill("a note only alice may read")
    page.get_by_placeholder("Say something").press("Enter")
    page.get_by_text("You said: a note only alice may read").wait_for()
    page.reload()
    page.get_by_text("You said: a note only alice may read").wait_for()

    admin_context = browser.new_context()
    try:
        admin = admin_context.new_page()
        log_in(admin, demo_server.url, *ADMIN)
        admin.goto(f"{demo_server.url}/chat")
        heading(admin, "Chat").wait_for()
        settled(admin)
        assert admin.get_by_text("a note only alice may read").count() == 0
    finally:
        admin_context.close()
