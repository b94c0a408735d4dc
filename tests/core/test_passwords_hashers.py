"""Tests for authgate.core.passwords.hashers: each algorithm, the table, the builder."""

from __future__ import annotations

import hashlib
import hmac

import argon2
import bcrypt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authgate.core.passwords.hashers import (
    HASHERS,
    Argon2Hasher,
    BcryptHasher,
    Hasher,
    LegacySha256Hasher,
    build_hashers,
)
from authgate.errors import InvalidInput


def fast_argon2() -> Argon2Hasher:
    return Argon2Hasher(memory_cost=8192, time_cost=1)


# --- Argon2 -----------------------------------------------------------------


def test_argon2_defaults_follow_owasp() -> None:
    hasher = Argon2Hasher()
    encoded = hasher.hash("correct horse battery staple")
    assert encoded.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in encoded
    assert hasher.verify("correct horse battery staple", encoded)
    assert not hasher.needs_rehash(encoded)


def test_argon2_round_trip_and_wrong_password() -> None:
    hasher = fast_argon2()
    encoded = hasher.hash("s3cret pass")
    assert hasher.identify(encoded)
    assert hasher.verify("s3cret pass", encoded)
    assert not hasher.verify("s3cret pasS", encoded)


def test_argon2_salts_every_hash() -> None:
    hasher = fast_argon2()
    assert hasher.hash("same") != hasher.hash("same")


def test_argon2_needs_rehash_when_parameters_differ() -> None:
    cheap = fast_argon2().hash("pw")
    assert Argon2Hasher(memory_cost=8192, time_cost=2).needs_rehash(cheap)
    assert Argon2Hasher(memory_cost=16384, time_cost=1).needs_rehash(cheap)
    assert not fast_argon2().needs_rehash(cheap)


def test_argon2_needs_rehash_for_other_variant() -> None:
    argon2i = argon2.PasswordHasher(memory_cost=8192, time_cost=1, type=argon2.Type.I).hash("pw")
    hasher = fast_argon2()
    assert hasher.verify("pw", argon2i)
    assert hasher.needs_rehash(argon2i)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "$argon2id$",
        "$argon2id$v=19$m=0,t=0,p=0$abc$def",
        "$argon2id$v=19$m=8192,t=1,p=1$!!!$!!!",
        "$argon2x$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
    ],
)
def test_argon2_rejects_malformed_hashes(encoded: str) -> None:
    hasher = fast_argon2()
    assert not hasher.verify("pw", encoded)
    assert hasher.needs_rehash(encoded)


def test_argon2_hash_with_trailing_nul_is_not_accepted() -> None:
    """The C library stops at NUL; identify must not let such a string through."""
    hasher = fast_argon2()
    encoded = hasher.hash("pw")
    assert not hasher.identify(encoded + "\x00junk")
    assert not hasher.verify("pw", encoded + "\x00junk")


def test_argon2_hash_refuses_non_text_and_unencodable() -> None:
    hasher = fast_argon2()
    with pytest.raises(InvalidInput):
        hasher.hash(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        hasher.hash("lone \ud800 surrogate")
    assert not hasher.verify("lone \ud800 surrogate", hasher.hash("x"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"memory_cost": 7},
        {"time_cost": 0},
        {"parallelism": 0},
        {"memory_cost": 16, "parallelism": 4},
    ],
)
def test_argon2_rejects_bad_configuration(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        Argon2Hasher(**kwargs)


# --- bcrypt -----------------------------------------------------------------


def _bcrypt(password: bytes, prefix: bytes = b"2b", rounds: int = 4) -> str:
    return bcrypt.hashpw(password, bcrypt.gensalt(rounds, prefix)).decode()


@pytest.mark.parametrize("prefix", ["2a", "2b", "2y"])
def test_bcrypt_verifies_hashes_from_other_apps(prefix: str) -> None:
    encoded = "$" + prefix + _bcrypt(b"hunter22")[3:]
    hasher = BcryptHasher(rounds=4)
    assert hasher.identify(encoded)
    assert hasher.verify("hunter22", encoded)
    assert not hasher.verify("hunter23", encoded)


def test_bcrypt_never_truncates_a_long_password() -> None:
    password = "x" * 100
    encoded = _bcrypt(password.encode()[:72])
    hasher = BcryptHasher(rounds=4)
    assert not hasher.verify(password, encoded)
    assert hasher.verify(password[:72], encoded)


def test_bcrypt_counts_bytes_not_characters() -> None:
    password = "é" * 37  # 37 characters, 74 bytes
    hasher = BcryptHasher(rounds=4)
    with pytest.raises(InvalidInput):
        hasher.hash(password)
    assert not hasher.verify(password, _bcrypt(password.encode()[:72]))


def test_bcrypt_hash_refuses_more_than_72_bytes() -> None:
    hasher = BcryptHasher(rounds=4)
    with pytest.raises(InvalidInput):
        hasher.hash("a" * 73)
    assert hasher.verify("a" * 72, hasher.hash("a" * 72))


def test_bcrypt_hashes_with_configured_rounds() -> None:
    hasher = BcryptHasher(rounds=5)
    encoded = hasher.hash("pw")
    assert encoded.startswith("$2b$05$")
    assert hasher.verify("pw", encoded)
    assert not hasher.needs_rehash(encoded)


def test_bcrypt_needs_rehash_for_other_rounds_or_old_prefix() -> None:
    hasher = BcryptHasher(rounds=4)
    assert hasher.needs_rehash(_bcrypt(b"pw", rounds=5))
    assert hasher.needs_rehash(_bcrypt(b"pw", prefix=b"2a"))
    assert hasher.needs_rehash("garbage")
    assert not hasher.needs_rehash(_bcrypt(b"pw"))


@pytest.mark.parametrize(
    "encoded",
    ["", "$2b$04$short", "$2x$04$" + "a" * 53, "$2b$99$" + "a" * 53, "$2b$٠٤$" + "a" * 53],
)
def test_bcrypt_rejects_malformed_hashes(encoded: str) -> None:
    assert not BcryptHasher(rounds=4).verify("pw", encoded)


def test_bcrypt_rejects_bad_rounds() -> None:
    with pytest.raises(ValueError):
        BcryptHasher(rounds=3)
    with pytest.raises(ValueError):
        BcryptHasher(rounds=32)


# --- legacy SHA-256 ---------------------------------------------------------


def _sha256(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


@pytest.mark.parametrize(
    "encoded",
    [_sha256("old secret"), "sha256$" + _sha256("old secret"), _sha256("old secret").upper()],
)
def test_legacy_sha256_verifies_both_formats(encoded: str) -> None:
    hasher = LegacySha256Hasher()
    assert hasher.identify(encoded)
    assert hasher.verify("old secret", encoded)
    assert not hasher.verify("old secreT", encoded)
    assert hasher.needs_rehash(encoded)


def test_legacy_sha256_never_makes_new_hashes() -> None:
    with pytest.raises(InvalidInput):
        LegacySha256Hasher().hash("anything")


@pytest.mark.parametrize(
    "encoded", ["", "a" * 63, "a" * 65, "g" * 64, "md5$" + "a" * 64, "sha256$" + "a" * 63]
)
def test_legacy_sha256_ignores_other_strings(encoded: str) -> None:
    hasher = LegacySha256Hasher()
    assert not hasher.identify(encoded)
    assert not hasher.verify("pw", encoded)


def test_legacy_sha256_uses_constant_time_compare(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return a == b

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert LegacySha256Hasher().verify("pw", _sha256("pw"))
    assert len(calls) == 1


# --- never raise --------------------------------------------------------------


ALL_HASHERS: list[Hasher] = [fast_argon2(), BcryptHasher(rounds=4), LegacySha256Hasher()]


@settings(max_examples=200, deadline=None)
@given(password=st.text(), encoded=st.text())
def test_verify_never_raises_on_arbitrary_text(password: str, encoded: str) -> None:
    for hasher in ALL_HASHERS:
        assert hasher.verify(password, encoded) in (True, False)
        assert hasher.identify(encoded) in (True, False)


@settings(max_examples=50, deadline=None)
@given(suffix=st.text())
def test_verify_never_raises_on_mangled_real_hashes(suffix: str) -> None:
    argon2_hash = ALL_HASHERS[0].hash("pw")
    for hasher in ALL_HASHERS:
        for encoded in (argon2_hash + suffix, argon2_hash[:-10] + suffix, "$2b$04$" + suffix):
            assert hasher.verify("pw", encoded) in (True, False)


# --- table and builder --------------------------------------------------------


def test_hashers_table_names_every_algorithm() -> None:
    assert dict(HASHERS) == {
        "argon2": Argon2Hasher,
        "bcrypt": BcryptHasher,
        "sha256": LegacySha256Hasher,
    }
    for name, cls in HASHERS.items():
        assert cls.algorithm == name


def test_hashers_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        HASHERS["md5"] = LegacySha256Hasher  # type: ignore[index]


def test_build_hashers_keeps_order_and_parameters() -> None:
    hashers = build_hashers(
        ["bcrypt", "argon2", "sha256"],
        argon2_memory_cost=8192,
        argon2_time_cost=1,
        argon2_parallelism=2,
        bcrypt_rounds=4,
    )
    assert [h.algorithm for h in hashers] == ["bcrypt", "argon2", "sha256"]
    bcrypt_hasher, argon2_hasher, _ = hashers
    assert isinstance(bcrypt_hasher, BcryptHasher) and bcrypt_hasher.rounds == 4
    assert isinstance(argon2_hasher, Argon2Hasher)
    assert "m=8192,t=1,p=2" in argon2_hasher.hash("pw")


def test_build_hashers_names_unknown_hashers() -> None:
    with pytest.raises(ValueError, match=r"'md5'.*'pbkdf2'"):
        build_hashers(["argon2", "md5", "pbkdf2"])


@pytest.mark.parametrize("names", [[], ["argon2", "argon2"], "argon2"])
def test_build_hashers_rejects_bad_lists(names: list[str]) -> None:
    with pytest.raises(ValueError):
        build_hashers(names)
