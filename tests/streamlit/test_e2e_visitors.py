"""The demo's public Chat in Chromium: a visitor's conversation follows it into its account.

A visitor chats without logging in (an anonymous visitor starts at the first
message, behind an HttpOnly cookie), registers, and finds the conversation in
the new account; another browser's anonymous chat never shows up in it.
"""

from __future__ import annotations

from typing import Any

import pytest
from e2e_helpers import heading, logged_in, session_cookie, settled, wait_for_cookie

from authgate.streamlit import texts

pytestmark = pytest.mark.browser

VISITOR_COOKIE = "authgate_visitor"
PASSPHRASE = "a-long-and-fresh-passphrase"


def visitor_cookie(context: Any) -> dict[str, Any] | None:
    return session_cookie(context, VISITOR_COOKIE)


def say(page: Any, text: str) -> None:
    box = page.get_by_placeholder("Say something")
    box.fill(text)
    box.press("Enter")
    page.get_by_text(f"You said: {text}").wait_for()


def register(page: Any, base_url: str, username: str) -> None:
    page.get_by_role("link", name=texts.REGISTER_TITLE).first.click()
    heading(page, texts.REGISTER_TITLE).wait_for()
    page.get_by_role("textbox", name=texts.USERNAME, exact=True).fill(username)
    # One submission: Register is a form, so Enter in a field would send it early.
    page.get_by_role("textbox", name=texts.PASSWORD, exact=True).fill(PASSPHRASE)
    page.get_by_role("textbox", name=texts.CONFIRM_PASSWORD, exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name=texts.CREATE_ACCOUNT).click()
    logged_in(page).wait_for()
    wait_for_cookie(page.context)


def test_a_visitors_chat_follows_it_into_its_new_account(
    demo_server: Any, browser: Any, context: Any
) -> None:
    page = context.new_page()
    page.goto(f"{demo_server.url}/chat")
    heading(page, "Chat").wait_for()
    page.get_by_text("Register or log in to keep this conversation").wait_for()
    settled(page)
    assert visitor_cookie(context) is None  # a page view starts no visitor

    say(page, "a visitor's first words")
    cookie = wait_for_cookie(context, name=VISITOR_COOKIE)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"

    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(f"{demo_server.url}/chat")
        heading(stranger, "Chat").wait_for()
        settled(stranger)
        assert stranger.get_by_text("a visitor's first words").count() == 0
        say(stranger, "a stranger's secret")

        page.reload()  # the cookie brings the same visitor back
        page.get_by_text("You said: a visitor's first words").wait_for()
        register(page, demo_server.url, "chatty")
        page.get_by_role("link", name="Chat").click()
        heading(page, "Chat").wait_for()
        page.get_by_text("You said: a visitor's first words").wait_for()
        settled(page)
        assert page.get_by_text("a stranger's secret").count() == 0
        assert page.get_by_text("Register or log in to keep").count() == 0
        wait_for_cookie(context, present=False, name=VISITOR_COOKIE)

        stranger.reload()
        stranger.get_by_text("You said: a stranger's secret").wait_for()
        settled(stranger)
        assert stranger.get_by_text("a visitor's first words").count() == 0
    finally:
        other.close()
