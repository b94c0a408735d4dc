"""Cross-site requests to the cookie routes (issue 10, item 10, and the probe's CSRF checks).

The routes sit outside Streamlit's XSRF protection, so their own checks are
the defence: an ``Origin`` with this very scheme and host, a JSON body (a
cross-site form cannot send one), and ``X-Forwarded-Host``/``-Proto`` believed
only from ``AUTHGATE_TRUSTED_PROXIES``. A refused request must leave the
ticket unspent and set no cookie.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from authgate.proxies import TrustedProxies
from authgate.root import Authgate
from authgate.streamlit.cookie_routes import build_cookie_routes
from authgate.streamlit.in_process import InProcessBackend

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"
SESSION = "/_authgate/session"


@pytest.fixture
def auth(service_factory: Callable[..., Authgate]) -> Authgate:
    auth = service_factory()
    auth.accounts.register("alice", PASSWORD)
    return auth


def _ticket(auth: Authgate) -> str:
    result = auth.logins.password("alice", PASSWORD)
    return auth.sessions.issue_cookie_ticket(result.session.id)


@pytest.fixture
def client_from(auth: Authgate) -> Iterator[Callable[..., TestClient]]:
    """A client of the routes, connecting from ``peer``, to ``base_url``."""
    opened: list[TestClient] = []

    def build(peer: str = "203.0.113.9", base_url: str = "http://app.example") -> TestClient:
        routes = build_cookie_routes(
            lambda: InProcessBackend(auth), proxies=TrustedProxies.of([PROXY])
        )
        client = TestClient(Starlette(routes=routes), base_url=base_url, client=(peer, 40000))
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.close()


@pytest.mark.parametrize(
    ("base_url", "headers"),
    [
        ("http://app.example", {}),  # no Origin: not a browser's fetch
        ("http://app.example", {"Origin": "null"}),  # sandboxed frame, file: page
        ("http://app.example", {"Origin": "http://evil.example"}),
        ("http://app.example", {"Origin": "http://app.example.evil.example"}),
        ("http://app.example", {"Origin": "http://app.example:8080"}),  # another port
        ("https://app.example", {"Origin": "http://app.example"}),  # plain http page, https app
        ("http://app.example", {"Origin": "https://app.example"}),
        ("http://app.example", {"Origin": "ftp://app.example"}),
        # forwarded headers from a peer that is not a trusted proxy are ignored
        (
            "http://app.example",
            {"Origin": "http://evil.example", "X-Forwarded-Host": "evil.example"},
        ),
        ("http://app.example", {"Origin": "https://app.example", "X-Forwarded-Proto": "https"}),
    ],
)
def test_cross_site_redeems_are_refused_and_leave_the_ticket_usable(
    auth: Authgate, client_from: Callable[..., TestClient], base_url: str, headers: dict[str, str]
) -> None:
    ticket = _ticket(auth)
    client = client_from(base_url=base_url)
    answer = client.post(SESSION, json={"ticket": ticket}, headers=headers)
    assert answer.status_code == 403 and answer.json()["error"] == "origin_mismatch"
    assert "set-cookie" not in answer.headers
    origin = base_url.replace(":443", "")
    assert client.post(SESSION, json={"ticket": ticket}, headers={"Origin": origin}).is_success


def test_a_cross_site_form_post_is_refused(
    auth: Authgate, client_from: Callable[..., TestClient]
) -> None:
    """A form can be same-origin-looking only through Origin; its body type is refused anyway."""
    answer = client_from().post(
        SESSION,
        content=f"ticket={_ticket(auth)}",
        headers={"Origin": "http://app.example", "Content-Type": "text/plain"},
    )
    assert answer.status_code == 415


@pytest.mark.parametrize(
    ("origin", "forwarded"),
    [
        (
            "https://public.example",
            {"X-Forwarded-Host": "public.example", "X-Forwarded-Proto": "https"},
        ),
        ("https://app.example", {"X-Forwarded-Proto": "https"}),
        ("http://public.example", {"X-Forwarded-Host": "public.example"}),
        (
            "https://public.example",
            {"X-Forwarded-Host": "public.example:443", "X-Forwarded-Proto": "https"},
        ),
    ],
)
def test_a_trusted_proxy_names_the_public_origin(
    auth: Authgate,
    client_from: Callable[..., TestClient],
    origin: str,
    forwarded: dict[str, str],
) -> None:
    client = client_from(peer=PROXY)
    answer = client.post(
        SESSION, json={"ticket": _ticket(auth)}, headers={"Origin": origin, **forwarded}
    )
    assert answer.status_code == 200, answer.text
    # ... and only that origin: the internal one no longer matches what the proxy says
    refused = client.post(
        SESSION,
        json={"ticket": _ticket(auth)},
        headers={"Origin": "http://evil.example", **forwarded},
    )
    assert refused.status_code == 403


def test_every_answer_carries_the_browser_headers(
    auth: Authgate, client_from: Callable[..., TestClient]
) -> None:
    client = client_from()
    refused = client.post(SESSION, json={"ticket": "x"}, headers={"Origin": "http://evil.example"})
    redeemed = client.post(
        SESSION, json={"ticket": _ticket(auth)}, headers={"Origin": "http://app.example"}
    )
    for answer in (refused, redeemed):
        assert answer.headers["x-frame-options"] == "SAMEORIGIN"
        assert answer.headers["content-security-policy"] == "frame-ancestors 'self'"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
        assert answer.headers["cache-control"] == "no-store"
