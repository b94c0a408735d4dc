"""Account administration for ``AuthService``: profiles, passwords, roles, state.

Kept apart from login and sessions so each module stays one job; the methods
land on ``AuthService`` through ``UserAdminMixin``. Admin actions carry the
acting admin's id (``actor_id``) into the audit row. Any change that affects
what a user may do (password, roles, disable, delete) ends or re-checks their
sessions and bumps ``state_version`` so gate caches notice at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from authgate.core import sessions as session_store
from authgate.core._records import new_user_row, scheme_of, to_audit, to_user
from authgate.core._roles import assign_roles
from authgate.core.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidInput,
    UsernameTaken,
    UserNotFound,
)
from authgate.core.events import (
    AccountDisabledEvent,
    AccountEnabled,
    AccountUnlocked,
    AuthEvent,
    PasswordChanged,
    PasswordSetByAdmin,
    ProfileUpdated,
    RolesChanged,
    SessionRevokedEvent,
    SessionsRevoked,
    UserDeleted,
    UserImported,
)
from authgate.core.identity import (
    normalize_display_name,
    normalize_email,
    normalize_login,
    normalize_role,
    normalize_username,
    sanitize_client_text,
)
from authgate.core.records import AuditRecord, AuthUser, SessionRecord
from authgate.core.throttle import ThrottleStatus
from authgate.store.models import AuditEvent, Session, User

if TYPE_CHECKING:
    from authgate.config import AuthgateSettings
    from authgate.core.clock import Clock
    from authgate.core.passwords.service import PasswordService
    from authgate.core.passwords.validators import PasswordPolicy
    from authgate.core.throttle import Throttle

__all__ = ["UNSET", "UserAdminMixin"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
_MAX_PAGE = 1000


class UserAdminMixin:
    if TYPE_CHECKING:
        settings: AuthgateSettings
        clock: Clock
        passwords: PasswordService
        policy: PasswordPolicy
        throttle: Throttle

        def _db(self) -> AbstractContextManager[DbSession]: ...
        def _emit(self, db: DbSession, event: AuthEvent) -> None: ...
        def _after_commit(self, events: Iterable[AuthEvent]) -> None: ...
        def _bump(self) -> None: ...
        def _fail(
            self,
            account_key: str,
            ip: str | None,
            *,
            user: AuthUser | None,
            attempted: str,
            user_agent: str | None,
            reason: str,
        ) -> None: ...
        def _refuse_if_locked(
            self,
            account_key: str,
            ip: str | None,
            *,
            user_id: int | None,
            attempted: str,
            user_agent: str | None,
        ) -> int: ...

    # -- reading ------------------------------------------------------------

    def get_user(self, user_id: int) -> AuthUser | None:
        with self._db() as db:
            row = db.get(User, user_id)
            return to_user(row) if row is not None else None

    def find_user(self, login: str) -> AuthUser | None:
        """Look a user up by username or email (case-insensitive)."""
        key = normalize_login(login)
        with self._db() as db:
            row = db.scalar(
                select(User).where(or_(User.username_key == key, User.email_key == key)).limit(1)
            )
            return to_user(row) if row is not None else None

    def list_users(
        self, *, search: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[AuthUser]:
        statement = select(User).order_by(User.username_key)
        search = sanitize_client_text(search, 100)
        if search:
            escaped = (
                search.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            )
            pattern = f"%{escaped}%"
            statement = statement.where(
                or_(
                    User.username_key.like(pattern, escape="\\"),
                    User.email_key.like(pattern, escape="\\"),
                    func.lower(User.display_name).like(pattern, escape="\\"),
                )
            )
        statement = statement.limit(max(1, min(limit, _MAX_PAGE))).offset(max(0, offset))
        with self._db() as db:
            return [to_user(row) for row in db.scalars(statement).all()]

    def count_users(self) -> int:
        with self._db() as db:
            return int(db.scalar(select(func.count()).select_from(User)) or 0)

    def _require(self, db: DbSession, user_id: int) -> User:
        row = db.get(User, user_id)
        if row is None:
            raise UserNotFound()
        return row

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
        changed: list[str] = []
        try:
            with self._db() as db:
                row = self._require(db, user_id)
                if display_name is not UNSET:
                    value = normalize_display_name(display_name, fallback=row.username)
                    if value != row.display_name:
                        row.display_name = value
                        changed.append("display_name")
                if email is not UNSET:
                    mail = normalize_email(email) if email not in (None, "") else None
                    new_key = mail.key if mail else None
                    if new_key != row.email_key:
                        if new_key and db.scalar(
                            select(User.id).where(User.email_key == new_key, User.id != row.id)
                        ):
                            raise EmailTaken()
                        row.email = mail.value if mail else None
                        row.email_key = new_key
                        row.email_verified = False
                        changed.append("email")
                event = ProfileUpdated(
                    user_id=row.id,
                    username=row.username,
                    actor_id=actor_id,
                    ip=ip,
                    user_agent=user_agent,
                    changed=tuple(changed),
                )
                if changed:
                    row.updated_at = now
                    self._emit(db, event)
                result = to_user(row)
        except IntegrityError:
            raise EmailTaken() from None
        if changed:
            self._bump()
            self._after_commit([event])
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
        with self._db() as db:
            row = self._require(db, user_id)
            stored, username, email = row.password_hash, row.username, row.email
            user = to_user(row)
        account_key = f"account:{user_id}"
        self._refuse_if_locked(
            account_key, ip, user_id=user_id, attempted=username, user_agent=user_agent
        )
        ok = bool(stored) and self.passwords.verify(current_password, stored or "")[0]
        if not ok:
            self._fail(
                account_key,
                ip,
                user=user,
                attempted=username,
                user_agent=user_agent,
                reason="wrong_current_password",
            )
            raise InvalidCredentials("The current password is incorrect.")
        self.policy.validate(new_password, username=username, email=email)
        return self._replace_password(
            user_id,
            new_password,
            keep_session_id=keep_session_id,
            actor_id=None,
            must_change=False,
            ip=ip,
            user_agent=user_agent,
        )

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
        with self._db() as db:
            row = self._require(db, user_id)
            username, email = row.username, row.email
        if enforce_policy:
            self.policy.validate(new_password, username=username, email=email)
        return self._replace_password(
            user_id,
            new_password,
            keep_session_id=None,
            actor_id=actor_id,
            must_change=must_change,
            ip=None,
            user_agent=None,
        )

    def _replace_password(
        self,
        user_id: int,
        new_password: str,
        *,
        keep_session_id: str | None,
        actor_id: int | None,
        must_change: bool,
        ip: str | None,
        user_agent: str | None,
    ) -> int:
        encoded = self.passwords.hash(new_password)
        now = self.clock.now()
        with self._db() as db:
            row = self._require(db, user_id)
            row.password_hash = encoded
            row.password_changed_at = now
            row.updated_at = now
            row.must_change_password = must_change
            ended = session_store.revoke_user_sessions(db, user_id, keep=keep_session_id)
            event: AuthEvent
            if actor_id is None:
                event = PasswordChanged(
                    user_id=user_id,
                    username=row.username,
                    ip=ip,
                    user_agent=user_agent,
                    sessions_ended=ended,
                )
            else:
                event = PasswordSetByAdmin(
                    user_id=user_id,
                    username=row.username,
                    actor_id=actor_id,
                    must_change=must_change,
                    sessions_ended=ended,
                )
            self._emit(db, event)
        self.throttle.reset(f"account:{user_id}")
        self._bump()
        self._after_commit([event])
        return ended

    # -- roles, state, deletion ------------------------------------------------

    def set_roles(
        self, user_id: int, roles: Iterable[str], *, actor_id: int | None = None
    ) -> AuthUser:
        names = sorted({normalize_role(r) for r in roles})
        now = self.clock.now()
        with self._db() as db:
            row = self._require(db, user_id)
            old = tuple(sorted(r.name for r in row.roles))
            assign_roles(db, row, names, now=now)
            row.updated_at = now
            event = RolesChanged(
                user_id=row.id,
                username=row.username,
                actor_id=actor_id,
                old_roles=old,
                new_roles=tuple(names),
            )
            self._emit(db, event)
            db.flush()
            result = to_user(row)
        self._bump()
        self._after_commit([event])
        return result

    def set_active(self, user_id: int, active: bool, *, actor_id: int | None = None) -> AuthUser:
        """Enable or disable an account; disabling ends all of its sessions."""
        now = self.clock.now()
        with self._db() as db:
            row = self._require(db, user_id)
            row.is_active = bool(active)
            row.updated_at = now
            event: AuthEvent
            if active:
                event = AccountEnabled(user_id=row.id, username=row.username, actor_id=actor_id)
            else:
                ended = session_store.revoke_user_sessions(db, row.id)
                event = AccountDisabledEvent(
                    user_id=row.id, username=row.username, actor_id=actor_id, sessions_ended=ended
                )
            self._emit(db, event)
            result = to_user(row)
        self._bump()
        self._after_commit([event])
        return result

    def delete_user(self, user_id: int, *, actor_id: int | None = None) -> None:
        """Delete an account with its sessions and tokens; its audit history stays."""
        with self._db() as db:
            row = self._require(db, user_id)
            event = UserDeleted(user_id=row.id, username=row.username, actor_id=actor_id)
            session_store.revoke_user_sessions(db, row.id)
            db.delete(row)
            self._emit(db, event)
        self.throttle.reset(f"account:{user_id}")
        self._bump()
        self._after_commit([event])

    def lockout_status(self, user_id: int) -> ThrottleStatus:
        return self.throttle.status(f"account:{user_id}", self.clock.now())

    def unlock_user(self, user_id: int, *, actor_id: int | None = None) -> None:
        with self._db() as db:
            row = self._require(db, user_id)
            event = AccountUnlocked(user_id=row.id, username=row.username, actor_id=actor_id)
            self._emit(db, event)
        self.throttle.reset(f"account:{user_id}")
        self._after_commit([event])

    # -- sessions, as seen by their owner or an admin ---------------------------

    def revoke_session(
        self,
        session_id: str,
        *,
        user_id: int | None = None,
        actor_id: int | None = None,
        reason: str = "revoked",
    ) -> bool:
        """End one session; with ``user_id``, only if it belongs to that user."""
        with self._db() as db:
            row = session_store.find_by_id(db, session_id)
            if row is None or (user_id is not None and row.user_id != user_id):
                return False
            owner = db.get(User, row.user_id)
            event = SessionRevokedEvent(
                user_id=row.user_id,
                username=owner.username if owner else None,
                actor_id=actor_id,
                session_id=row.id,
                reason=reason,
            )
            db.delete(row)
            self._emit(db, event)
        self._bump()
        self._after_commit([event])
        return True

    def revoke_user_sessions(
        self,
        user_id: int,
        *,
        keep_session_id: str | None = None,
        actor_id: int | None = None,
        reason: str = "revoked",
    ) -> int:
        """End all of a user's sessions, optionally keeping the current one."""
        with self._db() as db:
            row = self._require(db, user_id)
            ended = session_store.revoke_user_sessions(db, user_id, keep=keep_session_id)
            event = SessionsRevoked(
                user_id=user_id,
                username=row.username,
                actor_id=actor_id,
                count=ended,
                kept_session_id=keep_session_id,
                reason=reason,
            )
            self._emit(db, event)
        self._bump()
        self._after_commit([event])
        return ended

    def list_all_sessions(self, *, limit: int = 500) -> list[tuple[SessionRecord, str]]:
        """Every live session with its owner's username (admin view)."""
        now = self.clock.now()
        with self._db() as db:
            rows = db.execute(
                select(Session, User.username)
                .join(User, User.id == Session.user_id)
                .where(Session.expires_at > now, Session.absolute_expires_at > now)
                .order_by(Session.last_seen_at.desc())
                .limit(max(1, min(limit, 10_000)))
            ).all()
            return [(session_store.to_record(s), name) for s, name in rows]

    # -- import and audit -------------------------------------------------------

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
        name = normalize_username(
            username,
            min_length=self.settings.username_min_length,
            max_length=self.settings.username_max_length,
        )
        mail = normalize_email(email) if email else None
        if not isinstance(password_hash, str) or not password_hash or len(password_hash) > 255:
            raise InvalidInput("The password hash is missing or malformed.")
        names = sorted({normalize_role(r) for r in roles}) or list(self.settings.default_roles)
        now = self.clock.now()
        try:
            with self._db() as db:
                if db.scalar(select(User.id).where(User.username_key == name.key)):
                    raise UsernameTaken()
                if mail and db.scalar(select(User.id).where(User.email_key == mail.key)):
                    raise EmailTaken()
                row = new_user_row(
                    name,
                    mail,
                    display_name=normalize_display_name(display_name, fallback=name.value),
                    password_hash=password_hash,
                    password_changed_at=None,
                    must_change_password=False,
                    now=now,
                )
                db.add(row)
                db.flush()
                assign_roles(db, row, names, now=now)
                event = UserImported(
                    user_id=row.id,
                    username=row.username,
                    actor_id=actor_id,
                    source=source,
                    hash_scheme=scheme_of(password_hash),
                )
                self._emit(db, event)
                db.flush()
                result = to_user(row)
        except IntegrityError:
            raise UsernameTaken() from None
        self._after_commit([event])
        return result

    def list_audit_events(
        self,
        *,
        user_id: int | None = None,
        event_type: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditRecord]:
        """Audit rows, newest first, filtered by any combination of the arguments."""
        statement = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        if user_id is not None:
            statement = statement.where(AuditEvent.user_id == user_id)
        if event_type:
            statement = statement.where(AuditEvent.event_type == event_type)
        if outcome:
            statement = statement.where(AuditEvent.outcome == outcome)
        if since is not None:
            statement = statement.where(AuditEvent.occurred_at >= since)
        if until is not None:
            statement = statement.where(AuditEvent.occurred_at < until)
        statement = statement.limit(max(1, min(limit, 10_000))).offset(max(0, offset))
        with self._db() as db:
            return [to_audit(row) for row in db.scalars(statement).all()]
