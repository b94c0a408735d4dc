"""SqlUserRepository: reads in core records, targeted changes, taken keys, LIKE escaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from authgate.core.clock import FrozenClock
from authgate.core.ports import DuplicateRecord, NewUser
from authgate.core.records import AuthUser, SessionRecord
from authgate.errors import UserNotFound
from authgate.store import SqlStore
from authgate.store.models import Role, UserRole

MakeUser = Callable[..., AuthUser]
MakeSession = Callable[..., SessionRecord]


def test_add_and_get(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    user = make_user(
        "Alice", email="Alice@Example.com", roles=("user", "admin"), must_change_password=True
    )
    assert user.username == "Alice"
    assert user.email == "Alice@Example.com"
    assert user.roles == frozenset({"user", "admin"})
    assert user.is_active and not user.email_verified and not user.mfa_enabled
    assert user.must_change_password
    assert user.created_at == user.updated_at == clock.now()
    assert user.last_login_at is None
    with store.read() as repositories:
        assert repositories.users.get(user.id) == user
        assert repositories.users.get(user.id + 1000) is None
        assert repositories.users.get("1") is None  # type: ignore[arg-type]


def test_user_without_roles(store: SqlStore, make_user: MakeUser) -> None:
    user = make_user("loner", roles=())
    assert user.roles == frozenset()


def test_credentials_and_login_lookup(store: SqlStore, make_user: MakeUser) -> None:
    user = make_user("alice", email="a@example.com", password_hash="$2b$12$hash")
    with store.read() as repositories:
        users = repositories.users
        credentials = users.get_credentials(user.id)
        assert credentials is not None
        assert credentials.user == user
        assert (credentials.password_hash, credentials.email_key) == (
            "$2b$12$hash",
            "a@example.com",
        )
        assert users.get_credentials(user.id + 1000) is None
        assert users.get_credentials("x") is None  # type: ignore[arg-type]
        for key in ("alice", "a@example.com"):
            found = users.find_by_login(key)
            assert found is not None and found.user.id == user.id
        assert users.find_by_login("bob") is None
        assert users.find_by_login("") is None


def test_find_by_email_or_username(store: SqlStore, make_user: MakeUser) -> None:
    user = make_user("alice", email="a@example.com")
    with store.read() as repositories:
        users = repositories.users
        assert users.find_by_email_or_username("alice", email_only=True) is None
        found = users.find_by_email_or_username("a@example.com", email_only=True)
        assert found is not None and found.user.id == user.id
        found = users.find_by_email_or_username("alice", email_only=False)
        assert found is not None and found.user.id == user.id
        assert users.find_by_email_or_username("", email_only=False) is None


def test_taken_keys(store: SqlStore, make_user: MakeUser) -> None:
    alice = make_user("alice", email="a@example.com")
    with store.read() as repositories:
        users = repositories.users
        assert users.username_taken("alice")
        assert not users.username_taken("bob")
        assert users.email_taken("a@example.com")
        assert not users.email_taken("a@example.com", other_than=alice.id)
        assert users.email_taken("a@example.com", other_than=alice.id + 1)
        assert not users.email_taken("b@example.com")


@pytest.mark.parametrize(
    ("second", "email"), [("alice", None), ("bob", "a@example.com")], ids=["username", "email"]
)
def test_add_taken_key_is_duplicate_and_the_transaction_lives_on(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock, second: str, email: str | None
) -> None:
    make_user("alice", email="a@example.com")
    new = NewUser(
        username=second,
        username_key=second,
        email=email,
        email_key=email,
        display_name=second,
        password_hash="x",
        password_changed_at=None,
        must_change_password=False,
        roles=("user",),
        created_at=clock.now(),
    )
    with store.write() as repositories:
        with pytest.raises(DuplicateRecord):
            repositories.users.add(new)
        # The clash rolled back to its savepoint only: the unit of work goes on.
        carol = repositories.users.add(_renamed(new, "carol"))
    with store.read() as repositories:
        assert repositories.users.count() == 2
        assert repositories.users.get(carol.id) is not None


def _renamed(new: NewUser, name: str) -> NewUser:
    return NewUser(
        username=name,
        username_key=name,
        email=None,
        email_key=None,
        display_name=name,
        password_hash=new.password_hash,
        password_changed_at=new.password_changed_at,
        must_change_password=new.must_change_password,
        roles=new.roles,
        created_at=new.created_at,
    )


def test_list_orders_pages_and_searches(store: SqlStore, make_user: MakeUser) -> None:
    make_user("carol", email="c@example.com", display_name="Carol Danvers")
    make_user("alice", email="a@example.org", display_name="Alice")
    make_user("bob", display_name="Robert Smith", roles=("user", "editor"))
    with store.read() as repositories:
        users = repositories.users
        assert [u.username for u in users.list(search=None, limit=10, offset=0)] == [
            "alice",
            "bob",
            "carol",
        ]
        assert [u.username for u in users.list(search=None, limit=1, offset=1)] == ["bob"]
        assert [u.username for u in users.list(search=None, limit=0, offset=-5)] == ["alice"]
        assert users.list(search=None, limit=10, offset=0)[1].roles == {"user", "editor"}
        assert [u.username for u in users.list(search="ALI", limit=10, offset=0)] == ["alice"]
        assert [u.username for u in users.list(search=".org", limit=10, offset=0)] == ["alice"]
        assert [u.username for u in users.list(search="smith", limit=10, offset=0)] == ["bob"]
        assert users.list(search="nobody", limit=10, offset=0) == []
        assert users.count() == 3


def test_list_search_treats_like_wildcards_literally(store: SqlStore, make_user: MakeUser) -> None:
    make_user("a_b", display_name="100% sure")
    make_user("axb", display_name="100 percent")
    make_user("back", display_name="back\\slash")
    make_user("plain", display_name="backslash")
    with store.read() as repositories:
        users = repositories.users

        def names(search: str) -> list[str]:
            return [u.username for u in users.list(search=search, limit=10, offset=0)]

        assert names("_") == ["a_b"]
        assert names("%") == ["a_b"]
        assert names("0%") == ["a_b"]
        assert names("\\") == ["back"]
        assert names("a_") == ["a_b"]


def test_count_of_an_empty_store(store: SqlStore) -> None:
    with store.read() as repositories:
        assert repositories.users.count() == 0
        assert repositories.users.list(search=None, limit=10, offset=0) == []


def test_set_roles(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice", roles=("user", "editor"))
    make_user("bob", roles=("editor",))
    clock.advance(minutes=5)
    with store.write() as repositories:
        old = repositories.users.set_roles(alice.id, ["admin", "user", "admin"], now=clock.now())
    assert old == ("editor", "user")
    with store.read() as repositories:
        user = repositories.users.get(alice.id)
        assert user is not None
        assert user.roles == {"admin", "user"}
        assert user.updated_at == clock.now()
        # Roles are rows of their own, created once and shared.
        names = repositories.db.scalars(select(Role.name).order_by(Role.name)).all()
        assert names == ["admin", "editor", "user"]
    with store.write() as repositories:
        assert repositories.users.set_roles(alice.id, [], now=clock.now()) == ("admin", "user")
        # Same roles again at the same instant: still a match (MySQL counts matched rows).
        assert repositories.users.set_roles(alice.id, [], now=clock.now()) == ()
    with store.read() as repositories:
        user = repositories.users.get(alice.id)
        assert user is not None and user.roles == frozenset()
        assert repositories.db.scalar(select(func.count()).select_from(UserRole)) == 1


def test_set_roles_of_unknown_user(store: SqlStore, clock: FrozenClock) -> None:
    with pytest.raises(UserNotFound), store.write() as repositories:
        repositories.users.set_roles(999, ["user"], now=clock.now())


def test_set_profile(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice", email="a@example.com")
    with store.write() as repositories:
        repositories.users.mark_email_verified(alice.id, now=clock.now())
    clock.advance(minutes=1)
    with store.write() as repositories:
        users = repositories.users
        user = users.set_profile(alice.id, display_name="Alice A.", now=clock.now())
        assert (user.display_name, user.email_verified, user.updated_at) == (
            "Alice A.",
            True,
            clock.now(),
        )
        # The same address again keeps its verification.
        user = users.set_profile(
            alice.id, email=("A@example.com", "a@example.com"), now=clock.now()
        )
        assert (user.email, user.email_verified) == ("A@example.com", True)
        # A new address is unverified.
        user = users.set_profile(
            alice.id, email=("n@example.com", "n@example.com"), now=clock.now()
        )
        assert (user.email, user.email_verified) == ("n@example.com", False)
        credentials = users.get_credentials(alice.id)
        assert credentials is not None and credentials.email_key == "n@example.com"
        # Removing the address.
        user = users.set_profile(alice.id, email=(None, None), now=clock.now())
        assert (user.email, user.email_verified) == (None, False)
        assert users.set_profile(alice.id, now=clock.now()) == user


def test_set_profile_with_taken_email(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    make_user("alice", email="a@example.com")
    bob = make_user("bob", email="b@example.com")
    with store.write() as repositories:
        with pytest.raises(DuplicateRecord):
            repositories.users.set_profile(
                bob.id, email=("a@example.com", "a@example.com"), now=clock.now()
            )
        user = repositories.users.set_profile(bob.id, display_name="Bob", now=clock.now())
    assert (user.email, user.display_name) == ("b@example.com", "Bob")


def test_set_profile_of_unknown_user(store: SqlStore, clock: FrozenClock) -> None:
    with store.write() as repositories:
        users = repositories.users
        with pytest.raises(UserNotFound):
            users.set_profile(999, display_name="x", now=clock.now())
        with pytest.raises(UserNotFound):
            users.set_profile(999, email=("x@y.z", "x@y.z"), now=clock.now())
        with pytest.raises(UserNotFound):
            users.set_profile(999, now=clock.now())


def test_set_password_hash(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice", password_hash="old")
    clock.advance(hours=1)
    with store.write() as repositories:
        users = repositories.users
        user = users.set_password_hash(alice.id, "new", now=clock.now(), must_change=True)
        assert user.must_change_password and not user.email_verified
        assert user.updated_at == clock.now()
        user = users.set_password_hash(
            alice.id, "newer", now=clock.now(), must_change=False, email_verified=True
        )
        assert not user.must_change_password and user.email_verified
        credentials = users.get_credentials(alice.id)
        assert credentials is not None and credentials.password_hash == "newer"
        with pytest.raises(UserNotFound):
            users.set_password_hash(999, "x", now=clock.now(), must_change=False)


def test_replace_hash_only_when_unchanged(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice", password_hash="$2b$old")
    clock.advance(hours=1)
    with store.write() as repositories:
        users = repositories.users
        assert users.replace_hash(alice.id, "$2b$stale", "$argon2id$new") is None
        assert users.replace_hash(alice.id, "$2b$old", "$argon2id$new") == "alice"
        assert users.replace_hash(999, "$2b$old", "$argon2id$new") is None
        credentials = users.get_credentials(alice.id)
        assert credentials is not None
        assert credentials.password_hash == "$argon2id$new"
        # Not a password change: nothing else moved.
        assert credentials.user.updated_at == alice.updated_at


def test_set_active_and_stamp_login(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        users = repositories.users
        assert users.stamp_login(alice.id, now=clock.now())
        assert users.stamp_login(alice.id, now=clock.now())  # same instant: still one match
        user = users.get(alice.id)
        assert user is not None and user.last_login_at == clock.now()
        clock.advance(minutes=1)
        user = users.set_active(alice.id, False, now=clock.now())
        assert not user.is_active and user.updated_at == clock.now()
        assert not users.stamp_login(alice.id, now=clock.now())
        assert not users.stamp_login(999, now=clock.now())
        assert users.set_active(alice.id, True, now=clock.now()).is_active
        with pytest.raises(UserNotFound):
            users.set_active(999, True, now=clock.now())


def test_mark_email_verified(store: SqlStore, make_user: MakeUser, clock: FrozenClock) -> None:
    alice = make_user("alice", email="a@example.com")
    with store.write() as repositories:
        assert repositories.users.mark_email_verified(alice.id, now=clock.now()).email_verified
        with pytest.raises(UserNotFound):
            repositories.users.mark_email_verified(999, now=clock.now())


def test_mfa_enabled_is_read_with_the_user(
    store: SqlStore, make_user: MakeUser, clock: FrozenClock
) -> None:
    alice = make_user("alice")
    with store.write() as repositories:
        repositories.mfa.start(alice.id, "ciphertext", now=clock.now())
        user = repositories.users.get(alice.id)
        assert user is not None and not user.mfa_enabled
        repositories.mfa.enable(alice.id, step=1, now=clock.now())
        user = repositories.users.get(alice.id)
        assert user is not None and user.mfa_enabled
        found = repositories.users.find_by_login("alice")
        assert found is not None and found.user.mfa_enabled


def test_delete_takes_roles_and_sessions_along(
    store: SqlStore, make_user: MakeUser, make_session: MakeSession, clock: FrozenClock
) -> None:
    alice = make_user("alice", roles=("user", "admin"))
    bob = make_user("bob")
    make_session(alice.id, "alice-token")
    make_session(bob.id, "bob-token")
    with store.write() as repositories:
        repositories.users.delete(alice.id)
        repositories.users.delete(999)  # unknown: nothing happens
    with store.read() as repositories:
        assert repositories.users.get(alice.id) is None
        assert repositories.users.count() == 1
        assert repositories.sessions.count_live(now=clock.now()) == 1
        assert repositories.sessions.list_live(alice.id, now=clock.now()) == []
        assert repositories.db.scalar(select(func.count()).select_from(UserRole)) == 1
        assert repositories.sessions.count_live(now=clock.now() + timedelta(days=1)) == 0
