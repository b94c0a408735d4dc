"""Issue 10, item 7: passwords are compared after Unicode NFKC normalization.

NIST SP 800-63B asks for it: "é" typed as one code point on one keyboard and
as "e" plus a combining accent on another is the same password. Hashes made
before the rule (of the raw form) still work and are upgraded at the next
successful login.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from authgate.core.passwords import Argon2Hasher, PasswordService, normalize_password
from authgate.errors import InvalidCredentials, InvalidInput
from authgate.root import Authgate

COMPOSED = "Cr\u00e8me br\u00fbl\u00e9e \u00e0 la fa\u00e7on de Zo\u00eb"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
FULLWIDTH = "\uff43\uff4f\uff52\uff52\uff45\uff43\uff54\u3000horse battery staple"


class CountingHasher(Argon2Hasher):
    """Argon2 that counts its verifies: the count is what a stopwatch would see."""

    def __init__(self) -> None:
        super().__init__(memory_cost=8192, time_cost=1)
        self.verifies = 0

    def verify(self, password: str, encoded: str) -> bool:
        self.verifies += 1
        return super().verify(password, encoded)


def _stored_hash(auth: Authgate, user_id: int) -> str:
    with auth.uow.read() as repos:
        found = repos.users.get_credentials(user_id)
    assert found is not None and found.password_hash is not None
    return found.password_hash


def test_the_two_spellings_differ_before_normalization() -> None:
    assert COMPOSED != DECOMPOSED
    assert normalize_password(COMPOSED) == normalize_password(DECOMPOSED)
    assert normalize_password(FULLWIDTH) == "correct horse battery staple"


def test_a_composed_and_a_decomposed_accent_log_in_alike(
    service_factory: Callable[..., Authgate],
) -> None:
    auth = service_factory()
    composed = auth.accounts.register("alice", COMPOSED)
    decomposed = auth.accounts.register("bob", DECOMPOSED)
    assert auth.logins.password("alice", DECOMPOSED).user.id == composed.id
    assert auth.logins.password("alice", COMPOSED).user.id == composed.id
    assert auth.logins.password("bob", COMPOSED).user.id == decomposed.id
    with pytest.raises(InvalidCredentials):
        auth.logins.password("alice", COMPOSED.replace("Zo", "Zu"))


def test_registration_change_and_reset_store_the_normalized_form(
    service_factory: Callable[..., Authgate],
) -> None:
    auth = service_factory()
    user = auth.accounts.register("alice", DECOMPOSED)
    preferred = auth.passwords.preferred
    assert preferred.verify(normalize_password(DECOMPOSED), _stored_hash(auth, user.id))
    assert not preferred.verify(DECOMPOSED, _stored_hash(auth, user.id))
    auth.accounts.change_password(user.id, COMPOSED, FULLWIDTH)
    assert preferred.verify("correct horse battery staple", _stored_hash(auth, user.id))
    assert auth.logins.password("alice", "correct horse battery staple").user.id == user.id


def test_an_old_hash_of_the_raw_form_still_works_and_is_upgraded(
    service_factory: Callable[..., Authgate],
) -> None:
    auth = service_factory()
    raw_hash = auth.passwords.preferred.hash(DECOMPOSED)  # as stored before normalization
    user = auth.accounts.import_user("carol", password_hash=raw_hash)

    assert auth.logins.password("carol", DECOMPOSED).user.id == user.id

    upgraded = _stored_hash(auth, user.id)
    assert upgraded != raw_hash
    assert auth.passwords.preferred.verify(normalize_password(DECOMPOSED), upgraded)
    assert auth.passwords.verify(COMPOSED, upgraded) == (True, None)  # nothing left to upgrade
    assert auth.logins.password("carol", COMPOSED).user.id == user.id
    (rehash,) = auth.audit.list(event_type="password.rehashed")
    assert rehash.user_id == user.id


def test_an_old_raw_hash_is_not_upgraded_by_a_wrong_password(
    service_factory: Callable[..., Authgate],
) -> None:
    auth = service_factory()
    raw_hash = auth.passwords.preferred.hash(DECOMPOSED)
    user = auth.accounts.import_user("carol", password_hash=raw_hash)
    with pytest.raises(InvalidCredentials):
        auth.logins.password("carol", DECOMPOSED + "!")
    assert _stored_hash(auth, user.id) == raw_hash


@pytest.mark.parametrize(
    ("password", "tries"), [("plain ascii words", 1), (DECOMPOSED, 2), (FULLWIDTH, 2)]
)
def test_a_wrong_password_costs_an_unknown_user_the_same_verifies(
    password: str, tries: int
) -> None:
    hasher = CountingHasher()
    passwords = PasswordService(hashers=[hasher])
    stored = passwords.hash("something else entirely")
    hasher.verifies = 0
    assert passwords.verify(password, stored) == (False, None)
    known = hasher.verifies
    hasher.verifies = 0
    passwords.dummy_verify(password)
    assert (known, hasher.verifies) == (tries, tries)


@pytest.mark.parametrize("password", [None, 42, b"bytes"])
def test_a_password_that_is_not_text_is_refused(password: object) -> None:
    passwords = PasswordService(hashers=[CountingHasher()])
    with pytest.raises(InvalidInput):
        passwords.hash(password)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        passwords.verify(password, passwords.hash("x" * 12))  # type: ignore[arg-type]
