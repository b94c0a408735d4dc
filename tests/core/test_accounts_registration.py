"""Registration: normalization, uniqueness, policy, races, on every backend."""

from __future__ import annotations

import threading

import pytest

from authgate.errors import (
    EmailTaken,
    InvalidEmail,
    InvalidInput,
    InvalidUsername,
    RegistrationClosed,
    UsernameTaken,
    WeakPassword,
)
from authgate.root import Authgate

GOOD = "correct horse battery"


def test_register_returns_user_with_default_role(service: Authgate) -> None:
    user = service.accounts.register(
        "Alice", GOOD, email="Alice@Example.COM", display_name=" Alice  A. "
    )
    assert user.username == "Alice"
    assert user.email == "Alice@example.com"  # domain lowercased, local part kept
    assert user.display_name == "Alice A."
    assert user.roles == frozenset({"user"})
    assert user.is_active and not user.email_verified
    assert user.last_login_at is None
    assert service.accounts.count_users() == 1


def test_display_name_defaults_to_username(service: Authgate) -> None:
    assert service.accounts.register("bob", GOOD).display_name == "bob"


def test_username_is_case_insensitive_and_nfkc(service: Authgate) -> None:
    service.accounts.register("Alice", GOOD)
    with pytest.raises(UsernameTaken):
        service.accounts.register("ALICE", GOOD)
    with pytest.raises(UsernameTaken):  # fullwidth letters fold to ASCII under NFKC
        service.accounts.register("\uff21lice", GOOD)


def test_email_unique_case_insensitively(service: Authgate) -> None:
    service.accounts.register("alice", GOOD, email="alice@example.com")
    with pytest.raises(EmailTaken):
        service.accounts.register("alice2", GOOD, email="ALICE@EXAMPLE.COM")


@pytest.mark.parametrize(
    "bad",
    ["", "  ", "ab", "a" * 33, "al ice", "alice!", "-alice", "alice.", "\u0430dmin", "x\x00y"],
)
def test_invalid_usernames(sqlite_service: Authgate, bad: str) -> None:
    with pytest.raises(InvalidUsername):
        sqlite_service.accounts.register(bad, GOOD)
    assert sqlite_service.accounts.count_users() == 0


@pytest.mark.parametrize("bad", ["not-an-email", "a@", "@b.com", "a b@c.com", "x" * 400 + "@a.com"])
def test_invalid_emails(sqlite_service: Authgate, bad: str) -> None:
    with pytest.raises(InvalidEmail):
        sqlite_service.accounts.register("alice", GOOD, email=bad)
    assert sqlite_service.accounts.count_users() == 0


def test_non_text_inputs_are_clear_errors(sqlite_service: Authgate) -> None:
    with pytest.raises(InvalidUsername):
        sqlite_service.accounts.register(123, GOOD)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        sqlite_service.accounts.register("alice", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        sqlite_service.accounts.register("alice", GOOD, display_name="bad\u200bname")


def test_weak_password_lists_every_reason(sqlite_service: Authgate) -> None:
    with pytest.raises(WeakPassword) as caught:
        sqlite_service.accounts.register("alice", "alice")
    assert {"password_too_short", "password_contains_username"} <= set(caught.value.codes)
    with pytest.raises(WeakPassword) as common:
        sqlite_service.accounts.register("alice", "password123")
    assert "password_too_common" in common.value.codes
    with pytest.raises(WeakPassword) as email_part:
        sqlite_service.accounts.register("bob", "johnsmith-2026!", email="johnsmith@example.com")
    assert "password_contains_email" in email_part.value.codes
    assert sqlite_service.accounts.count_users() == 0


def test_long_passwords_are_not_truncated(sqlite_service: Authgate) -> None:
    long_password = "x1-" * 40 + "tail"  # 124 characters
    sqlite_service.accounts.register("alice", long_password)
    sqlite_service.logins.password("alice", long_password)
    with pytest.raises(Exception):
        sqlite_service.logins.password("alice", long_password[:72])
    with pytest.raises(WeakPassword) as caught:
        sqlite_service.accounts.register("bob", "y" * 129)
    assert "password_too_long" in caught.value.codes


def test_self_registration_ignores_requested_roles(sqlite_service: Authgate) -> None:
    user = sqlite_service.accounts.register("mallory", GOOD, roles=["admin"])
    assert user.roles == frozenset({"user"})


def test_admin_created_user_gets_roles(sqlite_service: Authgate) -> None:
    user = sqlite_service.accounts.register("carol", GOOD, roles=["Admin", "analyst"], actor_id=0)
    assert user.roles == frozenset({"admin", "analyst"})


def test_registration_closed(service_factory) -> None:  # type: ignore[no-untyped-def]
    svc = service_factory(allow_registration=False)
    with pytest.raises(RegistrationClosed):
        svc.accounts.register("alice", GOOD)
    assert svc.accounts.register("alice", GOOD, actor_id=0).username == "alice"


def test_registration_is_audited_without_secrets(sqlite_service: Authgate) -> None:
    sqlite_service.accounts.register("alice", GOOD, ip="10.0.0.1", user_agent="pytest")
    (event,) = sqlite_service.audit.list()
    assert event.event_type == "user.registered"
    assert event.outcome == "success"
    assert event.ip == "10.0.0.1" and event.user_agent == "pytest"
    assert GOOD not in repr(event)


def test_concurrent_registration_has_exactly_one_winner(service: Authgate) -> None:
    threads = 50
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        barrier.wait()
        try:
            service.accounts.register("racer", GOOD)
            result = "ok"
        except UsernameTaken:
            result = "taken"
        except Exception as error:  # pragma: no cover - reported by the assertion
            result = f"{type(error).__name__}: {error}"
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("taken") == threads - 1, outcomes
    assert service.accounts.count_users() == 1
