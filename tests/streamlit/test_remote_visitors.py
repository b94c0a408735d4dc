"""Visitors in remote mode: ``RemoteBackend`` against a real API server, the hook API-side."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from api_server import ApiServer
from authgate import errors as e
from authgate.streamlit.remote_backend import RemoteBackend

PASSWORD = "correct horse battery staple"


class Handoffs:
    """The API process's hook: what it was handed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, visitor_id: str, user_id: int) -> None:
        self.calls.append((visitor_id, user_id))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    server = ApiServer(tmp_path_factory.mktemp("remote-visitors"), visitor_rate_limit=3)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def handoffs(api: ApiServer) -> Handoffs:
    hook = Handoffs()
    api.service.visitors.handoff = hook
    return hook


@pytest.fixture
def backend(api: ApiServer) -> Iterator[RemoteBackend]:
    client = httpx.Client(timeout=5)
    remote = RemoteBackend(api.url, client=client)
    yield remote
    client.close()


@pytest.fixture(autouse=True)
def fresh_rate_limit(api: ApiServer) -> None:
    """Each test starts with the loopback client's visitor counter at zero."""
    visitors = api.service.visitors
    if visitors.throttle is not None:
        visitors.throttle.reset("visitor:127.0.0.1")


def test_a_visitor_started_remotely_resolves_and_gets_its_cookie_token(
    backend: RemoteBackend,
) -> None:
    started = backend.start_visitor()
    assert len(started.visitor.id) == 32
    found = backend.resolve_visitor(started.token)
    assert found is not None and found.id == started.visitor.id
    ticket = backend.issue_visitor_ticket(started.token)
    redeemed = backend.redeem_visitor_ticket(ticket)
    assert redeemed.token == started.token and redeemed.visitor.id == started.visitor.id
    with pytest.raises(e.InvalidToken):
        backend.redeem_visitor_ticket(ticket)
    assert backend.resolve_visitor("nobody") is None
    assert backend.resolve_visitor("x" * 600) is None


def test_a_remote_login_hands_the_visitor_to_the_apps_hook_on_the_api_side(
    api: ApiServer, backend: RemoteBackend, handoffs: Handoffs
) -> None:
    user_id = api.add_user("remote-visitor", PASSWORD)
    started = backend.start_visitor()
    context = backend.login("remote-visitor", PASSWORD, visitor=started.token)
    assert context.user.id == user_id
    assert handoffs.calls == [(started.visitor.id, user_id)]
    assert backend.resolve_visitor(started.token) is None


def test_too_many_visitors_from_one_client_is_refused(backend: RemoteBackend) -> None:
    for _ in range(3):
        backend.start_visitor()
    with pytest.raises(e.TooManyVisitors):
        backend.start_visitor()
