"""Password login: a username or email and a password, throttled and timing-safe.

Rules this method guards:

- an unknown user costs one hash like a known one (``dummy_verify``), and both
  fail with the same InvalidCredentials, so neither the answer nor a stopwatch
  says whether an account exists;
- the lookup and the reservation of the guess (``Lockout.reserve_in``) share
  one transaction, and a locked account or address is refused before any
  hashing; at most ``threshold`` concurrent guesses reach the hash;
- input too long to be a password still costs a hash and names nothing;
- a correct password under an old algorithm or cost is rehashed quietly (one
  column, audited as ``password.rehashed``, not a password change).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from authgate.core.events import LoginFailed, PasswordRehashed
from authgate.core.identity import normalize_login
from authgate.core.lockout.guard import Lockout, account_key, login_key
from authgate.core.login.method import Client, Verified
from authgate.core.passwords.service import PasswordService
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidCredentials

__all__ = ["MAX_PASSWORD_INPUT", "PasswordLogin"]

MAX_PASSWORD_INPUT = 4096


@dataclass(kw_only=True, eq=False)
class PasswordLogin:
    """Credentials ``{"login": ..., "password": ...}``."""

    name = "password"

    uow: UnitOfWork
    lockout: Lockout
    passwords: PasswordService

    def authenticate(self, credentials: Mapping[str, object], client: Client) -> Verified:
        login, password = credentials.get("login"), credentials.get("password")
        if not isinstance(login, str) or not isinstance(password, str):
            raise InvalidCredentials()
        key = normalize_login(login)
        attempted = key[:320]
        with self.uow.write() as work:
            found = work.users.find_by_login(key) if key else None
            user = found.user if found else None
            counter = account_key(user.id) if user else login_key(key)
            attempt = self.lockout.reserve_in(
                work, counter, client=client, user_id=user.id if user else None, attempted=attempted
            )
        attempt.check()
        ok, new_hash = False, None
        stored = found.password_hash if found else None
        if len(password) > MAX_PASSWORD_INPUT or not password:
            self.passwords.dummy_verify("x")
        elif stored is None:
            self.passwords.dummy_verify(password)
        else:
            ok, new_hash = self.passwords.verify(password, stored)
        if not ok or user is None:
            failure = LoginFailed(
                user_id=user.id if user else None,
                username=attempted,
                client=client,
                reason="invalid_password" if user else "unknown_user",
            )
            self.lockout.failed(attempt, failure)
            raise InvalidCredentials()
        if new_hash is not None and stored is not None:
            self._store_rehash(user.id, stored, new_hash)
        return Verified(
            user=user,
            method=self.name,
            attempted=attempted,
            attempt=attempt,
        )

    def _store_rehash(self, user_id: int, old_hash: str, new_hash: str) -> None:
        """Save an upgraded hash quietly: one column, not a password change."""
        with self.uow.write() as work:
            username = work.users.replace_hash(user_id, old_hash, new_hash)
            if username is not None:
                work.emit(
                    PasswordRehashed(
                        user_id=user_id,
                        username=username,
                        old_scheme=self.passwords.scheme_of(old_hash),
                        new_scheme=self.passwords.scheme_of(new_hash),
                    )
                )
