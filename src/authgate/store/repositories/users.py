"""Accounts and their roles over SQLAlchemy: ``UserRepository`` for core.

Reads are column SELECTs with the roles aggregate, so a user costs one round
trip (the login lookup runs on every password check). Changes are targeted
UPDATEs, then one read of the result: no entity is loaded, changed and
flushed, and nothing stays attached to the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from authgate.core.ports.users import NewUser, UserCredentials
from authgate.core.records import AuthUser
from authgate.errors import UserNotFound
from authgate.store.models import Role, User, UserRole
from authgate.store.repositories._mapping import (
    USER_COLUMNS,
    apply,
    inserted_id,
    roles_column,
    table_of,
    to_user,
    unique_keys,
)

__all__ = ["SqlUserRepository"]

_MAX_PAGE = 1000
_Match = Literal["id", "login", "email"]


@lru_cache(maxsize=32)
def _user_query(dialect: str, match: _Match, credentials: bool) -> Select[Any]:
    """One user by ``:key``, built once per shape and reused (the login path is hot)."""
    columns: list[Any] = [*USER_COLUMNS, roles_column(dialect)]
    if credentials:
        columns += [
            User.password_hash.label("u_password_hash"),
            User.email_key.label("u_email_key"),
        ]
    key: BindParameter[Any] = bindparam("key")
    if match == "id":
        where = User.id == key
    elif match == "email":
        where = User.email_key == key
    else:
        where = or_(User.username_key == key, User.email_key == key)
    return select(*columns).where(where).limit(1)


# Built once (every login runs it); also the "still active" check of a login.
_USERS = table_of(User)
_STAMP_LOGIN = (
    update(_USERS)
    .where(_USERS.c.id == bindparam("uid"), _USERS.c.is_active.is_(True))
    .values(last_login_at=bindparam("now"))
)


def _like_pattern(search: str) -> str:
    """``%search%`` with the user's own ``%``, ``_`` and ``\\`` matching literally."""
    escaped = search.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlUserRepository:
    """``UserRepository`` bound to one open transaction's connection.

    The methods that return the changed user raise ``UserNotFound`` for an
    unknown id: the UPDATE that touched no row is the existence check.
    """

    def __init__(self, db: Connection, *, dialect: str) -> None:
        self.db = db
        self.dialect = dialect

    # -- reading ----------------------------------------------------------

    def get(self, user_id: int) -> AuthUser | None:
        if not isinstance(user_id, int):
            return None
        row = self.db.execute(_user_query(self.dialect, "id", False), {"key": user_id}).first()
        return to_user(row) if row is not None else None

    def get_credentials(self, user_id: int) -> UserCredentials | None:
        if not isinstance(user_id, int):
            return None
        return self._credentials("id", user_id)

    def find_by_login(self, key: str) -> UserCredentials | None:
        return self._credentials("login", key) if key else None

    def find_by_email_or_username(self, key: str, *, email_only: bool) -> UserCredentials | None:
        if not key:
            return None
        return self._credentials("email" if email_only else "login", key)

    def _credentials(self, match: _Match, key: object) -> UserCredentials | None:
        row = self.db.execute(_user_query(self.dialect, match, True), {"key": key}).first()
        if row is None:
            return None
        return UserCredentials(
            user=to_user(row), password_hash=row.u_password_hash, email_key=row.u_email_key
        )

    def username_taken(self, username_key: str) -> bool:
        found = self.db.scalar(select(User.id).where(User.username_key == username_key).limit(1))
        return found is not None

    def email_taken(self, email_key: str, *, other_than: int | None = None) -> bool:
        statement = select(User.id).where(User.email_key == email_key)
        if other_than is not None:
            statement = statement.where(User.id != other_than)
        return self.db.scalar(statement.limit(1)) is not None

    def list(self, *, search: str | None, limit: int, offset: int) -> list[AuthUser]:
        statement = select(*USER_COLUMNS, roles_column(self.dialect)).order_by(User.username_key)
        if search:
            pattern = _like_pattern(search)
            statement = statement.where(
                or_(
                    User.username_key.like(pattern, escape="\\"),
                    User.email_key.like(pattern, escape="\\"),
                    func.lower(User.display_name).like(pattern, escape="\\"),
                )
            )
        statement = statement.limit(max(1, min(limit, _MAX_PAGE))).offset(max(0, offset))
        return [to_user(row) for row in self.db.execute(statement)]

    def count(self) -> int:
        return int(self.db.scalar(select(func.count()).select_from(User)) or 0)

    # -- creating and changing ----------------------------------------------

    def add(self, new: NewUser) -> AuthUser:
        with unique_keys(self.db):
            result = self.db.execute(
                insert(User).values(
                    username=new.username,
                    username_key=new.username_key,
                    email=new.email,
                    email_key=new.email_key,
                    email_verified=False,
                    display_name=new.display_name,
                    password_hash=new.password_hash,
                    password_changed_at=new.password_changed_at,
                    must_change_password=new.must_change_password,
                    is_active=True,
                    created_at=new.created_at,
                    updated_at=new.created_at,
                    last_login_at=None,
                )
            )
        user_id = inserted_id(result)
        self._grant(user_id, set(new.roles), now=new.created_at)
        return self._require(user_id)

    def set_roles(self, user_id: int, roles: Iterable[str], *, now: datetime) -> tuple[str, ...]:
        # The UPDATE first: it proves the user exists and, on server databases,
        # locks the row so two admins editing the same roles take turns.
        self._touch(user_id, {User.updated_at: now})
        current: dict[str, int] = {
            name: role_id
            for name, role_id in self.db.execute(
                select(Role.name, Role.id)
                .join(UserRole, UserRole.role_id == Role.id)
                .where(UserRole.user_id == user_id)
            )
        }
        wanted = set(roles)
        dropped = [role_id for name, role_id in current.items() if name not in wanted]
        if dropped:
            apply(
                self.db,
                delete(UserRole).where(UserRole.user_id == user_id, UserRole.role_id.in_(dropped)),
            )
        self._grant(user_id, wanted - current.keys(), now=now)
        return tuple(sorted(current))

    def set_profile(
        self,
        user_id: int,
        *,
        display_name: str | None = None,
        email: tuple[str | None, str | None] | None = None,
        now: datetime,
    ) -> AuthUser:
        if display_name is None and email is None:
            return self._require(user_id)
        changes: list[tuple[Any, Any]] = []
        if email is not None:
            address, key = email
            # Listed before the key moves: MySQL evaluates SET left to right,
            # so this must compare against the old key.
            unchanged = User.email_key.is_not_distinct_from(key)
            changes.append((User.email_verified, unchanged & User.email_verified))
            changes += [(User.email, address), (User.email_key, key)]
        if display_name is not None:
            changes.append((User.display_name, display_name))
        changes.append((User.updated_at, now))
        statement = update(User).where(User.id == user_id).ordered_values(*changes)
        if email is None:
            touched = apply(self.db, statement)
        else:
            with unique_keys(self.db):
                touched = apply(self.db, statement)
        if touched != 1:
            raise UserNotFound()
        return self._require(user_id)

    def set_password_hash(
        self,
        user_id: int,
        password_hash: str,
        *,
        now: datetime,
        must_change: bool,
        email_verified: bool | None = None,
    ) -> AuthUser:
        values: dict[Any, Any] = {
            User.password_hash: password_hash,
            User.password_changed_at: now,
            User.updated_at: now,
            User.must_change_password: must_change,
        }
        if email_verified is not None:
            values[User.email_verified] = email_verified
        self._touch(user_id, values)
        return self._require(user_id)

    def replace_hash(self, user_id: int, old_hash: str, new_hash: str) -> str | None:
        swapped = apply(
            self.db,
            update(User)
            .where(User.id == user_id, User.password_hash == old_hash)
            .values(password_hash=new_hash),
        )
        if swapped != 1:
            return None
        return self.db.scalar(select(User.username).where(User.id == user_id))

    def set_active(self, user_id: int, active: bool, *, now: datetime) -> AuthUser:
        self._touch(user_id, {User.is_active: bool(active), User.updated_at: now})
        return self._require(user_id)

    def mark_email_verified(self, user_id: int, *, now: datetime) -> AuthUser:
        self._touch(user_id, {User.email_verified: True, User.updated_at: now})
        return self._require(user_id)

    def stamp_login(self, user_id: int, *, now: datetime) -> bool:
        """One UPDATE that is also the "still active" check, so a disabled account gets nothing."""
        result = self.db.execute(_STAMP_LOGIN, {"uid": user_id, "now": now})
        return int(getattr(result, "rowcount", 0) or 0) == 1

    def delete(self, user_id: int) -> None:
        """Delete the account; its roles, sessions, tokens and factor go by foreign-key cascade."""
        apply(self.db, delete(User).where(User.id == user_id))

    # -- helpers ------------------------------------------------------------------

    def _require(self, user_id: int) -> AuthUser:
        user = self.get(user_id)
        if user is None:
            raise UserNotFound()
        return user

    def _touch(self, user_id: int, values: dict[Any, Any]) -> None:
        if apply(self.db, update(User).where(User.id == user_id).values(values)) != 1:
            raise UserNotFound()

    def _grant(self, user_id: int, names: Iterable[str], *, now: datetime) -> None:
        rows = [
            {"user_id": user_id, "role_id": self._role_id(name, now=now)} for name in sorted(names)
        ]
        if rows:
            self.db.execute(insert(UserRole), rows)

    def _role_id(self, name: str, *, now: datetime) -> int:
        """The role's id, creating the role on first use (roles are not declared up front)."""
        found = self.db.scalar(select(Role.id).where(Role.name == name))
        if found is not None:
            return found
        try:
            with self.db.begin_nested():
                result = self.db.execute(insert(Role).values(name=name, created_at=now))
            return inserted_id(result)
        except IntegrityError:
            # Another transaction created it between our SELECT and INSERT.
            found = self.db.scalar(select(Role.id).where(Role.name == name))
            if found is None:
                raise
            return found
