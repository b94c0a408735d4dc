"""Passkeys in headless Chromium with its virtual authenticator (DevTools ``WebAuthn`` domain).

The demo is served at ``http://localhost:PORT``: WebAuthn needs a domain as
RP id (an IP address is refused), and ``localhost`` is a secure context over
plain http. Each page gets a CTAP2 virtual authenticator with resident keys
and user verification, so ``navigator.credentials`` works without a person.
The screenshots taken on the way illustrate docs/passkeys.md (refresh them
with ``AUTHGATE_DOCS_SCREENSHOTS=1``).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import DemoServer, Runs, fill_login, logged_in, settled, wait_for_cookie
from playwright.sync_api import expect

from authgate.streamlit import passkey_texts as t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to test-artifacts/; AUTHGATE_DOCS_SCREENSHOTS=1 refreshes docs/passkeys.md's.
SHOTS = (
    ROOT / "docs" / "images" / "passkeys"
    if os.environ.get("AUTHGATE_DOCS_SCREENSHOTS") == "1"
    else ROOT / "test-artifacts" / "passkeys"
)
PASSWORD = "passkey-demo-2026"
_numbers = itertools.count(1)


class LocalhostDemo(DemoServer):
    """The demo, reached as ``localhost`` (it still listens on 127.0.0.1)."""

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalhostDemo]:
    demo = LocalhostDemo(tmp_path_factory.mktemp("demo-passkeys"))
    demo.env["AUTHGATE_PUBLIC_URL"] = demo.url
    demo.start()
    yield demo
    demo.stop()


@contextmanager
def _other_browser(browser: Any, height: int = 800) -> Iterator[Any]:
    """A second, separate browser profile (no cookies, no passkeys of the first)."""
    other = browser.new_context(viewport={"width": 1280, "height": height})
    other.set_default_timeout(20_000)
    try:
        yield other
    finally:
        other.close()


def _authenticator(page: Any, *, verified: bool = True) -> tuple[Any, str]:
    """A CTAP2 platform authenticator with resident keys and user verification for ``page``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": verified,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, str(added["authenticatorId"])


def _credentials(cdp: Any, authenticator_id: str) -> list[dict[str, Any]]:
    answer = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    return list(answer["credentials"])


def _new_user(server: LocalhostDemo) -> str:
    name = f"pk{next(_numbers)}"
    service = _service(server)
    try:
        service.accounts.register(name, PASSWORD)
    finally:
        service.close()
    return name


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    settled(page)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _password_login(page: Any, server: LocalhostDemo, name: str) -> None:
    page.goto(f"{server.url}/login")
    fill_login(page, name, PASSWORD)
    logged_in(page).wait_for()
    wait_for_cookie(page.context)


def _add_passkey(page: Any, server: LocalhostDemo, label: str) -> None:
    page.goto(f"{server.url}/account")
    page.get_by_role("heading", name=t.PASSKEYS_HEADER).wait_for()
    page.get_by_role("textbox", name=t.PASSKEY_NAME).fill(label)
    page.get_by_role("button", name=t.PASSKEY_ADD).click()
    page.get_by_text(t.PASSKEY_ADDED.format(name=label)).wait_for()


def _user_with_passkey(server: LocalhostDemo, context: Any, label: str) -> tuple[str, Any]:
    """A new user, logged in with a password in a page with an authenticator, with a passkey."""
    name = _new_user(server)
    page = context.new_page()
    _authenticator(page)
    _password_login(page, server, name)
    _add_passkey(page, server, label)
    return name, page


def _log_out(page: Any) -> None:
    settled(page)
    logged_in(page).click()
    wait_for_cookie(page.context, present=False)


def _passkey_button(page: Any) -> Any:
    return page.get_by_role("button", name=t.PASSKEY_LOG_IN)


def test_add_a_passkey_then_log_in_with_it_and_no_password(
    server: LocalhostDemo, context: Any
) -> None:
    name = _new_user(server)
    page = context.new_page()
    cdp, authenticator = _authenticator(page)
    _password_login(page, server, name)
    _add_passkey(page, server, "Work laptop")
    (credential,) = _credentials(cdp, authenticator)
    assert credential["isResidentCredential"] is True and credential["rpId"] == "localhost"
    expect(page.get_by_text("Work laptop", exact=True)).to_have_count(1)
    _shot(page, "account-passkeys")

    _log_out(page)
    runs = Runs(page)
    page.goto(f"{server.url}/login")
    _passkey_button(page).wait_for()
    _shot(page, "login")
    runs.recording = True
    _passkey_button(page).click()
    logged_in(page).wait_for()
    wait_for_cookie(page.context)
    settled(page)
    # The click draws the ceremony; the login runs in its callback, before the
    # run the browser's answer causes: that run restarts on the landing page
    # before its body, which then draws once, logged in.
    recorded = runs.runs()
    bodies = [run for run in recorded if "delta" in run]
    assert len(bodies) == 2, recorded
    early = ["finished:FINISHED_EARLY_FOR_RERUN"]
    assert all(run in bodies or run == early for run in recorded), recorded
    _shot(page, "logged-in")
    assert _credentials(cdp, authenticator)[0]["signCount"] >= 1
    # The cookie carries the login: a reload stays logged in.
    page.reload()
    logged_in(page).wait_for()


def test_another_browser_without_the_passkey_cannot_log_in(
    server: LocalhostDemo, browser: Any
) -> None:
    with _other_browser(browser) as context:
        page = context.new_page()
        _authenticator(page)
        page.goto(f"{server.url}/login")
        _passkey_button(page).click()
        page.get_by_text(t.PASSKEY_CANCELLED).wait_for()
        _shot(page, "cancelled")
        expect(logged_in(page)).to_have_count(0)


def test_a_removed_passkey_no_longer_logs_in(server: LocalhostDemo, context: Any) -> None:
    name = _new_user(server)
    page = context.new_page()
    cdp, authenticator = _authenticator(page)
    _password_login(page, server, name)
    _add_passkey(page, server, "Old phone")
    page.get_by_role("button", name=t.PASSKEY_REMOVE, exact=True).click()
    page.get_by_text(t.PASSKEY_REMOVED.format(name="Old phone")).wait_for()
    page.get_by_text(t.PASSKEY_NONE).wait_for()
    _log_out(page)
    # The authenticator still holds the key; the server no longer knows it.
    assert len(_credentials(cdp, authenticator)) == 1
    page.goto(f"{server.url}/login")
    _passkey_button(page).click()
    page.get_by_text("The passkey was not accepted").wait_for()
    expect(logged_in(page)).to_have_count(0)


def test_without_user_verification_the_browser_refuses(server: LocalhostDemo, browser: Any) -> None:
    with _other_browser(browser) as context:
        name = _new_user(server)
        page = context.new_page()
        _authenticator(page, verified=False)
        _password_login(page, server, name)
        page.goto(f"{server.url}/account")
        page.get_by_role("textbox", name=t.PASSKEY_NAME).fill("No PIN")
        page.get_by_role("button", name=t.PASSKEY_ADD).click()
        page.get_by_text(t.PASSKEY_CANCELLED).wait_for()
        page.get_by_text(t.PASSKEY_NONE).wait_for()


def test_a_passkey_replaces_the_code_step_of_an_mfa_account(
    server: LocalhostDemo, context: Any
) -> None:
    import pyotp

    from authgate.streamlit import texts

    name = _new_user(server)
    service = _service(server)
    try:
        user = service.accounts.find_user(name)
        assert user is not None
        secret = service.mfa.begin_enrollment(user.id).secret
        service.mfa.confirm_enrollment(user.id, pyotp.TOTP(secret).now())
    finally:
        service.close()
    page = context.new_page()
    _authenticator(page)
    code_box = page.get_by_role("textbox", name=texts.MFA_CODE, exact=True)
    page.goto(f"{server.url}/login")
    fill_login(page, name, PASSWORD)
    code_box.fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name=texts.MFA_VERIFY, exact=True).click()
    logged_in(page).wait_for()
    wait_for_cookie(page.context)
    _add_passkey(page, server, "Security key")
    _log_out(page)
    # The password, then the passkey instead of a code.
    page.goto(f"{server.url}/login")
    fill_login(page, name, PASSWORD)
    code_box.wait_for()
    _shot(page, "second-step")
    page.get_by_role("button", name=t.PASSKEY_SECOND_STEP).click()
    logged_in(page).wait_for()
    _log_out(page)
    # A passkey alone is two factors: no code step at all.
    page.goto(f"{server.url}/login")
    _passkey_button(page).click()
    logged_in(page).wait_for()


def test_an_admin_sees_the_count_and_removes_a_lost_passkey(
    server: LocalhostDemo, context: Any, browser: Any
) -> None:
    from authgate.streamlit import texts

    name, page = _user_with_passkey(server, context, "Lost phone")

    with _other_browser(browser, height=1400) as admin_context:
        admin = admin_context.new_page()
        admin.goto(f"{server.url}/admin")
        fill_login(admin, "admin", "gatekeeper-2026")
        admin.get_by_text(texts.ADMIN_USERS_HEADER, exact=True).wait_for()
        admin.get_by_role("textbox", name=texts.ADMIN_SEARCH).fill(name)
        admin.get_by_role("textbox", name=texts.ADMIN_SEARCH).press("Enter")
        admin.get_by_text("Lost phone · Added").wait_for()
        _shot(admin, "admin")
        admin.get_by_role("button", name=t.PASSKEY_REMOVE, exact=True).click()
        admin.get_by_text(
            t.ADMIN_PASSKEY_REMOVED.format(name="Lost phone", username=name)
        ).wait_for()
    page.goto(f"{server.url}/account")
    page.get_by_text(t.PASSKEY_NONE).wait_for()


def _service(server: LocalhostDemo, **overrides: Any) -> Any:
    """A root on the demo's database with the demo's passkey settings (or ``overrides``)."""
    from authgate.config import AuthgateSettings
    from authgate.root import Authgate

    settings = AuthgateSettings(
        database_url=f"sqlite:///{server.database}",
        data_dir=server.workdir / "data",
        public_url=server.url,
        argon2_memory_cost=8192,
        argon2_time_cost=1,
        **overrides,
    )
    return Authgate.from_settings(settings)


def _browser_assertion(page: Any, options: str) -> dict[str, Any]:
    """Have the page's virtual authenticator answer ``options`` (WebAuthn JSON)."""
    answer: dict[str, Any] = page.evaluate(
        """async (options) => {
            const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(JSON.parse(options));
            return (await navigator.credentials.get({ publicKey })).toJSON();
        }""",
        options,
    )
    return answer


def test_replayed_expired_and_foreign_origin_answers_are_refused(
    server: LocalhostDemo, context: Any
) -> None:
    from sqlalchemy import update

    from authgate.core.login.passkey import passkey_credentials
    from authgate.errors import PasskeyRejected, TokenExpired, TokenReused
    from authgate.store.models import OneTimeToken

    name, page = _user_with_passkey(server, context, "Laptop")
    service = _service(server)
    foreign = _service(server, passkey_origins=["https://elsewhere.example"])
    try:
        issued = service.passkeys.login_options()
        answer = _browser_assertion(page, issued.options)
        credentials = passkey_credentials(issued.challenge_id, answer)
        assert service.logins.login("passkey", credentials).user.username == name
        with pytest.raises(TokenReused):
            service.logins.login("passkey", credentials)

        stale = service.passkeys.login_options()
        stale_answer = _browser_assertion(page, stale.options)
        with service.store.write() as repos:  # two minutes pass, in the database
            repos.db.execute(
                update(OneTimeToken)
                .where(OneTimeToken.purpose == "passkey_login")
                .values(expires_at=stale.expires_at.replace(year=2000))
            )
        with pytest.raises(TokenExpired):
            service.logins.login("passkey", passkey_credentials(stale.challenge_id, stale_answer))

        other = foreign.passkeys.login_options()
        signed_here = _browser_assertion(page, other.options)
        with pytest.raises(PasskeyRejected):
            foreign.logins.login("passkey", passkey_credentials(other.challenge_id, signed_here))
    finally:
        service.close()
        foreign.close()


def test_an_old_login_confirms_with_a_passkey_before_removing_one(
    server: LocalhostDemo, context: Any
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from authgate.store.models import Session

    _, page = _user_with_passkey(server, context, "Desktop")
    service = _service(server)
    try:
        with service.store.write() as repos:  # the login is eleven minutes old
            old = service.clock.now() - timedelta(minutes=11)
            repos.db.execute(update(Session).values(created_at=old))
    finally:
        service.close()
    page.reload()
    page.get_by_role("button", name=t.PASSKEY_REMOVE, exact=True).click()
    page.get_by_text(t.REAUTH_INTRO).wait_for()
    _shot(page, "confirm")
    page.get_by_role("button", name=t.REAUTH_WITH_PASSKEY).click()
    page.get_by_text(t.REAUTH_DONE).wait_for()
    page.get_by_role("button", name=t.PASSKEY_REMOVE, exact=True).click()
    page.get_by_text(t.PASSKEY_REMOVED.format(name="Desktop")).wait_for()
