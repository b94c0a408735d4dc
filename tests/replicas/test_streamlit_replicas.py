"""Two Streamlit replicas of the demo on one database: a tab follows changes made elsewhere.

One browser profile holds one session cookie, sent to both replicas (cookies
ignore the port). A tab on replica S2 caches the session for its 5 s
interval; a logout on replica S1, a password change through an API replica
or ``authgate users disable`` from the command line must end it at S2's next
rerun within 1 s. Each test waits 0.3 s, then reruns the tabs and expects the
"logged out" message on that first rerun; the times printed are from the
change to the reruns and to the message.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from e2e_helpers import heading, log_in, logged_in, settled
from playwright.sync_api import expect
from replica_support import PASSWORD, PREFIX, bearer, cli, login

from authgate.root import Authgate
from authgate.streamlit import texts

pytestmark = [pytest.mark.serverdb, pytest.mark.slow, pytest.mark.browser]


def _user(arranger: Authgate) -> str:
    name = "u" + uuid.uuid4().hex[:10]
    arranger.accounts.register(name, PASSWORD)
    return name


def _tab_on(context: Any, base: str) -> Any:
    """A tab on ``base``, logged in by the profile's cookie, settled on the Dashboard."""
    page = context.new_page()
    page.goto(f"{base}/dashboard")
    heading(page, "Dashboard").wait_for()
    settled(page)
    return page


def _follow(pages: list[Any], changed_at: float, change: str) -> None:
    """Rerun every tab 0.3 s after the change; each one's first rerun must show the logout.

    Without the channel a tab keeps its cached user for 5 s, so a logout shown
    by a rerun started well inside that (1.5 s: the clicks themselves took up
    to 0.8 s on a loaded 2-core machine) can only have come through the channel.
    """
    time.sleep(max(0.0, changed_at + 0.3 - time.monotonic()))
    for page in pages:
        page.get_by_role("link", name="About").click(no_wait_after=True)
    started = time.monotonic() - changed_at
    assert started < 1.5, f"the reruns started {started:.2f} s after the change"
    for page in pages:
        page.get_by_text(texts.SESSION_ENDED).wait_for(timeout=5_000)
        expect(logged_in(page)).to_have_count(0)
    shown = time.monotonic() - changed_at
    print(
        f"{change}: reruns started {started * 1000:.0f} ms after it, "
        f"all {len(pages)} tab(s) logged out {shown * 1000:.0f} ms after it"
    )


def test_logout_on_one_replica_ends_the_tab_on_the_other(
    topology: Any, arranger: Authgate, context: Any
) -> None:
    s1, s2 = topology.streamlit_urls
    name = _user(arranger)
    first = context.new_page()
    log_in(first, s1, name, PASSWORD)
    second = _tab_on(context, s2)
    settled(first)
    logged_in(first).click()
    first.get_by_text(texts.LOGGED_OUT).wait_for()
    _follow([second], time.monotonic(), "logout on S1")


def test_password_change_through_the_api_ends_the_tab(
    topology: Any, arranger: Authgate, context: Any
) -> None:
    s1, s2 = topology.streamlit_urls
    name = _user(arranger)
    log_in(context.new_page(), s1, name, PASSWORD)
    second = _tab_on(context, s2)
    with httpx.Client(timeout=10) as client:
        api = topology.api_urls[0]
        pair = login(client, api, name)
        answer = client.post(
            f"{api}{PREFIX}/password",
            headers=bearer(pair["access_token"]),
            json={"current_password": PASSWORD, "new_password": "another long passphrase 2026"},
        )
        assert answer.status_code == 200, answer.text
    _follow([second], time.monotonic(), "password change on an API replica")


def test_cli_disable_ends_the_tab_on_every_replica(
    topology: Any, arranger: Authgate, context: Any
) -> None:
    name = _user(arranger)
    log_in(context.new_page(), topology.streamlit_urls[0], name, PASSWORD)
    tabs = [_tab_on(context, base) for base in topology.streamlit_urls]
    cli(topology.env, "users", "disable", name)
    _follow(tabs, time.monotonic(), "CLI users disable")
