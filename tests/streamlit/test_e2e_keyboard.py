"""The built-in forms driven by the keyboard alone, in headless Chromium.

A keyboard user types into a field, presses Tab (which also stops on each
password field's show-password toggle) and sends the form with Enter. Every
value typed must arrive: the forms take their values when sent, not when a
field loses focus.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from e2e_helpers import heading, logged_in, wait_for_cookie
from playwright.sync_api import expect

from authgate.streamlit import texts

pytestmark = pytest.mark.browser

_numbers = itertools.count(1)


def _type_then_tab(page: Any, value: str, *, tabs: int = 1) -> None:
    page.keyboard.type(value)
    for _ in range(tabs):
        page.keyboard.press("Tab")


def _focused_label(page: Any) -> str:
    return str(page.evaluate("() => document.activeElement?.getAttribute('aria-label') || ''"))


def test_register_with_tab_and_enter(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/register")
    heading(page, texts.REGISTER_TITLE).wait_for()
    page.get_by_role("textbox", name=texts.USERNAME, exact=True).click()
    _type_then_tab(page, "keyboarder")
    assert _focused_label(page) == texts.EMAIL  # no help icon in between
    _type_then_tab(page, "keyboarder@example.com")
    _type_then_tab(page, "Kay Board")
    _type_then_tab(page, "typed-not-clicked-2026", tabs=2)  # past the show-password toggle
    assert _focused_label(page) == texts.CONFIRM_PASSWORD
    page.keyboard.type("typed-not-clicked-2026")
    page.keyboard.press("Enter")
    logged_in(page).wait_for()
    wait_for_cookie(context)
    assert page.get_by_text(texts.PASSWORDS_DIFFER).count() == 0
    page.get_by_text(texts.WELCOME.format(label="Kay Board")).wait_for()
    user = demo_server.service()
    try:
        found = user.accounts.find_user("keyboarder")
        assert found is not None and found.email == "keyboarder@example.com"
    finally:
        user.close()


def test_log_in_and_change_password_with_tab_and_enter(demo_server: Any, context: Any) -> None:
    name, password = f"keys{next(_numbers)}", "first-keyboard-2026"
    service = demo_server.service()
    try:
        service.accounts.register(name, password)
    finally:
        service.close()
    page = context.new_page()
    page.goto(f"{demo_server.url}/account")
    page.get_by_role("textbox", name=texts.USERNAME, exact=True).click()
    _type_then_tab(page, name)
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    logged_in(page).wait_for()
    heading(page, texts.ACCOUNT_TITLE).wait_for()

    page.get_by_role("textbox", name=texts.CURRENT_PASSWORD, exact=True).click()
    _type_then_tab(page, password, tabs=2)
    _type_then_tab(page, "second-keyboard-2026", tabs=2)
    page.keyboard.type("second-keyboard-2026")
    page.keyboard.press("Enter")
    page.get_by_text(texts.PASSWORD_CHANGED, exact=True).wait_for()
    assert page.get_by_text(texts.PASSWORDS_DIFFER).count() == 0
    expect(page.get_by_role("textbox", name=texts.NEW_PASSWORD, exact=True)).to_have_value("")
    service = demo_server.service()
    try:
        service.logins.password(name, "second-keyboard-2026")
    finally:
        service.close()


def test_admin_creates_a_user_with_enter(demo_server: Any, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/admin")
    page.get_by_role("textbox", name=texts.USERNAME, exact=True).click()
    _type_then_tab(page, "admin")
    page.keyboard.type("gatekeeper-2026")
    page.keyboard.press("Enter")
    heading(page, texts.ADMIN_TITLE).wait_for()
    page.get_by_test_id("stExpander").get_by_text(texts.ADMIN_CREATE_HEADER).first.click()
    page.get_by_role("textbox", name=texts.ADMIN_CREATE_USERNAME, exact=True).click()
    _type_then_tab(page, "made-by-keys")
    _type_then_tab(page, "")
    _type_then_tab(page, "Made By Keys")
    _type_then_tab(page, "")
    page.keyboard.type("temporary-keys-2026")
    page.keyboard.press("Enter")
    page.get_by_text(texts.ADMIN_CREATED.format(username="made-by-keys")).wait_for()
