"""Account administration: profile, password changes, roles, state, deletion."""

from __future__ import annotations

import pytest

from authgate.core.errors import (
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidInput,
    InvalidRole,
    NotAuthenticated,
    UserNotFound,
    WeakPassword,
)
from authgate.core.service import AuthService

GOOD = "correct horse battery"
NEW = "purple monkey dishwasher"


@pytest.fixture
def alice(service: AuthService) -> int:
    return service.register("alice", GOOD, email="alice@example.com").id


def test_change_password_keeps_current_session_only(service: AuthService, alice: int) -> None:
    current, other = service.login("alice", GOOD), service.login("alice", GOOD)
    ended = service.change_password(alice, GOOD, NEW, keep_session_id=current.session.id)
    assert ended == 1
    service.validate_session(current.token)
    with pytest.raises(NotAuthenticated):
        service.validate_session(other.token)
    with pytest.raises(InvalidCredentials):
        service.login("alice", GOOD)
    assert service.login("alice", NEW).user.id == alice
    (event,) = service.list_audit_events(event_type="password.changed")
    assert event.detail == {"sessions_ended": 1}


def test_change_password_needs_the_current_one(service: AuthService, alice: int) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            service.change_password(alice, "wrong password!", NEW)
    with pytest.raises(AccountLocked):  # guessing through this form is throttled too
        service.change_password(alice, GOOD, NEW)


def test_change_password_applies_the_policy(service: AuthService, alice: int) -> None:
    with pytest.raises(WeakPassword) as caught:
        service.change_password(alice, GOOD, "alice123")
    assert "password_contains_username" in caught.value.codes
    with pytest.raises(InvalidInput):
        service.change_password(alice, GOOD, None)  # type: ignore[arg-type]


def test_admin_set_password_ends_every_session(service: AuthService, alice: int) -> None:
    token = service.login("alice", GOOD).token
    assert service.set_password(alice, NEW, actor_id=99, must_change=True) == 1
    with pytest.raises(NotAuthenticated):
        service.validate_session(token)
    user = service.login("alice", NEW).user
    assert user.must_change_password
    (event,) = service.list_audit_events(event_type="password.set")
    assert event.actor_id == 99 and event.detail["must_change"] is True


def test_update_profile(service: AuthService, alice: int) -> None:
    service.register("bob", GOOD, email="bob@example.com")
    user = service.update_profile(alice, display_name="Alice Liddell", email="ALICE@wonder.land")
    assert (user.display_name, user.email) == ("Alice Liddell", "ALICE@wonder.land")
    assert service.login("alice@wonder.land", GOOD).user.id == alice
    with pytest.raises(EmailTaken):
        service.update_profile(alice, email="Bob@Example.com")
    with pytest.raises(InvalidEmail):
        service.update_profile(alice, email="nope")
    with pytest.raises(InvalidInput):
        service.update_profile(alice, display_name="x" * 129)
    assert service.update_profile(alice, email=None).email is None
    (first, *_rest) = service.list_audit_events(event_type="user.profile_updated")
    assert first.detail == {"changed": ["email"]}
    with pytest.raises(UserNotFound):
        service.update_profile(12345, display_name="ghost")


def test_roles(service: AuthService, alice: int) -> None:
    version = service.state_version
    user = service.set_roles(alice, ["admin", "Analyst", "admin"], actor_id=7)
    assert user.roles == frozenset({"admin", "analyst"}) and user.is_admin
    assert service.state_version > version
    assert service.set_roles(alice, []).roles == frozenset()
    with pytest.raises(InvalidRole):
        service.set_roles(alice, ["no spaces"])
    first = service.list_audit_events(event_type="user.roles_changed")[-1]
    assert first.actor_id == 7
    assert first.detail == {"old_roles": ["user"], "new_roles": ["admin", "analyst"]}


def test_unlock(service: AuthService, alice: int) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            service.login("alice", "wrong password!")
    assert service.lockout_status(alice).failures == 5
    with pytest.raises(AccountLocked):
        service.login("alice", GOOD)
    service.unlock_user(alice, actor_id=1)
    assert service.login("alice", GOOD).user.id == alice
    assert service.list_audit_events(event_type="account.unlocked")[0].actor_id == 1


def test_delete_user_keeps_history(service: AuthService, alice: int) -> None:
    service.login("alice", GOOD)
    service.delete_user(alice, actor_id=3)
    assert service.get_user(alice) is None and service.count_users() == 0
    assert service.find_user("alice") is None
    history = service.list_audit_events(user_id=alice)
    assert [e.event_type for e in history][:1] == ["user.deleted"]
    assert len(history) >= 3
    with pytest.raises(UserNotFound):
        service.delete_user(alice)
    service.register("alice", GOOD)  # the name is free again


def test_list_users_search_and_paging(service: AuthService, alice: int) -> None:
    service.register("bob", GOOD, display_name="Robert Tables")
    service.register("carol_1", GOOD)
    assert [u.username for u in service.list_users()] == ["alice", "bob", "carol_1"]
    assert [u.username for u in service.list_users(search="TABLES")] == ["bob"]
    assert [u.username for u in service.list_users(search="EXAMPLE.com")] == ["alice"]
    assert [u.username for u in service.list_users(search="_")] == ["carol_1"]  # literal
    assert [u.username for u in service.list_users(search="%")] == []
    assert [u.username for u in service.list_users(limit=1, offset=1)] == ["bob"]
    assert service.list_users(search="\x00") == service.list_users()


def test_list_all_sessions_and_revoke_all(service: AuthService, alice: int) -> None:
    service.register("bob", GOOD)
    service.login("alice", GOOD)
    service.login("bob", GOOD)
    names = sorted(name for _, name in service.list_all_sessions())
    assert names == ["alice", "bob"]
    assert service.revoke_user_sessions(alice, actor_id=5) == 1
    assert [name for _, name in service.list_all_sessions()] == ["bob"]
    (event,) = service.list_audit_events(event_type="session.revoked_all")
    assert event.actor_id == 5 and event.detail["count"] == 1


def test_audit_filters(service: AuthService, alice: int, clock) -> None:  # type: ignore[no-untyped-def]
    start = clock.now()
    clock.advance(hours=1)
    service.login("alice", GOOD)
    with pytest.raises(InvalidCredentials):
        service.login("alice", "wrong password!")
    assert len(service.list_audit_events(outcome="failure")) == 1
    assert {e.event_type for e in service.list_audit_events(since=clock.now())} == {
        "login.succeeded",
        "login.failed",
    }
    assert [e.event_type for e in service.list_audit_events(until=clock.now())] == [
        "user.registered"
    ]
    assert service.list_audit_events(since=start, limit=1)[0].event_type == "login.failed"
