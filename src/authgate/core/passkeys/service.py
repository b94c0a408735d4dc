"""``PasskeyService``: adding, listing and removing passkeys, and login challenges.

Adding and removing a passkey need a recent login (``RecentLogin``): someone
who finds an unlocked laptop with an old session must not be able to plant
their own passkey. A new passkey is verified by py_webauthn against a
challenge that only the asking session can answer, with user verification
required and attestation "none"; only its public key, counter, backup flags
and transports are stored. Logging in with one is ``core/login/passkey.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from authgate.core.clock import Clock
from authgate.core.identity import sanitize_client_text
from authgate.core.passkeys.ceremony import RegisteredKey, RelyingParty, new_user_handle
from authgate.core.passkeys.challenges import PasskeyOptions, issue_challenge, spend_challenge
from authgate.core.passkeys.events import (
    PasskeyAdded,
    PasskeyFailed,
    PasskeyRemoved,
)
from authgate.core.passkeys.recent_login import RecentLogin
from authgate.core.ports.passkeys import NewPasskey, PasskeyRecord
from authgate.core.ports.store import DuplicateRecord
from authgate.core.records import AuthUser, Client
from authgate.core.tokens.one_time import TokenPurpose, peek_token
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import (
    InvalidInput,
    InvalidToken,
    PasskeyRejected,
    UserNotFound,
)

__all__ = ["MAX_PASSKEY_NAME", "PasskeyService"]

MAX_PASSKEY_NAME = 64


def _passkey_name(name: object) -> str:
    text = sanitize_client_text(name if isinstance(name, str) else None, MAX_PASSKEY_NAME)
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Give the passkey a name (for example the device it is on).")
    return text


@dataclass(kw_only=True, eq=False)
class PasskeyService:
    """Passkeys on one store; build once per process (through the composition root)."""

    uow: UnitOfWork
    relying_party: RelyingParty
    recent: RecentLogin
    clock: Clock

    # -- reading ----------------------------------------------------------------

    def list(self, user_id: int) -> list[PasskeyRecord]:
        """The user's passkeys, oldest first."""
        with self.uow.read() as repos:
            return repos.passkeys.list_for_user(user_id)

    def counts(self, user_ids: Iterable[int]) -> dict[int, int]:
        """How many passkeys each user has (for the admin's user table)."""
        with self.uow.read() as repos:
            return repos.passkeys.count_by_user(user_ids)

    # -- adding -----------------------------------------------------------------

    def registration_options(
        self, user_id: int, session_id: str, *, reauth_token: object = None
    ) -> PasskeyOptions:
        """Creation options for a new passkey, bound to this session for two minutes.

        Raises ReauthenticationRequired past the recent-login window without
        a valid ``reauth_token``, NotAuthenticated for a foreign session.
        """
        user = self.recent.require(user_id, session_id, reauth_token)
        with self.uow.write() as work:
            passkeys = work.passkeys.list_for_user(user.id)
            # One handle per account: an authenticator then replaces, not duplicates, a passkey.
            handle = passkeys[0].user_handle if passkeys else new_user_handle()
            issued = issue_challenge(
                work,
                TokenPurpose.PASSKEY_REGISTRATION,
                now=self.clock.now(),
                user=user,
                session_id=session_id,
                keep={"user_handle": handle},
            )
        options = self.relying_party.creation_options(
            challenge=issued.challenge,
            user_handle=handle,
            user_name=user.email or user.username,
            display_name=user.label,
            exclude=passkeys,
        )
        return issued.offer(options)

    def register(
        self,
        user_id: int,
        session_id: str,
        challenge_id: object,
        credential: object,
        *,
        name: object,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> PasskeyRecord:
        """Verify the browser's answer to ``registration_options`` and store the passkey.

        Raises InvalidInput (no name), InvalidToken/TokenExpired/TokenReused
        for the challenge, PasskeyRejected for an answer that does not verify
        or a passkey already registered.
        """
        client = Client.of(ip, user_agent)
        label = _passkey_name(name)
        try:
            with self.uow.write() as work:
                spent = spend_challenge(
                    work.one_time_tokens,
                    TokenPurpose.PASSKEY_REGISTRATION,
                    challenge_id,
                    now=self.clock.now(),
                    user_id=user_id,
                    session_id=session_id,
                )
            key = self.relying_party.verify_registration(credential, challenge=spent.challenge)
        except (InvalidToken, PasskeyRejected) as error:
            self._record_failure(user_id, client, error.code)
            raise
        try:
            with self.uow.write() as work:
                user = self._user(work, user_id)
                handle = str(spent.data.get("user_handle", ""))
                stored = work.passkeys.add(self._new(user, key, label, handle))
                work.emit(
                    PasskeyAdded(
                        user=user,
                        client=client,
                        passkey_id=stored.id,
                        name=stored.name,
                        backup_eligible=stored.backup_eligible,
                        backed_up=stored.backed_up,
                    )
                )
        except DuplicateRecord:
            self._record_failure(user_id, client, "already_registered")
            raise PasskeyRejected("This passkey is already registered.") from None
        return stored

    # -- logging in -------------------------------------------------------------

    def login_options(self, *, mfa_ticket: object = None) -> PasskeyOptions:
        """Request options for a login.

        Without ``mfa_ticket``: usernameless, the browser offers any of the
        user's discoverable passkeys. With the ticket a correct password
        earned: the second step, limited to that user's passkeys. Raises
        InvalidToken, TokenExpired, TokenReused for a bad ticket, PasskeyRejected
        when that user has no passkey.
        """
        now = self.clock.now()
        with self.uow.write() as work:
            user_id: int | None = None
            if mfa_ticket is not None:
                ticket = peek_token(
                    work.one_time_tokens, TokenPurpose.MFA_TICKET, mfa_ticket, now=now
                )
                user_id = ticket.user_id
            allow = work.passkeys.list_for_user(user_id) if user_id is not None else []
            if user_id is not None and not allow:  # the ticket's holder knows the password
                raise PasskeyRejected("This account has no passkey yet: enter the code instead.")
            issued = issue_challenge(work, TokenPurpose.PASSKEY_LOGIN, now=now, user_id=user_id)
        return issued.offer(
            self.relying_party.request_options(challenge=issued.challenge, allow=allow)
        )

    # -- removing ---------------------------------------------------------------

    def remove(
        self,
        user_id: int,
        session_id: str,
        passkey_id: int,
        *,
        reauth_token: object = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> PasskeyRecord:
        """Remove one of one's own passkeys (recent login required); UserNotFound if none."""
        self.recent.require(user_id, session_id, reauth_token)
        return self._remove(user_id, passkey_id, Client.of(ip, user_agent), actor_id=None)

    def admin_remove(self, user_id: int, passkey_id: int, *, actor_id: int) -> PasskeyRecord:
        """Remove a user's passkey as an administrator (a lost device)."""
        return self._remove(user_id, passkey_id, Client(), actor_id=actor_id)

    def _remove(
        self, user_id: int, passkey_id: int, client: Client, *, actor_id: int | None
    ) -> PasskeyRecord:
        with self.uow.write() as work:
            user = self._user(work, user_id)
            removed = work.passkeys.delete(user.id, passkey_id)
            if removed is None:
                raise UserNotFound("No such passkey.")
            work.emit(
                PasskeyRemoved(
                    user=user,
                    client=client,
                    actor_id=actor_id,
                    passkey_id=removed.id,
                    name=removed.name,
                    by_admin=actor_id is not None,
                )
            )
        return removed

    # -- helpers ----------------------------------------------------------------

    @staticmethod
    def _user(work: Work, user_id: int) -> AuthUser:
        user = work.users.get(user_id)
        if user is None:
            raise UserNotFound()
        return user

    def _new(self, user: AuthUser, key: RegisteredKey, label: str, handle: str) -> NewPasskey:
        """The passkey to store: every field of the verified key, plus whose, its name and when.

        ``RegisteredKey`` holds exactly the stored fields a registration
        proves, so they are carried over as a whole: a field added to both
        cannot be forgotten here.
        """
        return NewPasskey(
            user_id=user.id,
            user_handle=handle,
            name=label,
            created_at=self.clock.now(),
            **asdict(key),
        )

    def _record_failure(self, user_id: int, client: Client, reason: str) -> None:
        self.uow.record(
            PasskeyFailed(
                user_id=user_id,
                client=client,
                reason=reason,
                purpose=TokenPurpose.PASSKEY_REGISTRATION.value,
            )
        )
