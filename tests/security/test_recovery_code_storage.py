"""Issue 10, item 8: a stolen database does not give away recovery codes.

A code has about 49 bits; stored as plain SHA-256 the whole code space is an
offline search of days on one GPU. The store now keeps HMAC-SHA256 under a
key derived from ``AUTHGATE_SECRET_KEY``, which is not in the database.
These tests read the table as a thief would, log in with a code, and show
that codes stored the old way still work (once).
"""

from __future__ import annotations

from collections.abc import Callable

import pyotp
import pytest
from sqlalchemy import select

from authgate.core.clock import FrozenClock
from authgate.core.mfa.recovery_codes import RecoveryCodeHasher, legacy_code_hash
from authgate.errors import InvalidCredentials, MfaInvalidCode, MfaRequired
from authgate.root import Authgate
from authgate.store.models import RecoveryCode

PASSWORD = "correct horse battery staple"
SECRET = "a long random secret key for this deployment only 7f3a"


@pytest.fixture
def auth(service_factory: Callable[..., Authgate]) -> Authgate:
    return service_factory(secret_key=SECRET)


def _enrol(auth: Authgate, clock: FrozenClock) -> tuple[int, list[str]]:
    user_id = auth.accounts.register("alice", PASSWORD).id
    secret = auth.mfa.begin_enrollment(user_id).secret
    codes = auth.mfa.confirm_enrollment(user_id, pyotp.TOTP(secret).at(clock.now()))
    clock.advance(seconds=30)
    return user_id, codes


def _stored(auth: Authgate) -> set[str]:
    with auth.store.engine.connect() as connection:
        return set(connection.execute(select(RecoveryCode.code_hash)).scalars())


def _log_in_with(auth: Authgate, code: str) -> int:
    with pytest.raises(MfaRequired) as step:
        auth.logins.password("alice", PASSWORD)
    assert step.value.ticket is not None
    return auth.logins.second_factor(step.value.ticket, code).user.id


def test_the_table_alone_does_not_confirm_any_code(auth: Authgate, clock: FrozenClock) -> None:
    user_id, codes = _enrol(auth, clock)
    stored = _stored(auth)
    assert len(stored) == 10
    # The thief's offline check (the old, unkeyed digest) matches nothing, even for the right code:
    assert not {legacy_code_hash(user_id, code) for code in codes} & stored
    # nor does the right construction under any key but the deployment's.
    guessed_key = RecoveryCodeHasher("changeme")
    assert not {guessed_key.digest(user_id, code) for code in codes} & stored
    # With the configured key (which the database does not hold) every code is there.
    assert {RecoveryCodeHasher(SECRET).digest(user_id, code) for code in codes} == stored


def test_a_code_logs_in_once(auth: Authgate, clock: FrozenClock) -> None:
    user_id, codes = _enrol(auth, clock)
    assert _log_in_with(auth, codes[3]) == user_id
    with pytest.raises(MfaInvalidCode):
        _log_in_with(auth, codes[3])


def test_codes_stored_as_plain_sha256_before_the_change_still_log_in_once(
    auth: Authgate, clock: FrozenClock
) -> None:
    user_id, _ = _enrol(auth, clock)
    old_codes = ["abcde-fghjk", "mnpqr-stuvw"]
    with auth.uow.write() as work:  # the rows as an earlier release wrote them
        legacy = [legacy_code_hash(user_id, code) for code in old_codes]
        work.mfa.replace_codes(user_id, legacy, now=clock.now())
    assert _log_in_with(auth, "ABCDE-FGHJK") == user_id
    with pytest.raises(MfaInvalidCode):
        _log_in_with(auth, "abcde-fghjk")
    assert auth.mfa.status(user_id).recovery_codes_left == 1
    # New codes replace the old rows entirely: only keyed digests remain.
    fresh = auth.mfa.regenerate_recovery_codes(user_id, old_codes[1])
    assert _stored(auth) == {RecoveryCodeHasher(SECRET).digest(user_id, c) for c in fresh}


def test_another_deployment_key_does_not_accept_the_codes(
    service_factory: Callable[..., Authgate], clock: FrozenClock
) -> None:
    """Codes are bound to the secret key: the same rows under another key are refused."""
    first = service_factory(secret_key=SECRET)
    _, codes = _enrol(first, clock)
    url = first.settings.database_url
    other = service_factory(url, secret_key="a different secret key for another deployment")
    with pytest.raises(MfaRequired) as step:
        other.logins.password("alice", PASSWORD)
    assert step.value.ticket is not None
    with pytest.raises((MfaInvalidCode, InvalidCredentials)):
        other.logins.second_factor(step.value.ticket, codes[0])
