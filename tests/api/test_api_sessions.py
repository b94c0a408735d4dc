"""The caller's own sessions over HTTP."""

from __future__ import annotations

from api_support import PASSWORD, PREFIX, assert_error, bearer, login
from fastapi.testclient import TestClient

from authgate.root import Authgate


def test_list_sessions_marks_the_current_one(client: TestClient, alice: int) -> None:
    first, second = login(client), login(client)
    response = client.get(f"{PREFIX}/sessions", headers=bearer(second["access_token"]))
    assert response.status_code == 200
    sessions = response.json()
    assert len(sessions) == 2
    assert [s["current"] for s in sessions].count(True) == 1
    current = next(s for s in sessions if s["current"])
    me = client.post(f"{PREFIX}/verify", json={"token": second["access_token"]}).json()
    assert current["id"] == me["claims"]["sid"]
    assert first["access_token"] != second["access_token"]


def test_sessions_include_browser_sessions(
    client: TestClient, service: Authgate, alice: int
) -> None:
    service.logins.password("alice", PASSWORD, user_agent="Firefox")
    pair = login(client)
    agents = {
        s["user_agent"]
        for s in client.get(f"{PREFIX}/sessions", headers=bearer(pair["access_token"])).json()
    }
    assert "Firefox" in agents


def test_delete_own_session_ends_it(client: TestClient, alice: int) -> None:
    keep, drop = login(client), login(client)
    sid = client.post(f"{PREFIX}/verify", json={"token": drop["access_token"]}).json()
    response = client.delete(
        f"{PREFIX}/sessions/{sid['claims']['sid']}", headers=bearer(keep["access_token"])
    )
    assert response.status_code == 204
    assert client.get(f"{PREFIX}/me", headers=bearer(drop["access_token"])).status_code == 401
    again = client.delete(
        f"{PREFIX}/sessions/{sid['claims']['sid']}", headers=bearer(keep["access_token"])
    )
    assert_error(again, 404, "session_not_found")


def test_cannot_delete_another_users_session(
    client: TestClient, service: Authgate, alice: int
) -> None:
    service.accounts.register("mallory", PASSWORD)
    victim = service.logins.password("alice", PASSWORD)
    attacker = login(client, "mallory")
    response = client.delete(
        f"{PREFIX}/sessions/{victim.session.id}", headers=bearer(attacker["access_token"])
    )
    assert_error(response, 404, "session_not_found")
    assert service.sessions.validate_id(victim.session.id).user.id == alice


def test_sessions_need_a_token(client: TestClient) -> None:
    assert_error(client.get(f"{PREFIX}/sessions"), 401, "not_authenticated")
    assert_error(client.delete(f"{PREFIX}/sessions/abc"), 401, "not_authenticated")


def test_overlong_session_id_is_422(client: TestClient, alice: int) -> None:
    auth = bearer(login(client)["access_token"])
    assert_error(client.delete(f"{PREFIX}/sessions/{'a' * 65}", headers=auth), 422, "invalid_input")
