"""Screenshots of the built-in pages, from the demo in headless Chromium.

By default they go to ``test-artifacts/`` (for looking at a failed run).
``scripts/screenshots.py`` runs this module with ``AUTHGATE_SCREENSHOT_DIR``
set to ``docs/images``, which refreshes the pictures in README.md and
docs/streamlit.md, so they show the pages as they are.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import heading, log_in, settled

from authgate.streamlit import texts

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SIZE = {"width": 1200, "height": 900}
TALL = {"width": 1200, "height": 1500}  # Streamlit scrolls inside the app, not the page


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("AUTHGATE_SCREENSHOT_DIR", ROOT / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shoot(page: Any, path: Path) -> None:
    settled(page)  # a screenshot mid-run shows loading skeletons
    page.mouse.move(0, 0)  # no hover highlight
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def test_login_register_and_forgot(demo_server: Any, context: Any, shots: Path) -> None:
    page = context.new_page()
    page.set_viewport_size(SIZE)
    for path, title, name in (
        ("login", texts.LOGIN_TITLE, "login.png"),
        ("register", texts.REGISTER_TITLE, "register.png"),
        ("forgot-password", texts.FORGOT_TITLE, "forgot-password.png"),
    ):
        page.goto(f"{demo_server.url}/{path}")
        heading(page, title).wait_for()
        _shoot(page, shots / name)


def test_account_with_mfa_set_up(demo_server: Any, context: Any, shots: Path) -> None:
    service = demo_server.service()
    try:
        user = service.accounts.register(
            "grace", "hopper-compiler-1952", display_name="Grace Hopper"
        )
        service.accounts.update_profile(
            user.id, display_name="Grace Hopper", email="grace@example.com"
        )
    finally:
        service.close()
    page = context.new_page()
    page.set_viewport_size(TALL)
    log_in(page, demo_server.url, "grace", "hopper-compiler-1952", path="account")
    heading(page, texts.ACCOUNT_TITLE).wait_for()
    page.get_by_role("button", name=texts.MFA_START).click()
    page.get_by_text(texts.MFA_SECRET_LABEL, exact=True).wait_for()
    page.locator('[data-testid="stImage"] img').first.wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    _shoot(page, shots / "account-mfa.png")


def test_admin(demo_server: Any, context: Any, shots: Path) -> None:
    page = context.new_page()
    page.set_viewport_size(TALL)
    log_in(page, demo_server.url, "admin", "gatekeeper-2026", path="admin")
    heading(page, texts.ADMIN_TITLE).wait_for()
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    _shoot(page, shots / "admin.png")
    page.get_by_role("tab", name=texts.ADMIN_TAB_AUDIT).click()
    page.get_by_text(texts.ADMIN_LOGINS_CHART).wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    _shoot(page, shots / "admin-audit.png")
