"""Checking a passkey answer (an assertion), the one way every flow does it.

Logins, the second step after a password and re-authentication all go
through ``AssertionCheck.verify``, so the rules hold everywhere:

- the challenge is spent first (single use, bound to who asked, two minutes);
- an unknown credential, a credential of another user, a user handle that
  does not match, a bad signature, a wrong origin or RP id, missing user
  verification: ``PasskeyRejected``, audited as ``passkey.failed``; the ones
  that name a real account count toward its lockout, like a wrong password,
  and a locked account is refused before its key is even checked;
- the signature counter: when the authenticator counts (either side non-zero)
  the new value must be higher than the stored one. Lower or equal means two
  copies of the key may exist: refused and audited as
  ``passkey.clone_suspected``. Authenticators that always send 0 (most
  synced passkeys) are accepted. The new count is stored by a conditional
  update, so two replicas cannot both accept the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from authgate.core.clock import Clock
from authgate.core.lockout.guard import Lockout, account_key
from authgate.core.passkeys.ceremony import RelyingParty
from authgate.core.passkeys.challenges import spend_challenge
from authgate.core.passkeys.events import PasskeyCloneSuspected, PasskeyFailed
from authgate.core.ports.passkeys import PasskeyRecord
from authgate.core.records import AuthUser, Client
from authgate.core.tokens.one_time import TokenPurpose
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import InvalidToken, PasskeyRejected

__all__ = ["AssertionCheck", "Proven"]


@dataclass(frozen=True)
class Proven:
    """Whom a passkey answer proved, with which passkey, and the lockout count before."""

    user: AuthUser
    passkey: PasskeyRecord
    prior_failures: int


@dataclass(kw_only=True, eq=False)
class AssertionCheck:
    """Verifies passkey answers against stored challenges and passkeys (build once)."""

    uow: UnitOfWork
    lockout: Lockout
    relying_party: RelyingParty
    clock: Clock

    def verify(
        self,
        purpose: TokenPurpose,
        challenge_id: object,
        credential: object,
        client: Client,
        *,
        user_id: int | None = None,
        session_id: str | None = None,
    ) -> Proven:
        """The user and passkey that answered the challenge, or raise.

        ``user_id`` restricts the answer to that user's passkeys (the second
        step, re-authentication); ``session_id`` is the session a bound
        challenge must come from. Raises PasskeyRejected, InvalidToken,
        TokenExpired, TokenReused, AccountLocked.
        """
        try:
            assertion = self.relying_party.read_assertion(credential)
            with self.uow.write() as work:
                spent = spend_challenge(
                    work.one_time_tokens,
                    purpose,
                    challenge_id,
                    now=self.clock.now(),
                    user_id=user_id,
                    session_id=session_id,
                )
                passkey = work.passkeys.find(assertion.credential_id)
                user = work.users.get(passkey.user_id) if passkey else None
        except (PasskeyRejected, InvalidToken) as error:
            self.uow.record(PasskeyFailed(client=client, reason=error.code, purpose=purpose.value))
            raise
        if passkey is None or user is None or spent.user_id not in (None, user.id):
            self._fail(purpose, client, "unknown_credential", user=None)
        if assertion.user_handle is not None and assertion.user_handle != passkey.user_handle:
            self._fail(purpose, client, "user_handle_mismatch", user=user, passkey=passkey)
        key = account_key(user.id)
        prior = self.lockout.refuse_if_locked(
            key, client=client, user_id=user.id, attempted=user.username
        )
        try:
            count, backed_up = self.relying_party.verify_assertion(
                assertion, challenge=spent.challenge, passkey=passkey
            )
        except PasskeyRejected:
            self._fail(purpose, client, "invalid_assertion", user=user, passkey=passkey)
        counting = count > 0 or passkey.sign_count > 0
        if counting and count <= passkey.sign_count:
            clone = PasskeyCloneSuspected(
                user=user,
                client=client,
                passkey_id=passkey.id,
                stored_count=passkey.sign_count,
                presented_count=count,
            )
            self.lockout.count_failure(key, clone, user=user, attempted=user.username)
            raise PasskeyRejected()
        with self.uow.write() as work:
            recorded = work.passkeys.record_use(
                passkey.id,
                seen_count=passkey.sign_count,
                sign_count=count,
                backed_up=backed_up,
                now=self.clock.now(),
            )
        if not recorded:  # another request used the same answer first
            self._fail(purpose, client, "concurrent_use", user=user, passkey=passkey)
        return Proven(user=user, passkey=passkey, prior_failures=prior)

    def _fail(
        self,
        purpose: TokenPurpose,
        client: Client,
        reason: str,
        *,
        user: AuthUser | None,
        passkey: PasskeyRecord | None = None,
    ) -> NoReturn:
        """Audit the failure (counted on the account when one is known) and refuse."""
        failure = PasskeyFailed(
            user=user,
            client=client,
            reason=reason,
            purpose=purpose.value,
            passkey_id=passkey.id if passkey else None,
        )
        if user is None:
            self.uow.record(failure)
        else:
            self.lockout.count_failure(
                account_key(user.id), failure, user=user, attempted=user.username
            )
        raise PasskeyRejected()
