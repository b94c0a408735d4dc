"""The cookie routes: ticket to HttpOnly cookie, single use, short life, same origin only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from authgate.root import Authgate
from authgate.streamlit.cookie_routes import SessionCookie, build_cookie_routes
from authgate.streamlit.in_process import InProcessBackend

ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture
def client(gate_service: Authgate) -> Iterator[TestClient]:
    backend = InProcessBackend(gate_service)
    app = Starlette(routes=build_cookie_routes(lambda: backend))
    with TestClient(app) as test_client:
        yield test_client


def _ticket(service: Authgate, *, remember: bool = False) -> tuple[str, str]:
    result = service.logins.password("alice", "wonderland-2026", remember=remember)
    return service.sessions.issue_cookie_ticket(result.session.id), result.token


def test_ticket_sets_an_httponly_lax_cookie_with_a_rotated_token(
    client: TestClient, gate_service: Authgate
) -> None:
    ticket, login_token = _ticket(gate_service)
    answer = client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN)
    assert answer.status_code == 200
    header = answer.headers["set-cookie"]
    assert header.startswith("authgate_session=")
    assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
    assert "Secure" not in header and "Max-Age" not in header
    token = answer.cookies["authgate_session"]
    assert token != login_token and ticket not in header
    assert gate_service.sessions.validate(token).user.username == "alice"
    assert answer.headers["cache-control"] == "no-store"


def test_remembered_session_gets_a_persistent_cookie(
    client: TestClient, gate_service: Authgate
) -> None:
    ticket, _ = _ticket(gate_service, remember=True)
    answer = client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN)
    assert "Max-Age=" in answer.headers["set-cookie"]


def test_ticket_is_single_use(client: TestClient, gate_service: Authgate) -> None:
    ticket, _ = _ticket(gate_service)
    assert client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN).is_success
    again = client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN)
    assert again.status_code == 400
    assert "set-cookie" not in again.headers


def test_ticket_expires_within_sixty_seconds(client: TestClient, gate_service: Authgate) -> None:
    ticket, _ = _ticket(gate_service)
    gate_service.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    answer = client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN)
    assert answer.status_code == 400
    assert answer.json()["error"] in {"token_expired", "invalid_token"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil"},
    ],
)
def test_cross_origin_or_missing_origin_is_refused(
    client: TestClient, gate_service: Authgate, headers: dict[str, str]
) -> None:
    ticket, _ = _ticket(gate_service)
    answer = client.post("/_authgate/session", json={"ticket": ticket}, headers=headers)
    assert answer.status_code == 403
    assert "set-cookie" not in answer.headers
    # the refused ticket is still unused: the browser's own request can redeem it
    assert client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN).is_success


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"ticket=x", "application/x-www-form-urlencoded", 415),
        (b"not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"ticket": 5}', "application/json", 400),
        (b'{"ticket": "' + b"x" * 600 + b'"}', "application/json", 400),
        (b'{"ticket": "' + b"x" * 5000 + b'"}', "application/json", 413),
    ],
)
def test_bad_bodies_get_clear_errors(
    client: TestClient, body: bytes, content_type: str, status: int
) -> None:
    answer = client.post(
        "/_authgate/session", content=body, headers={**ORIGIN, "Content-Type": content_type}
    )
    assert answer.status_code == status
    assert answer.json()["ok"] is False and answer.json()["message"]


def test_logout_clears_a_dead_cookie(client: TestClient, gate_service: Authgate) -> None:
    ticket, _ = _ticket(gate_service)
    token = client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN).cookies[
        "authgate_session"
    ]
    gate_service.sessions.logout(token=token)
    client.cookies.set("authgate_session", token)
    answer = client.post("/_authgate/logout", json={}, headers=ORIGIN)
    assert answer.json() == {"ok": True, "cleared": True}
    assert "Max-Age=0" in answer.headers["set-cookie"]


def test_logout_keeps_a_cookie_of_a_newer_live_login(
    client: TestClient, gate_service: Authgate
) -> None:
    ticket, _ = _ticket(gate_service)
    client.post("/_authgate/session", json={"ticket": ticket}, headers=ORIGIN)
    answer = client.post("/_authgate/logout", json={}, headers=ORIGIN)
    assert answer.json() == {"ok": True, "cleared": False}
    assert "set-cookie" not in answer.headers


def test_logout_refuses_cross_origin(client: TestClient) -> None:
    answer = client.post("/_authgate/logout", json={}, headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403


def test_cookie_attributes_follow_the_base_path_and_https(gate_service: Authgate) -> None:
    routes = build_cookie_routes(lambda: InProcessBackend(gate_service), base_path="/app/")
    app = Starlette(routes=routes)
    with TestClient(app, base_url="https://testserver") as secure_client:
        ticket, _ = _ticket(gate_service)
        answer = secure_client.post(
            "/app/_authgate/session",
            json={"ticket": ticket},
            headers={"Origin": "https://testserver"},
        )
    header = answer.headers["set-cookie"]
    assert "Path=/app/" in header and "Secure" in header


def test_cookie_configuration_is_checked() -> None:
    with pytest.raises(ValueError):
        SessionCookie(name="bad name")
    with pytest.raises(ValueError):
        SessionCookie(path="relative")


# -- the anonymous visitor's cookie --------------------------------------------------


def test_a_visitor_ticket_sets_a_persistent_httponly_visitor_cookie(
    client: TestClient, gate_service: Authgate
) -> None:
    started = gate_service.visitors.start()
    ticket = gate_service.visitors.issue_cookie_ticket(started.token)
    answer = client.post("/_authgate/visitor", json={"ticket": ticket}, headers=ORIGIN)
    assert answer.status_code == 200, answer.text
    header = answer.headers["set-cookie"]
    assert header.startswith("authgate_visitor=") and "HttpOnly" in header
    assert "SameSite=lax" in header and "Max-Age=" in header
    assert header.startswith(f"authgate_visitor={started.token};")
    again = client.post("/_authgate/visitor", json={"ticket": ticket}, headers=ORIGIN)
    assert again.status_code == 400 and again.json()["error"] == "token_reused"


@pytest.mark.parametrize("body", [{}, {"ticket": ""}, {"ticket": 3}, {"ticket": "x" * 600}])
def test_the_visitor_route_refuses_bad_bodies_and_other_origins(
    client: TestClient, body: object
) -> None:
    assert client.post("/_authgate/visitor", json=body, headers=ORIGIN).status_code == 400
    foreign = {"Origin": "http://evil.example"}
    assert (
        client.post("/_authgate/visitor", json={"ticket": "t"}, headers=foreign).status_code == 403
    )


def test_a_session_redeem_that_ends_the_visitor_clears_its_cookie(
    client: TestClient, gate_service: Authgate
) -> None:
    ticket, _ = _ticket(gate_service)
    body = {"ticket": ticket, "end_visitor": "1"}
    answer = client.post("/_authgate/session", json=body, headers=ORIGIN)
    cookies = answer.headers.get_list("set-cookie")
    assert any(c.startswith("authgate_session=") for c in cookies)
    assert any(c.startswith("authgate_visitor=") and "Max-Age=0" in c for c in cookies)
    plain, _ = _ticket(gate_service)
    answer = client.post("/_authgate/session", json={"ticket": plain}, headers=ORIGIN)
    assert not any(c.startswith("authgate_visitor=") for c in answer.headers.get_list("set-cookie"))
