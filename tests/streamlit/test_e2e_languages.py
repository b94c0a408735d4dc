"""The demo in Chromium with a German and a Spanish browser: the built-in pages follow it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e_helpers import heading

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_in(browser: Any) -> Iterator[Any]:
    opened: list[Any] = []

    def open_context(locale: str) -> Any:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
        context.set_default_timeout(20_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


def test_a_wrong_password_on_the_german_login_page_reads_in_german(
    demo_server: Any, browser_in: Any
) -> None:
    page = browser_in("de-DE").new_page()
    page.goto(f"{demo_server.url}/login")
    heading(page, "Anmelden").wait_for()
    page.get_by_role("textbox", name="Benutzername", exact=True).fill("alice")
    page.get_by_role("textbox", name="Passwort", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_text("Benutzername oder Passwort ist falsch.").wait_for()


def test_a_spanish_browser_gets_the_spanish_register_page(
    demo_server: Any, browser_in: Any
) -> None:
    page = browser_in("es-MX").new_page()
    page.goto(f"{demo_server.url}/register")
    heading(page, "Registrarse").wait_for()
    page.get_by_role("button", name="Crear cuenta").wait_for()
