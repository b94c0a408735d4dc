"""Tests for authgate.core.passwords.service: hashing, verify-and-upgrade, equal work."""

from __future__ import annotations

import hashlib

import bcrypt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from authgate.core.passwords.hashers import (
    Argon2Hasher,
    BcryptHasher,
    Hasher,
    LegacySha256Hasher,
)
from authgate.core.passwords.service import PasswordService
from authgate.core.passwords.validators import PasswordPolicy
from authgate.errors import InvalidInput


def fast_argon2() -> Argon2Hasher:
    return Argon2Hasher(memory_cost=8192, time_cost=1)


def service(*extra: Hasher) -> PasswordService:
    return PasswordService(hashers=[fast_argon2(), *extra])


def full_service() -> PasswordService:
    return service(BcryptHasher(rounds=4), LegacySha256Hasher())


class CountingHasher:
    """Wraps a hasher and counts calls, to check work without timing it."""

    def __init__(self, inner: Hasher) -> None:
        self.inner = inner
        self.algorithm = inner.algorithm
        self.hash_calls = 0
        self.verify_calls: list[tuple[str, str]] = []

    def identify(self, encoded: str) -> bool:
        return self.inner.identify(encoded)

    def hash(self, password: str) -> str:
        self.hash_calls += 1
        return self.inner.hash(password)

    def verify(self, password: str, encoded: str) -> bool:
        self.verify_calls.append((password, encoded))
        return self.inner.verify(password, encoded)

    def needs_rehash(self, encoded: str) -> bool:
        return self.inner.needs_rehash(encoded)


# --- construction -------------------------------------------------------------


def test_empty_hasher_list_is_refused() -> None:
    with pytest.raises(ValueError):
        PasswordService(hashers=[])


def test_verify_only_hasher_cannot_be_preferred() -> None:
    with pytest.raises(ValueError, match="sha256"):
        PasswordService(hashers=[LegacySha256Hasher(), fast_argon2()])


def test_from_names_builds_in_order() -> None:
    svc = PasswordService.from_names(
        ["argon2", "bcrypt", "sha256"],
        argon2_memory_cost=8192,
        argon2_time_cost=1,
        bcrypt_rounds=4,
    )
    assert [h.algorithm for h in svc.hashers] == ["argon2", "bcrypt", "sha256"]
    assert svc.preferred is svc.hashers[0]
    assert "m=8192,t=1,p=1" in svc.hash("pw")


def test_from_names_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="scrypt"):
        PasswordService.from_names(["argon2", "scrypt"])


# --- hash and verify ------------------------------------------------------------


def test_hash_uses_preferred_hasher() -> None:
    assert full_service().hash("pw").startswith("$argon2id$")
    bcrypt_first = PasswordService(hashers=[BcryptHasher(rounds=4), fast_argon2()])
    assert bcrypt_first.hash("pw").startswith("$2b$04$")


def test_verify_current_hash_needs_no_upgrade() -> None:
    svc = full_service()
    encoded = svc.hash("open sesame")
    assert svc.verify("open sesame", encoded) == (True, None)
    assert svc.verify("open sesamE", encoded) == (False, None)


def test_bcrypt_hash_from_bcrypt_library_upgrades_to_argon2() -> None:
    svc = full_service()
    encoded = bcrypt.hashpw(b"from streamlit-authenticator", bcrypt.gensalt(4)).decode()
    ok, new_hash = svc.verify("from streamlit-authenticator", encoded)
    assert ok
    assert new_hash is not None and new_hash.startswith("$argon2id$")
    assert svc.verify("from streamlit-authenticator", new_hash) == (True, None)


def test_wrong_password_on_old_hash_gives_no_upgrade() -> None:
    encoded = bcrypt.hashpw(b"right", bcrypt.gensalt(4)).decode()
    assert full_service().verify("wrong", encoded) == (False, None)


def test_long_password_against_truncated_bcrypt_hash_fails() -> None:
    password = "p" * 100
    encoded = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(4)).decode()
    assert full_service().verify(password, encoded) == (False, None)


@pytest.mark.parametrize("prefix", ["", "sha256$"])
def test_legacy_sha256_verifies_and_upgrades(prefix: str) -> None:
    svc = full_service()
    encoded = prefix + hashlib.sha256(b"legacy pw").hexdigest()
    ok, new_hash = svc.verify("legacy pw", encoded)
    assert ok and new_hash is not None and new_hash.startswith("$argon2id$")
    assert svc.verify("wrong", encoded) == (False, None)


def test_preferred_hash_with_old_parameters_is_upgraded() -> None:
    old = Argon2Hasher(memory_cost=8192, time_cost=1, parallelism=2).hash("pw")
    ok, new_hash = full_service().verify("pw", old)
    assert ok and new_hash is not None and "m=8192,t=1,p=1" in new_hash


def test_upgrade_skipped_when_preferred_cannot_hash_password() -> None:
    """bcrypt preferred, a 100-byte legacy password: log in, keep the old hash."""
    svc = PasswordService(hashers=[BcryptHasher(rounds=4), LegacySha256Hasher()])
    password = "q" * 100
    encoded = hashlib.sha256(password.encode()).hexdigest()
    assert svc.verify(password, encoded) == (True, None)


def test_hash_of_disabled_algorithm_does_not_verify() -> None:
    encoded = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode()
    assert service().verify("pw", encoded) == (False, None)


@pytest.mark.parametrize("encoded", ["", "!", "$argon2id$", "plaintext", "sha256$", "\x00"])
def test_unrecognised_hash_is_false_and_costs_a_verify(encoded: str) -> None:
    counter = CountingHasher(fast_argon2())
    svc = PasswordService(hashers=[counter])
    assert svc.verify("pw", encoded) == (False, None)
    assert len(counter.verify_calls) == 1


def test_non_str_encoded_is_false() -> None:
    assert full_service().verify("pw", None) == (False, None)  # type: ignore[arg-type]


def test_non_str_password_is_invalid_input() -> None:
    svc = full_service()
    with pytest.raises(InvalidInput):
        svc.hash(123)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        svc.verify(None, svc.hash("pw"))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        svc.dummy_verify(b"pw")  # type: ignore[arg-type]


# --- equal work for unknown users -----------------------------------------------


def test_dummy_verify_costs_one_preferred_verify_and_no_hash() -> None:
    counter = CountingHasher(fast_argon2())
    other = CountingHasher(BcryptHasher(rounds=4))
    svc = PasswordService(hashers=[counter, other])
    assert counter.hash_calls == 1  # the dummy hash, made once in the constructor
    svc.dummy_verify("guess")
    svc.dummy_verify("guess")
    assert counter.hash_calls == 1
    assert len(counter.verify_calls) == 2
    assert other.verify_calls == []
    dummy_hash = counter.verify_calls[0][1]
    assert counter.inner.identify(dummy_hash)  # a real hash with the real cost
    assert counter.verify_calls[1][1] == dummy_hash


def test_real_verify_also_costs_one_preferred_verify() -> None:
    counter = CountingHasher(fast_argon2())
    svc = PasswordService(hashers=[counter])
    encoded = svc.hash("pw")
    svc.verify("wrong", encoded)
    assert len(counter.verify_calls) == 1


# --- properties ------------------------------------------------------------------

_POLICY = PasswordPolicy.default()
_ROUND_TRIP = full_service()


@settings(max_examples=40, deadline=None)
@given(
    password=st.text(min_size=8, max_size=128),
    username=st.from_regex(r"[a-z]{3,12}", fullmatch=True),
)
def test_policy_compliant_passwords_round_trip(password: str, username: str) -> None:
    assume(not _POLICY.violations(password, username=username))
    encoded = _ROUND_TRIP.hash(password)
    assert _ROUND_TRIP.verify(password, encoded) == (True, None)


@settings(max_examples=300, deadline=None)
@given(password=st.text(max_size=50), encoded=st.text())
def test_verify_never_raises_on_arbitrary_encoded(password: str, encoded: str) -> None:
    ok, new_hash = _ROUND_TRIP.verify(password, encoded)
    assert ok in (True, False)
    assert new_hash is None or ok
