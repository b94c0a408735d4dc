"""Creating accounts: self-registration, creation by an administrator, and imports.

Every new account goes through ``Registration``: names and addresses are
normalized and checked for clashes before the (expensive) hash, the policy
sees every reason a password is weak at once, and of two racing registrations
of one name exactly one wins (the store's unique keys decide). A
self-registered account with an address gets its verification link from
here, so the gate and the API cannot drift apart on that rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from authgate.core.clock import Clock
from authgate.core.events import UserImported, UserRegistered
from authgate.core.identity import (
    NormalizedEmail,
    NormalizedUsername,
    normalize_display_name,
    normalize_email,
    normalize_role,
    normalize_username,
)
from authgate.core.passwords.service import PasswordService
from authgate.core.passwords.validators import PasswordPolicy
from authgate.core.ports.store import DuplicateRecord
from authgate.core.ports.users import NewUser
from authgate.core.records import AuthUser, Client
from authgate.core.unit_of_work import UnitOfWork
from authgate.errors import EmailTaken, InvalidInput, RegistrationClosed, UsernameTaken

if TYPE_CHECKING:
    from authgate.core.recovery.email_verification import EmailVerification

__all__ = ["AccountRules", "Registration"]


@dataclass(frozen=True, kw_only=True)
class AccountRules:
    """The settings registration obeys, named (built once by the composition root)."""

    allow_registration: bool = True
    default_roles: tuple[str, ...] = ("user",)
    username_min_length: int = 3
    username_max_length: int = 32

    def username(self, raw: str) -> NormalizedUsername:
        return normalize_username(
            raw, min_length=self.username_min_length, max_length=self.username_max_length
        )


@dataclass(kw_only=True, eq=False)
class Registration:
    uow: UnitOfWork
    passwords: PasswordService
    policy: PasswordPolicy
    rules: AccountRules
    clock: Clock
    verification: EmailVerification | None = None

    def register(
        self,
        username: str,
        password: str,
        *,
        email: str | None = None,
        display_name: str | None = None,
        roles: Iterable[str] | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
        actor_id: int | None = None,
        must_change_password: bool = False,
    ) -> AuthUser:
        """Create an account; self-registration (no ``actor_id``) gets the default roles only.

        Raises RegistrationClosed, InvalidUsername, InvalidEmail, WeakPassword
        (every reason at once), UsernameTaken or EmailTaken.
        """
        by_admin = actor_id is not None
        if not by_admin and not self.rules.allow_registration:
            raise RegistrationClosed()
        name = self.rules.username(username)
        mail = normalize_email(email) if email not in (None, "") else None
        label = normalize_display_name(display_name, fallback=name.value)
        role_names = (
            sorted({normalize_role(r) for r in roles})
            if by_admin and roles is not None
            else list(self.rules.default_roles)
        )
        if not isinstance(password, str):
            raise InvalidInput("Password must be text.")
        self.policy.validate(password, username=name.value, email=mail.value if mail else None)
        self._ensure_free(name, mail)
        encoded = self.passwords.hash(password)
        now = self.clock.now()
        new = _new_user(
            name,
            mail,
            label,
            encoded,
            role_names,
            now=now,
            changed_at=now,
            must_change_password=must_change_password,
        )
        try:
            with self.uow.write() as work:
                user = work.users.add(new)
                work.emit(
                    UserRegistered(
                        user=user,
                        actor_id=actor_id,
                        client=Client(ip=ip, user_agent=user_agent),
                        roles=tuple(role_names),
                        by_admin=by_admin,
                    )
                )
        except DuplicateRecord:
            self._ensure_free(name, mail)
            raise UsernameTaken() from None
        if not by_admin and user.email and self.verification is not None:
            # A mail problem never undoes the registration (the user can ask again).
            self.verification.send_verification_email(user.id)
        return user

    def import_user(
        self,
        username: str,
        *,
        password_hash: str,
        email: str | None = None,
        display_name: str | None = None,
        roles: Iterable[str] = ("user",),
        source: str = "import",
        actor_id: int | None = None,
    ) -> AuthUser:
        """Create an account from an existing hash (bcrypt, legacy SHA-256).

        The hash is kept as it is and upgraded to Argon2id at the first login.
        """
        name = self.rules.username(username)
        mail = normalize_email(email) if email else None
        if not isinstance(password_hash, str) or not password_hash or len(password_hash) > 255:
            raise InvalidInput("The password hash is missing or malformed.")
        names = sorted({normalize_role(r) for r in roles}) or list(self.rules.default_roles)
        now = self.clock.now()
        label = normalize_display_name(display_name, fallback=name.value)
        try:
            with self.uow.write() as work:
                if work.users.username_taken(name.key):
                    raise UsernameTaken()
                if mail and work.users.email_taken(mail.key):
                    raise EmailTaken()
                user = work.users.add(
                    _new_user(name, mail, label, password_hash, names, now=now, changed_at=None)
                )
                work.emit(
                    UserImported(
                        user=user,
                        actor_id=actor_id,
                        source=source,
                        hash_scheme=self.passwords.scheme_of(password_hash),
                    )
                )
        except DuplicateRecord:
            raise UsernameTaken() from None
        return user

    def _ensure_free(self, name: NormalizedUsername, mail: NormalizedEmail | None) -> None:
        with self.uow.read() as repos:
            if repos.users.username_taken(name.key):
                raise UsernameTaken()
            if mail and repos.users.email_taken(mail.key):
                raise EmailTaken()


def _new_user(
    name: NormalizedUsername,
    mail: NormalizedEmail | None,
    display_name: str,
    password_hash: str,
    roles: Iterable[str],
    *,
    now: datetime,
    changed_at: datetime | None,
    must_change_password: bool = False,
) -> NewUser:
    """A new, active, unverified account (registration and import share it)."""
    return NewUser(
        username=name.value,
        username_key=name.key,
        email=mail.value if mail else None,
        email_key=mail.key if mail else None,
        display_name=display_name,
        password_hash=password_hash,
        password_changed_at=changed_at,
        must_change_password=must_change_password,
        roles=tuple(roles),
        created_at=now,
    )
