"""``AccountService``: reading and administering accounts, and changing passwords.

Admin actions carry the acting admin's id (``actor_id``) into the audit row.
Any change that affects what a user may do (password, roles, disable,
delete) ends or re-checks their sessions and marks the work stale, so read
caches in front of the store notice at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from authgate.core.accounts.registration import Registration
from authgate.core.clock import Clock
from authgate.core.events import (
    AccountDisabledEvent,
    AccountEnabled,
    AccountUnlocked,
    AuthEvent,
    LoginFailed,
    PasswordChanged,
    PasswordSetByAdmin,
    ProfileUpdated,
    RolesChanged,
    UserDeleted,
)
from authgate.core.identity import (
    normalize_display_name,
    normalize_email,
    normalize_login,
    normalize_role,
    sanitize_client_text,
)
from authgate.core.lockout.guard import Lockout, account_key
from authgate.core.lockout.policy import ThrottleStatus
from authgate.core.passwords.service import PasswordService
from authgate.core.passwords.strength import estimate_strength
from authgate.core.passwords.validators import PasswordPolicy
from authgate.core.ports.store import DuplicateRecord
from authgate.core.ports.users import UserCredentials
from authgate.core.records import AuthUser, Client, StrengthEstimate
from authgate.core.unit_of_work import UnitOfWork, Work
from authgate.errors import EmailTaken, InvalidCredentials, InvalidInput, UserNotFound

__all__ = ["UNSET", "AccountService"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
_MAX_PAGE = 1000


@dataclass(kw_only=True, eq=False)
class AccountService:
    """Accounts on one store; build once per process (through the composition root)."""

    uow: UnitOfWork
    registration: Registration
    passwords: PasswordService
    policy: PasswordPolicy
    lockout: Lockout
    clock: Clock

    def __post_init__(self) -> None:
        # Creating accounts is its own job (``Registration``); callers find it here too.
        self.register = self.registration.register
        self.import_user = self.registration.import_user

    # -- reading ------------------------------------------------------------

    def get_user(self, user_id: int) -> AuthUser | None:
        with self.uow.read() as repos:
            return repos.users.get(user_id)

    def find_user(self, login: str) -> AuthUser | None:
        """Look a user up by username or email (case-insensitive)."""
        with self.uow.read() as repos:
            found = repos.users.find_by_login(normalize_login(login))
        return found.user if found is not None else None

    def list_users(
        self, *, search: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[AuthUser]:
        with self.uow.read() as repos:
            return repos.users.list(
                search=sanitize_client_text(search, 100) or None,
                limit=max(1, min(limit, _MAX_PAGE)),
                offset=max(0, offset),
            )

    def count_users(self) -> int:
        with self.uow.read() as repos:
            return repos.users.count()

    def password_strength(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> StrengthEstimate:
        return estimate_strength(password, [v for v in (username, email) if v])

    # -- profile and password ------------------------------------------------

    def update_profile(
        self,
        user_id: int,
        *,
        display_name: Any = UNSET,
        email: Any = UNSET,
        actor_id: int | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> AuthUser:
        """Change display name and/or email (``None`` or "" removes the email)."""
        now = self.clock.now()
        try:
            with self.uow.write() as work:
                current = _require(work, user_id)
                changed: list[str] = []
                new_name: str | None = None
                new_mail: tuple[str | None, str | None] | None = None
                if display_name is not UNSET:
                    value = normalize_display_name(display_name, fallback=current.user.username)
                    if value != current.user.display_name:
                        new_name = value
                        changed.append("display_name")
                if email is not UNSET:
                    mail = normalize_email(email) if email not in (None, "") else None
                    new_key = mail.key if mail else None
                    if new_key != current.email_key:
                        if new_key and work.users.email_taken(new_key, other_than=user_id):
                            raise EmailTaken()
                        new_mail = (mail.value if mail else None, new_key)
                        changed.append("email")
                if not changed:
                    return current.user
                result = work.users.set_profile(
                    user_id, display_name=new_name, email=new_mail, now=now
                )
                work.emit(
                    ProfileUpdated(
                        user_id=user_id,
                        username=result.username,
                        actor_id=actor_id,
                        client=Client(ip=ip, user_agent=user_agent),
                        changed=tuple(changed),
                    )
                )
                work.mark_stale()
        except DuplicateRecord:
            raise EmailTaken() from None
        return result

    def change_password(
        self,
        user_id: int,
        current_password: str,
        new_password: str,
        *,
        keep_session_id: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> int:
        """Change one's own password; every other session ends. Returns how many ended.

        A wrong current password counts toward the lockout like a failed login.
        """
        if not isinstance(current_password, str) or not isinstance(new_password, str):
            raise InvalidInput("Password must be text.")
        user = self.confirm_password(user_id, current_password, ip=ip, user_agent=user_agent)
        self.policy.validate(new_password, username=user.username, email=user.email)
        return self._store_password(
            user,
            new_password,
            keep_session_id=keep_session_id,
            must_change=False,
            event=lambda ended: PasswordChanged(
                user_id=user_id,
                username=user.username,
                client=Client(ip=ip, user_agent=user_agent),
                sessions_ended=ended,
            ),
        )

    def confirm_password(
        self,
        user_id: int,
        password: object,
        *,
        reason: str = "wrong_current_password",
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> AuthUser:
        """Check the signed-in user's own password again (a change, a re-authentication).

        A wrong one counts toward the lockout like a failed login (audited
        with ``reason``); a locked account is refused before any hashing.
        Raises UserNotFound, AccountLocked, InvalidCredentials.
        """
        with self.uow.read() as repos:
            found = repos.users.get_credentials(user_id)
        if found is None:
            raise UserNotFound()
        user, stored = found.user, found.password_hash
        key, client = account_key(user_id), Client.of(ip, user_agent)
        self.lockout.refuse_if_locked(key, client=client, user_id=user_id, attempted=user.username)
        ok = isinstance(password, str) and bool(stored)
        ok = ok and self.passwords.verify(str(password), stored or "")[0]
        if not ok:
            failure = LoginFailed(user=user, client=client, reason=reason)
            self.lockout.count_failure(key, failure, user=user, attempted=user.username)
            raise InvalidCredentials("The current password is incorrect.")
        return user

    def set_password(
        self,
        user_id: int,
        new_password: str,
        *,
        actor_id: int | None = None,
        must_change: bool = False,
        enforce_policy: bool = True,
    ) -> int:
        """Set a password as an administrator; all the user's sessions end."""
        if not isinstance(new_password, str):
            raise InvalidInput("Password must be text.")
        user = self._get(user_id)
        if enforce_policy:
            self.policy.validate(new_password, username=user.username, email=user.email)
        return self._store_password(
            user,
            new_password,
            keep_session_id=None,
            must_change=must_change,
            event=lambda ended: PasswordSetByAdmin(
                user_id=user_id,
                username=user.username,
                actor_id=actor_id,
                must_change=must_change,
                sessions_ended=ended,
            ),
        )

    def _store_password(
        self,
        user: AuthUser,
        new_password: str,
        *,
        keep_session_id: str | None,
        must_change: bool,
        event: Callable[[int], AuthEvent],
    ) -> int:
        """Hash and store a new password; the user's other sessions end; the lockout forgets.

        One rule for a change by the user and a set by an administrator, so
        neither can forget to end the sessions a leaked password opened.
        """
        encoded = self.passwords.hash(new_password)
        with self.uow.write() as work:
            _require(work, user.id)
            work.users.set_password_hash(
                user.id, encoded, now=self.clock.now(), must_change=must_change
            )
            ended = work.sessions.delete_for_user(user.id, keep=keep_session_id)
            work.emit(event(ended))
            work.mark_stale()
        self.lockout.clear_account(user.id)
        return ended

    # -- roles, state, deletion ------------------------------------------------

    def set_roles(
        self, user_id: int, roles: Iterable[str], *, actor_id: int | None = None
    ) -> AuthUser:
        names = sorted({normalize_role(r) for r in roles})
        with self.uow.write() as work:
            current = _require(work, user_id).user
            old = work.users.set_roles(user_id, names, now=self.clock.now())
            work.emit(
                RolesChanged(
                    user_id=user_id,
                    username=current.username,
                    actor_id=actor_id,
                    old_roles=old,
                    new_roles=tuple(names),
                )
            )
            work.mark_stale()
            return _require(work, user_id).user

    def set_active(self, user_id: int, active: bool, *, actor_id: int | None = None) -> AuthUser:
        """Enable or disable an account; disabling ends all of its sessions."""
        with self.uow.write() as work:
            _require(work, user_id)
            result = work.users.set_active(user_id, bool(active), now=self.clock.now())
            event: AuthEvent
            if active:
                event = AccountEnabled(user_id=user_id, username=result.username, actor_id=actor_id)
            else:
                ended = work.sessions.delete_for_user(user_id)
                event = AccountDisabledEvent(
                    user_id=user_id,
                    username=result.username,
                    actor_id=actor_id,
                    sessions_ended=ended,
                )
            work.emit(event)
            work.mark_stale()
        return result

    def delete_user(self, user_id: int, *, actor_id: int | None = None) -> None:
        """Delete an account with its sessions and tokens; its audit history stays."""
        with self.uow.write() as work:
            user = _require(work, user_id).user
            work.sessions.delete_for_user(user_id)
            work.users.delete(user_id)
            work.emit(UserDeleted(user_id=user_id, username=user.username, actor_id=actor_id))
            work.mark_stale()
        self.lockout.clear_account(user_id)

    def lockout_status(self, user_id: int) -> ThrottleStatus:
        return self.lockout.account_status(user_id)

    def unlock_user(self, user_id: int, *, actor_id: int | None = None) -> None:
        with self.uow.write() as work:
            user = _require(work, user_id).user
            work.emit(AccountUnlocked(user_id=user_id, username=user.username, actor_id=actor_id))
        self.lockout.clear_account(user_id)

    def _get(self, user_id: int) -> AuthUser:
        user = self.get_user(user_id)
        if user is None:
            raise UserNotFound()
        return user


def _require(work: Work, user_id: int) -> UserCredentials:
    found = work.users.get_credentials(user_id) if isinstance(user_id, int) else None
    if found is None:
        raise UserNotFound()
    return found
