"""The admin API: only admins get in, and every action's audit row names the admin."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from api_support import PASSWORD, PREFIX, assert_error, bearer, login
from fastapi.testclient import TestClient

from authgate.core.clock import FrozenClock
from authgate.root import Authgate

ADMIN = f"{PREFIX}/admin"
TEMP_PASSWORD = "temporary passphrase 31"


@pytest.fixture
def root(service: Authgate) -> int:
    user = service.accounts.register("root", PASSWORD, email="root@example.com")
    service.accounts.set_roles(user.id, ["user", "admin"])
    return user.id


@pytest.fixture
def admin(client: TestClient, root: int) -> dict[str, str]:
    return bearer(login(client, "root")["access_token"])


def names(response: Any) -> list[str]:
    return [user["username"] for user in response.json()]


def audit(client: TestClient, headers: dict[str, str], **filters: Any) -> list[dict[str, Any]]:
    response = client.get(f"{ADMIN}/audit", params=filters, headers=headers)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


ADMIN_ROUTES = [
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("GET", "/admin/users/1"),
    ("PATCH", "/admin/users/1"),
    ("POST", "/admin/users/1/disable"),
    ("POST", "/admin/users/1/enable"),
    ("POST", "/admin/users/1/unlock"),
    ("POST", "/admin/users/1/reset-mfa"),
    ("POST", "/admin/users/1/verify-email"),
    ("POST", "/admin/users/1/set-password"),
    ("DELETE", "/admin/users/1"),
    ("DELETE", "/admin/users/1/sessions"),
    ("GET", "/admin/sessions"),
    ("DELETE", "/admin/sessions/abc"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit/export"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_non_admins_get_403_and_anonymous_401(
    client: TestClient, alice: int, method: str, path: str
) -> None:
    body = {"username": "x", "password": TEMP_PASSWORD, "roles": ["user"]}
    headers = bearer(login(client)["access_token"])
    forbidden = client.request(method, f"{PREFIX}{path}", json=body, headers=headers)
    assert_error(forbidden, 403, "permission_denied")
    anonymous = client.request(method, f"{PREFIX}{path}", json=body)
    assert_error(anonymous, 401, "not_authenticated")


def test_create_a_user_with_roles_and_a_temporary_password(
    client: TestClient, admin: dict[str, str], root: int
) -> None:
    body = {"username": "bob", "password": TEMP_PASSWORD, "email": "bob@example.com"}
    created = client.post(
        f"{ADMIN}/users", json={**body, "roles": ["user", "editor"]}, headers=admin
    )
    assert created.status_code == 201, created.text
    user = created.json()
    assert user["roles"] == ["editor", "user"] and user["must_change_password"] is True
    assert user["failed_attempts"] == 0 and user["locked_until"] is None
    (row,) = audit(client, admin, event_type="user.registered", user_id=user["id"])
    assert row["actor_id"] == root
    taken = client.post(f"{ADMIN}/users", json=body, headers=admin)
    assert_error(taken, 409, "username_taken")
    weak = {"username": "carol", "password": "abc"}
    assert_error(client.post(f"{ADMIN}/users", json=weak, headers=admin), 422, "weak_password")
    bad_role = {"username": "carol", "password": TEMP_PASSWORD, "roles": ["Not A Role"]}
    assert_error(client.post(f"{ADMIN}/users", json=bad_role, headers=admin), 422, "invalid_role")


def test_list_users_searches_sorts_and_pages(
    client: TestClient, admin: dict[str, str], service: Authgate, clock: FrozenClock
) -> None:
    for name in ("dave", "erin", "frank"):
        clock.advance(seconds=1)
        service.accounts.register(name, PASSWORD, email=f"{name}@corp.example")
    every = client.get(f"{ADMIN}/users", headers=admin)
    assert names(every) == ["dave", "erin", "frank", "root"]
    found = client.get(f"{ADMIN}/users", params={"search": "corp"}, headers=admin)
    assert names(found) == ["dave", "erin", "frank"]
    newest = {"sort": "created_at", "order": "desc", "limit": 2}
    assert names(client.get(f"{ADMIN}/users", params=newest, headers=admin)) == ["frank", "erin"]
    page2 = client.get(f"{ADMIN}/users", params={**newest, "offset": 2}, headers=admin)
    assert names(page2) == ["dave", "root"]
    page = client.get(f"{ADMIN}/users", params={"limit": 1, "offset": 1}, headers=admin)
    assert names(page) == ["erin"]
    for bad in ({"sort": "password_hash"}, {"limit": 0}, {"offset": -1}, {"search": "x" * 101}):
        response = client.get(f"{ADMIN}/users", params=bad, headers=admin)
        assert_error(response, 422, "invalid_input")


@pytest.mark.parametrize(("user_id", "status"), [("0", 422), ("abc", 422), (str(2**70), 422)])
def test_bad_user_ids(client: TestClient, admin: dict[str, str], user_id: str, status: int) -> None:
    assert_error(client.get(f"{ADMIN}/users/{user_id}", headers=admin), status, "invalid_input")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("POST", "/disable"),
        ("POST", "/enable"),
        ("POST", "/unlock"),
        ("POST", "/reset-mfa"),
        ("POST", "/verify-email"),
        ("POST", "/set-password"),
        ("DELETE", ""),
        ("DELETE", "/sessions"),
    ],
)
def test_unknown_users_are_404(
    client: TestClient, admin: dict[str, str], method: str, path: str
) -> None:
    body = {"roles": ["user"], "password": TEMP_PASSWORD}
    response = client.request(method, f"{ADMIN}/users/999{path}", json=body, headers=admin)
    assert_error(response, 404, "user_not_found")


def test_roles_disable_enable_and_the_audit_names_the_admin(
    client: TestClient, admin: dict[str, str], root: int, alice: int
) -> None:
    alice_headers = bearer(login(client)["access_token"])
    patched = client.patch(
        f"{ADMIN}/users/{alice}", json={"roles": ["user", "editor"]}, headers=admin
    )
    assert patched.status_code == 200 and patched.json()["roles"] == ["editor", "user"]
    bad = client.patch(f"{ADMIN}/users/{alice}", json={"roles": "admin"}, headers=admin)
    assert_error(bad, 422, "invalid_input")

    disabled = client.post(f"{ADMIN}/users/{alice}/disable", headers=admin)
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False
    assert client.get(f"{PREFIX}/me", headers=alice_headers).status_code == 401
    assert client.post(f"{ADMIN}/users/{alice}/enable", headers=admin).json()["is_active"] is True

    verified = client.post(f"{ADMIN}/users/{alice}/verify-email", headers=admin)
    assert verified.json()["email_verified"] is True
    for event_type in ("user.roles_changed", "user.disabled", "user.enabled", "email.verified"):
        (row,) = audit(client, admin, event_type=event_type, user_id=alice)
        assert row["actor_id"] == root, event_type


def test_an_admin_cannot_lock_themselves_out(
    client: TestClient, admin: dict[str, str], root: int
) -> None:
    for response in (
        client.post(f"{ADMIN}/users/{root}/disable", headers=admin),
        client.delete(f"{ADMIN}/users/{root}", headers=admin),
        client.patch(f"{ADMIN}/users/{root}", json={"roles": ["user"]}, headers=admin),
    ):
        assert_error(response, 409, "self_lockout")
    kept = client.patch(f"{ADMIN}/users/{root}", json={"roles": ["admin", "ops"]}, headers=admin)
    assert kept.status_code == 200


def test_unlock_shows_and_clears_the_lockout(
    client: TestClient, admin: dict[str, str], root: int, alice: int
) -> None:
    for _ in range(5):
        client.post(f"{PREFIX}/login", json={"username": "alice", "password": "wrong"})
    locked = client.get(f"{ADMIN}/users/{alice}", headers=admin).json()
    assert locked["failed_attempts"] >= 5 and locked["locked_until"] is not None
    unlocked = client.post(f"{ADMIN}/users/{alice}/unlock", headers=admin).json()
    assert unlocked["failed_attempts"] == 0 and unlocked["locked_until"] is None
    assert login(client)["access_token"]
    (row,) = audit(client, admin, event_type="account.unlocked")
    assert row["actor_id"] == root


def test_reset_mfa_set_password_and_delete(
    client: TestClient, admin: dict[str, str], root: int, alice: int, service: Authgate
) -> None:
    service.accounts.set_roles(alice, ["user"])
    alice_tokens = login(client)
    reset = client.post(f"{ADMIN}/users/{alice}/reset-mfa", headers=admin)
    assert reset.status_code == 200 and reset.json()["mfa_enabled"] is False

    url = f"{ADMIN}/users/{alice}/set-password"
    assert_error(client.post(url, json={"password": "abc"}, headers=admin), 422, "weak_password")
    done = client.post(url, json={"password": TEMP_PASSWORD}, headers=admin)
    assert done.status_code == 200 and done.json()["sessions_ended"] == 1
    gone = client.get(f"{PREFIX}/me", headers=bearer(alice_tokens["access_token"]))
    assert gone.status_code == 401
    assert client.get(f"{ADMIN}/users/{alice}", headers=admin).json()["must_change_password"]

    assert client.delete(f"{ADMIN}/users/{alice}", headers=admin).status_code == 204
    assert_error(client.get(f"{ADMIN}/users/{alice}", headers=admin), 404, "user_not_found")
    for event_type in ("mfa.reset", "password.set", "user.deleted"):
        (row,) = audit(client, admin, event_type=event_type)
        assert row["actor_id"] == root and row["user_id"] == alice, event_type


def test_sessions_list_and_revoke(
    client: TestClient, admin: dict[str, str], root: int, alice: int
) -> None:
    first, second = login(client), login(client)
    listed = client.get(f"{ADMIN}/sessions", headers=admin)
    assert {s["username"] for s in listed.json()} == {"alice", "root"}
    mine = client.get(f"{ADMIN}/sessions", params={"user_id": alice}, headers=admin).json()
    assert len(mine) == 2 and {s["user_id"] for s in mine} == {alice}

    first_sid = mine[0]["id"]
    revoked = client.delete(f"{ADMIN}/sessions/{first_sid}", headers=admin)
    assert revoked.status_code == 204
    assert_error(
        client.delete(f"{ADMIN}/sessions/{first_sid}", headers=admin), 404, "session_not_found"
    )
    (row,) = audit(client, admin, event_type="session.revoked")
    assert row["actor_id"] == root

    ended = client.delete(f"{ADMIN}/users/{alice}/sessions", headers=admin)
    assert ended.json() == {"sessions_ended": 1}
    for tokens in (first, second):
        assert client.get(f"{PREFIX}/me", headers=bearer(tokens["access_token"])).status_code == 401
    (row,) = audit(client, admin, event_type="session.revoked_all")
    assert row["actor_id"] == root
    assert_error(client.delete(f"{ADMIN}/sessions/{'x' * 65}", headers=admin), 422, "invalid_input")


def test_audit_filters(
    client: TestClient, admin: dict[str, str], alice: int, clock: FrozenClock
) -> None:
    clock.advance(seconds=1)
    start = clock.now()
    client.post(f"{PREFIX}/login", json={"username": "alice", "password": "wrong"})
    clock.advance(minutes=5)
    login(client)
    failures = audit(client, admin, user_id=alice, outcome="failure")
    assert [r["event_type"] for r in failures] == ["login.failed"]
    window = audit(client, admin, event_type="login.succeeded", since=start.isoformat())
    assert [r["username"] for r in window] == ["alice"]  # root logged in before `start`
    naive = start.replace(tzinfo=None).isoformat()  # naive means UTC
    before = audit(client, admin, user_id=alice, until=naive)
    assert [r["event_type"] for r in before] == ["user.registered"]
    assert len(audit(client, admin, limit=1)) == 1
    for bad in (
        {"since": "yesterday"},
        {"since": "0001-01-01T00:00:00+05:00"},
        {"user_id": "me"},
        {"limit": 0},
        {"event_type": "x" * 65},
    ):
        response = client.get(f"{ADMIN}/audit", params=bad, headers=admin)
        assert_error(response, 422, "invalid_input")


def test_audit_csv_export_parses_and_defuses_formulas(
    client: TestClient, admin: dict[str, str], root: int, alice: int
) -> None:
    client.post(f"{PREFIX}/login", json={"username": "=HYPERLINK(1)", "password": "x"})
    client.post(f"{ADMIN}/users/{alice}/disable", headers=admin)
    response = client.get(f"{ADMIN}/audit/export", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0].keys() >= {"id", "occurred_at", "event_type", "actor_id", "detail"}
    disabled = next(r for r in rows if r["event_type"] == "user.disabled")
    assert disabled["actor_id"] == str(root) and disabled["user_id"] == str(alice)
    failed = next(r for r in rows if r["event_type"] == "login.failed")
    assert failed["username"].startswith("'=")
    only = client.get(
        f"{ADMIN}/audit/export", params={"event_type": "user.disabled"}, headers=admin
    )
    assert len(list(csv.DictReader(io.StringIO(only.text)))) == 1
