"""Account administration: profile, password changes, roles, state, deletion."""

from __future__ import annotations

import pytest

from authgate.errors import (
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
from authgate.root import Authgate

GOOD = "correct horse battery"
NEW = "purple monkey dishwasher"


@pytest.fixture
def alice(service: Authgate) -> int:
    return service.accounts.register("alice", GOOD, email="alice@example.com").id


def test_change_password_keeps_current_session_only(service: Authgate, alice: int) -> None:
    current, other = service.logins.password("alice", GOOD), service.logins.password("alice", GOOD)
    ended = service.accounts.change_password(alice, GOOD, NEW, keep_session_id=current.session.id)
    assert ended == 1
    service.sessions.validate(current.token)
    with pytest.raises(NotAuthenticated):
        service.sessions.validate(other.token)
    with pytest.raises(InvalidCredentials):
        service.logins.password("alice", GOOD)
    assert service.logins.password("alice", NEW).user.id == alice
    (event,) = service.audit.list(event_type="password.changed")
    assert event.detail == {"sessions_ended": 1}


def test_change_password_needs_the_current_one(service: Authgate, alice: int) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            service.accounts.change_password(alice, "wrong password!", NEW)
    with pytest.raises(AccountLocked):  # guessing through this form is throttled too
        service.accounts.change_password(alice, GOOD, NEW)


def test_change_password_applies_the_policy(service: Authgate, alice: int) -> None:
    with pytest.raises(WeakPassword) as caught:
        service.accounts.change_password(alice, GOOD, "alice123")
    assert "password_contains_username" in caught.value.codes
    with pytest.raises(InvalidInput):
        service.accounts.change_password(alice, GOOD, None)  # type: ignore[arg-type]


def test_admin_set_password_ends_every_session(service: Authgate, alice: int) -> None:
    token = service.logins.password("alice", GOOD).token
    assert service.accounts.set_password(alice, NEW, actor_id=99, must_change=True) == 1
    with pytest.raises(NotAuthenticated):
        service.sessions.validate(token)
    user = service.logins.password("alice", NEW).user
    assert user.must_change_password
    (event,) = service.audit.list(event_type="password.set")
    assert event.actor_id == 99 and event.detail["must_change"] is True


def test_update_profile(service: Authgate, alice: int) -> None:
    service.accounts.register("bob", GOOD, email="bob@example.com")
    user = service.accounts.update_profile(
        alice, display_name="Alice Liddell", email="ALICE@wonder.land"
    )
    assert (user.display_name, user.email) == ("Alice Liddell", "ALICE@wonder.land")
    assert service.logins.password("alice@wonder.land", GOOD).user.id == alice
    with pytest.raises(EmailTaken):
        service.accounts.update_profile(alice, email="Bob@Example.com")
    with pytest.raises(InvalidEmail):
        service.accounts.update_profile(alice, email="nope")
    with pytest.raises(InvalidInput):
        service.accounts.update_profile(alice, display_name="x" * 129)
    assert service.accounts.update_profile(alice, email=None).email is None
    (first, *_rest) = service.audit.list(event_type="user.profile_updated")
    assert first.detail == {"changed": ["email"]}
    with pytest.raises(UserNotFound):
        service.accounts.update_profile(12345, display_name="ghost")


def test_roles(service: Authgate, alice: int) -> None:
    version = service.state_version
    user = service.accounts.set_roles(alice, ["admin", "Analyst", "admin"], actor_id=7)
    assert user.roles == frozenset({"admin", "analyst"}) and user.is_admin
    assert service.state_version > version
    assert service.accounts.set_roles(alice, []).roles == frozenset()
    with pytest.raises(InvalidRole):
        service.accounts.set_roles(alice, ["no spaces"])
    first = service.audit.list(event_type="user.roles_changed")[-1]
    assert first.actor_id == 7
    assert first.detail == {"old_roles": ["user"], "new_roles": ["admin", "analyst"]}


def test_unlock(service: Authgate, alice: int) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            service.logins.password("alice", "wrong password!")
    assert service.accounts.lockout_status(alice).failures == 5
    with pytest.raises(AccountLocked):
        service.logins.password("alice", GOOD)
    service.accounts.unlock_user(alice, actor_id=1)
    assert service.logins.password("alice", GOOD).user.id == alice
    assert service.audit.list(event_type="account.unlocked")[0].actor_id == 1


def test_delete_user_keeps_history(service: Authgate, alice: int) -> None:
    service.logins.password("alice", GOOD)
    service.accounts.delete_user(alice, actor_id=3)
    assert service.accounts.get_user(alice) is None and service.accounts.count_users() == 0
    assert service.accounts.find_user("alice") is None
    history = service.audit.list(user_id=alice)
    assert [e.event_type for e in history][:1] == ["user.deleted"]
    assert len(history) >= 3
    with pytest.raises(UserNotFound):
        service.accounts.delete_user(alice)
    service.accounts.register("alice", GOOD)  # the name is free again


def test_list_users_search_and_paging(service: Authgate, alice: int) -> None:
    service.accounts.register("bob", GOOD, display_name="Robert Tables")
    service.accounts.register("carol_1", GOOD)
    assert [u.username for u in service.accounts.list_users()] == ["alice", "bob", "carol_1"]
    assert [u.username for u in service.accounts.list_users(search="TABLES")] == ["bob"]
    assert [u.username for u in service.accounts.list_users(search="EXAMPLE.com")] == ["alice"]
    assert [u.username for u in service.accounts.list_users(search="_")] == ["carol_1"]  # literal
    assert [u.username for u in service.accounts.list_users(search="%")] == []
    assert [u.username for u in service.accounts.list_users(limit=1, offset=1)] == ["bob"]
    assert service.accounts.list_users(search="\x00") == service.accounts.list_users()


def test_list_all_sessions_and_revoke_all(service: Authgate, alice: int) -> None:
    service.accounts.register("bob", GOOD)
    service.logins.password("alice", GOOD)
    service.logins.password("bob", GOOD)
    names = sorted(name for _, name in service.sessions.list_all())
    assert names == ["alice", "bob"]
    assert service.sessions.revoke_all(alice, actor_id=5) == 1
    assert [name for _, name in service.sessions.list_all()] == ["bob"]
    (event,) = service.audit.list(event_type="session.revoked_all")
    assert event.actor_id == 5 and event.detail["count"] == 1


def test_audit_filters(service: Authgate, alice: int, clock) -> None:  # type: ignore[no-untyped-def]
    start = clock.now()
    clock.advance(hours=1)
    service.logins.password("alice", GOOD)
    with pytest.raises(InvalidCredentials):
        service.logins.password("alice", "wrong password!")
    assert len(service.audit.list(outcome="failure")) == 1
    assert {e.event_type for e in service.audit.list(since=clock.now())} == {
        "login.succeeded",
        "login.failed",
    }
    assert [e.event_type for e in service.audit.list(until=clock.now())] == ["user.registered"]
    assert service.audit.list(since=start, limit=1)[0].event_type == "login.failed"
