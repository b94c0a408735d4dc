"""What core needs from the store about accounts and their roles.

Repositories answer in core records (``AuthUser``, ``UserCredentials``), never
in rows, so nothing above the store can touch the database lazily. Methods
work inside the transaction of the ``Repositories`` they belong to; the unit
of work commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from authgate.core.records import AuthUser

__all__ = ["NewUser", "UserCredentials", "UserRepository"]


@dataclass(frozen=True)
class UserCredentials:
    """A user with what only a credential check may see: the stored hash and lookup keys."""

    user: AuthUser
    password_hash: str | None
    email_key: str | None


@dataclass(frozen=True)
class NewUser:
    """An account to create (registration and import share it); keys are normalized."""

    username: str
    username_key: str
    email: str | None
    email_key: str | None
    display_name: str
    password_hash: str | None
    password_changed_at: datetime | None
    must_change_password: bool
    roles: tuple[str, ...]
    created_at: datetime


class UserRepository(Protocol):
    def get(self, user_id: int) -> AuthUser | None:
        """The user, or None for an unknown id."""
        ...

    def get_credentials(self, user_id: int) -> UserCredentials | None:
        """The user with the stored hash (password checks, reset links)."""
        ...

    def find_by_login(self, key: str) -> UserCredentials | None:
        """The user whose username key or email key is ``key`` (the login path: cheap reads)."""
        ...

    def find_by_email_or_username(self, key: str, *, email_only: bool) -> UserCredentials | None:
        """Like ``find_by_login``; with ``email_only`` the email key alone matches."""
        ...

    def username_taken(self, username_key: str) -> bool: ...

    def email_taken(self, email_key: str, *, other_than: int | None = None) -> bool: ...

    def add(self, new: NewUser) -> AuthUser:
        """Insert the account with its roles; DuplicateRecord when a key is taken."""
        ...

    def list(self, *, search: str | None, limit: int, offset: int) -> list[AuthUser]:
        """Users by username; ``search`` (already sanitized) matches name, email, display name."""
        ...

    def count(self) -> int: ...

    def set_roles(self, user_id: int, roles: Iterable[str], *, now: datetime) -> tuple[str, ...]:
        """Make the user's roles exactly ``roles`` (normalized); return the old ones, sorted."""
        ...

    def set_profile(
        self,
        user_id: int,
        *,
        display_name: str | None = None,
        email: tuple[str | None, str | None] | None = None,
        now: datetime,
    ) -> AuthUser:
        """Change the display name and/or ``email`` as (address, key); a new address is unverified.

        DuplicateRecord when the email key is taken by another account.
        """
        ...

    def set_password_hash(
        self,
        user_id: int,
        password_hash: str,
        *,
        now: datetime,
        must_change: bool,
        email_verified: bool | None = None,
    ) -> AuthUser:
        """Store a new password (a change, reset or admin set: ``password_changed_at`` moves)."""
        ...

    def replace_hash(self, user_id: int, old_hash: str, new_hash: str) -> str | None:
        """Swap an upgraded hash in if the stored one is still ``old_hash``; the username or None.

        Not a password change: only the one column moves.
        """
        ...

    def set_active(self, user_id: int, active: bool, *, now: datetime) -> AuthUser: ...

    def mark_email_verified(self, user_id: int, *, now: datetime) -> AuthUser: ...

    def stamp_login(self, user_id: int, *, now: datetime) -> bool:
        """Set ``last_login_at`` if the account is active; False when it is not (or gone)."""
        ...

    def delete(self, user_id: int) -> None: ...
