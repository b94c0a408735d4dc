"""Recovery codes: format, alphabet, normalization, hashed storage, single use."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from authgate.core.clock import FrozenClock
from authgate.core.mfa import recovery_codes
from authgate.errors import ConfigurationError
from authgate.root import Authgate
from authgate.store.models import RecoveryCode

GOOD = "correct horse battery"
HASHER = recovery_codes.RecoveryCodeHasher("a test secret key, not the service's")


def test_ten_distinct_human_friendly_codes() -> None:
    codes = recovery_codes.generate_codes()
    assert len(codes) == recovery_codes.CODE_COUNT == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code)
        assert not set(code) & set("01ilo")  # no look-alikes


@pytest.mark.parametrize(
    "typed", ["abcde-fghjk", "ABCDE-FGHJK", "abcdefghjk", " abcde fghjk ", "ab-cde-fg-hjk"]
)
def test_case_spaces_and_dashes_do_not_matter(typed: str) -> None:
    assert recovery_codes.normalize_recovery_code(typed) == "abcde-fghjk"


@pytest.mark.parametrize(
    "typed", ["", "abcde-fghj", "abcde-fghjkm", "abcde-fghj1", "abcde-fghjo", None, 42, "x" * 99]
)
def test_anything_else_is_not_a_recovery_code(typed: object) -> None:
    assert recovery_codes.normalize_recovery_code(typed) is None
    assert not recovery_codes.looks_like_recovery_code(typed)


def test_codes_are_stored_hashed_and_spent_once(
    sqlite_service: Authgate, clock: FrozenClock
) -> None:
    alice = sqlite_service.accounts.register("alice", GOOD).id
    bob = sqlite_service.accounts.register("bob", GOOD).id
    with sqlite_service.uow.write() as work:
        codes = recovery_codes.replace_codes(work.mfa, HASHER, alice, now=clock.now())
    with sqlite_service.store.engine.connect() as connection:
        stored = connection.execute(select(RecoveryCode.code_hash)).scalars().all()
        assert len(stored) == 10
        assert all(len(s) == 64 and set(s) <= set("0123456789abcdef") for s in stored)
        assert not any(code in s or code.replace("-", "") in s for code in codes for s in stored)
    with sqlite_service.uow.write() as work:
        assert not recovery_codes.use_code(
            work.mfa, HASHER, bob, codes[0], now=clock.now()
        )  # not bob's
        assert recovery_codes.use_code(work.mfa, HASHER, alice, codes[0].upper(), now=clock.now())
        assert not recovery_codes.use_code(work.mfa, HASHER, alice, codes[0], now=clock.now())
        assert not recovery_codes.use_code(work.mfa, HASHER, alice, "not a code", now=clock.now())
        assert work.mfa.count_unused_codes(alice) == 9


def test_replacing_codes_voids_the_old_set(sqlite_service: Authgate, clock: FrozenClock) -> None:
    alice = sqlite_service.accounts.register("alice", GOOD).id
    with sqlite_service.uow.write() as work:
        old = recovery_codes.replace_codes(work.mfa, HASHER, alice, now=clock.now())
    with sqlite_service.uow.write() as work:
        new = recovery_codes.replace_codes(work.mfa, HASHER, alice, now=clock.now())
    with sqlite_service.uow.write() as work:
        assert not recovery_codes.use_code(work.mfa, HASHER, alice, old[0], now=clock.now())
        assert recovery_codes.use_code(work.mfa, HASHER, alice, new[0], now=clock.now())
        work.mfa.remove(alice)
        assert work.mfa.count_unused_codes(alice) == 0


def test_digests_are_keyed_owned_and_the_size_of_the_column() -> None:
    one = HASHER.digest(1, "abcde-fghjk")
    assert len(one) == 64 and set(one) <= set("0123456789abcdef")
    assert one != recovery_codes.legacy_code_hash(1, "abcde-fghjk")  # not the unkeyed SHA-256
    assert one != HASHER.digest(2, "abcde-fghjk")  # bound to its owner
    other_key = recovery_codes.RecoveryCodeHasher("another secret key")
    assert one != other_key.digest(1, "abcde-fghjk")  # and to the secret key
    assert HASHER.accepted(1, "abcde-fghjk") == (
        one,
        recovery_codes.legacy_code_hash(1, "abcde-fghjk"),
    )
    assert "secret" not in repr(HASHER)


def test_an_empty_secret_key_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        recovery_codes.RecoveryCodeHasher("")


def test_codes_stored_as_plain_sha256_still_work_once(
    sqlite_service: Authgate, clock: FrozenClock
) -> None:
    """Codes issued before the keyed digest existed: the legacy digest is accepted, once."""
    alice = sqlite_service.accounts.register("alice", GOOD).id
    old = ["abcde-fghjk", "mnpqr-stuvw"]
    with sqlite_service.uow.write() as work:
        legacy = [recovery_codes.legacy_code_hash(alice, code) for code in old]
        work.mfa.replace_codes(alice, legacy, now=clock.now())
    with sqlite_service.uow.write() as work:
        assert recovery_codes.use_code(work.mfa, HASHER, alice, "ABCDE FGHJK", now=clock.now())
        assert not recovery_codes.use_code(work.mfa, HASHER, alice, old[0], now=clock.now())
        assert work.mfa.count_unused_codes(alice) == 1
