"""Sign in with an identity provider, end to end: Chromium, the demo and a real OpenID provider.

The provider is panva's oidc-provider on loopback (``tests/oidc_provider``);
the demo runs with it configured as ``corp`` (groups ``analysts`` map to the
``admin`` role, so the Admin page shows that roles arrived) and a second
provider ``backup`` whose address answers nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from e2e_helpers import DemoServer, heading, logged_in, session_cookie, wait_for_cookie

from api_server import free_port
from authgate.root import Authgate
from oidc_support import TestProvider

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CONTINUE = "Continue with Corp SSO"
CALLBACK_URLS = "**/_authgate/oidc/corp/callback*"


class OidcDemo:
    def __init__(self, server: DemoServer, provider: TestProvider) -> None:
        self.server = server
        self.provider = provider

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def oidc_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcDemo]:
    workdir = tmp_path_factory.mktemp("oidc-demo")
    server = DemoServer(workdir)
    provider = TestProvider(
        tmp_path_factory.mktemp("oidc-provider"),
        [f"{server.url}/_authgate/oidc/corp/callback"],
    )
    provider.start()
    down = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    providers = [
        provider.provider_settings(roles_claim="groups", role_map={"analysts": ["admin"]}),
        {
            "name": "backup",
            "label": "Backup SSO",
            "server_metadata_url": down,
            "client_id": "authgate-demo",
            "client_secret": "unused-secret-of-a-provider-that-is-down",
        },
    ]
    server.env.update(
        {
            "AUTHGATE_OIDC_PROVIDERS": json.dumps(providers),
            "AUTHGATE_PUBLIC_URL": server.url,
        }
    )
    server.start()
    yield OidcDemo(server, provider)
    server.stop()
    provider.stop()


def sign_in_at_provider(page: Any, login: str, password: str) -> None:
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def start(page: Any, demo: OidcDemo, path: str = "login") -> None:
    page.goto(f"{demo.url}/{path}")
    page.get_by_role("link", name=CONTINUE).click()
    page.get_by_label("Login").wait_for()


def held_callback(page: Any, demo: OidcDemo, login: str = "bob") -> str:
    """Sign in at the provider, but stop the browser at the callback: its URL, not delivered."""
    held: list[str] = []

    def keep(route: Any) -> None:
        held.append(route.request.url)
        route.abort()

    page.route(CALLBACK_URLS, keep)
    start(page, demo)
    sign_in_at_provider(page, login, f"provider-pass-{login}")
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.unroute(CALLBACK_URLS)
    assert held, "the provider never sent the browser back"
    return held[0]


def test_sign_in_with_the_provider_and_stay_signed_in(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    start(page, oidc_demo)
    sign_in_at_provider(page, "alice", "provider-pass-alice")
    logged_in(page).wait_for()
    cookie = wait_for_cookie(context)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert page.url.startswith(oidc_demo.url)
    # Roles from the groups claim arrived: analysts -> admin.
    page.get_by_role("link", name="Admin").wait_for()
    page.reload()
    logged_in(page).wait_for()
    auth = oidc_demo.server.service()
    try:
        [user] = [u for u in auth.accounts.list_users() if u.email == "alice@example.com"]
        assert "admin" in user.roles
        assert [i.provider for i in auth.identities.list_for(user.id)] == ["corp"]
    finally:
        auth.close()


def test_a_second_sign_in_reuses_the_account_and_lands_on_the_asked_page(
    oidc_demo: OidcDemo, browser: Any
) -> None:
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(20_000)
        start(page, oidc_demo, path="dashboard")
        sign_in_at_provider(page, "bob", "provider-pass-bob")
        logged_in(page).wait_for()
        page.wait_for_url(f"{oidc_demo.url}/dashboard")
        context.close()
    auth: Authgate = oidc_demo.server.service()
    try:
        bobs = [u for u in auth.accounts.list_users() if u.email == "bob@example.org"]
        assert len(bobs) == 1
        assert "admin" not in bobs[0].roles
    finally:
        auth.close()


def test_a_replayed_callback_is_refused(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    callback = held_callback(page, oidc_demo)
    page.goto(callback)
    logged_in(page).wait_for()
    logged_in(page).click()
    wait_for_cookie(context, present=False)
    page.goto(callback)  # the same state again, in the browser that started it
    page.get_by_text("expired or was already used").wait_for()
    assert session_cookie(context) is None


def test_a_callback_from_another_browser_is_refused(
    oidc_demo: OidcDemo, context: Any, browser: Any
) -> None:
    page = context.new_page()
    callback = held_callback(page, oidc_demo)
    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(callback)
        stranger.get_by_text("expired or was already used").wait_for()
        assert not any(c["name"] == "authgate_session" for c in other.cookies())
    finally:
        other.close()


def test_a_tampered_callback_is_refused(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    callback = held_callback(page, oidc_demo)
    page.goto(callback.replace("code=", "code=x"))
    page.get_by_text("could not be verified").wait_for()
    assert not any(c["name"] == "authgate_session" for c in context.cookies())


def test_cancelling_at_the_provider(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    start(page, oidc_demo)
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Sign-in with Corp SSO was cancelled.").wait_for()
    heading(page, "Log in").wait_for()


def test_a_provider_that_is_down(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{oidc_demo.url}/login")
    page.get_by_role("link", name="Continue with Backup SSO").click()
    page.get_by_text("Could not reach Backup SSO. Please try again.").wait_for()


def test_a_provider_that_stops_during_the_sign_in(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    callback = held_callback(page, oidc_demo)
    oidc_demo.provider.stop()
    try:
        page.goto(callback)
        page.get_by_text("Could not reach Corp SSO. Please try again.").wait_for()
    finally:
        oidc_demo.provider.start()


def fill_password_login(page: Any, username: str, password: str) -> None:
    page.get_by_role("textbox", name="Username", exact=True).fill(username)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_local_account_with_the_email_is_linked_only_after_its_password(
    oidc_demo: OidcDemo, context: Any
) -> None:
    auth = oidc_demo.server.service()
    try:
        local = auth.accounts.register(
            "strong-local", "a long local passphrase", email="strong@example.com"
        )
    finally:
        auth.close()
    page = context.new_page()
    start(page, oidc_demo)
    sign_in_at_provider(page, "strong", "provider-pass-strong")
    page.get_by_text("Log in to it once with its password to link Corp SSO").wait_for()
    assert session_cookie(context) is None
    fill_password_login(page, "strong-local", "a long local passphrase")
    logged_in(page).wait_for()
    page.get_by_text("Corp SSO is now linked to your account.").wait_for()
    auth = oidc_demo.server.service()
    try:
        assert [i.subject for i in auth.identities.list_for(local.id)] == ["strong"]
    finally:
        auth.close()
    # From now on the provider alone logs in to that account (its own session
    # there is still open, so it does not ask again).
    logged_in(page).click()
    wait_for_cookie(context, present=False)
    page.goto(f"{oidc_demo.url}/login")
    page.get_by_role("link", name=CONTINUE).click()
    logged_in(page).wait_for()
    page.goto(f"{oidc_demo.url}/account")
    page.get_by_text("strong@example.com").first.wait_for()


def test_local_mfa_is_asked_after_the_provider(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    start(page, oidc_demo)
    sign_in_at_provider(page, "mallory", "provider-pass-mallory")
    logged_in(page).wait_for()
    auth = oidc_demo.server.service()
    try:
        [user] = [u for u in auth.accounts.list_users() if u.username == "mallory"]
        secret = auth.mfa.begin_enrollment(user.id).secret
        auth.mfa.confirm_enrollment(user.id, pyotp.TOTP(secret).now())
    finally:
        auth.close()
    logged_in(page).click()
    wait_for_cookie(context, present=False)
    page.goto(f"{oidc_demo.url}/login")
    page.get_by_role("link", name=CONTINUE).click()  # the provider's session is still open
    page.get_by_role("textbox", name="Authentication code").wait_for()
    assert session_cookie(context) is None
    # The next time step: the one used to switch MFA on cannot be replayed.
    code = pyotp.TOTP(secret).at(time.time() + 30)
    page.get_by_role("textbox", name="Authentication code").fill(code)
    page.get_by_role("button", name="Verify").click()
    logged_in(page).wait_for()
    wait_for_cookie(context)


def test_link_and_unlink_on_the_account_page(oidc_demo: OidcDemo, context: Any) -> None:
    auth = oidc_demo.server.service()
    try:
        auth.accounts.register("carol", "wide-ocean-lantern-2026")
    finally:
        auth.close()
    page = context.new_page()
    page.goto(f"{oidc_demo.url}/login")
    fill_password_login(page, "carol", "wide-ocean-lantern-2026")
    logged_in(page).wait_for()
    wait_for_cookie(context, present=True)  # a new page load needs the session cookie
    page.goto(f"{oidc_demo.url}/account")
    page.get_by_role("link", name="Link Corp SSO").click()
    sign_in_at_provider(page, "dave", "provider-pass-dave")
    page.get_by_text("Corp SSO is now linked to your account.").wait_for()
    page.get_by_text("dave@example.net").wait_for()
    page.get_by_role("button", name="Unlink").click()
    page.get_by_text("Corp SSO was unlinked.").wait_for()
    page.get_by_role("link", name="Link Corp SSO").wait_for()


def test_the_last_way_in_cannot_be_unlinked(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    start(page, oidc_demo)
    sign_in_at_provider(page, "dave", "provider-pass-dave")
    logged_in(page).wait_for()
    page.goto(f"{oidc_demo.url}/account")
    page.get_by_role("button", name="Unlink").click()
    page.get_by_text("This is the only way to log in to this account").wait_for()


def test_the_admin_sees_identities_and_the_redirect_uri(oidc_demo: OidcDemo, context: Any) -> None:
    page = context.new_page()
    page.goto(f"{oidc_demo.url}/login")
    fill_password_login(page, "admin", "gatekeeper-2026")
    logged_in(page).wait_for()
    wait_for_cookie(context, present=True)  # a new page load needs the session cookie
    page.goto(f"{oidc_demo.url}/admin")
    page.get_by_text(f"{oidc_demo.url}/_authgate/oidc/corp/callback").first.wait_for()
