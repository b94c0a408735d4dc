"""``AuthService``: the one facade over accounts, passwords, sessions and audit.

Every interface (the Streamlit gate, the JSON API, the CLI) calls this class
and nothing below it. Each public method is one transaction: it changes
state, records its audit event in the same transaction, commits, then calls
the after-commit hooks. Failures a user can cause raise the typed exceptions
of ``authgate.core.errors``; a database that is down raises
``StoreUnavailable`` and leaves nothing half-written.

Account administration lives in ``authgate.core.users`` (``UserAdminMixin``);
this module holds construction, registration, login and sessions.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from authgate.config import AuthgateSettings
from authgate.core import sessions as session_store
from authgate.core._db import is_unavailable, transaction
from authgate.core._records import new_user_row, scheme_of, to_user
from authgate.core._roles import assign_roles
from authgate.core._secrets import digest
from authgate.core._session_lookup import (
    fetch_login_user,
    fetch_session,
    fetch_user,
    slide_session,
)
from authgate.core.audit import record_event
from authgate.core.clock import Clock, SystemClock
from authgate.core.errors import (
    AccountDisabled,
    AccountLocked,
    AuthgateError,
    EmailNotVerified,
    EmailTaken,
    InvalidCredentials,
    InvalidInput,
    MfaRequired,
    NotAuthenticated,
    RegistrationClosed,
    SessionExpired,
    SessionRevoked,
    StoreUnavailable,
    UsernameTaken,
)
from authgate.core.events import (
    AccountLockedOut,
    AuthEvent,
    LoggedOut,
    LoginFailed,
    LoginSucceeded,
    PasswordRehashed,
    UserRegistered,
)
from authgate.core.identity import (
    normalize_display_name,
    normalize_email,
    normalize_login,
    normalize_role,
    normalize_username,
    sanitize_client_text,
)
from authgate.core.passwords.hashers import build_hashers
from authgate.core.passwords.service import PasswordService
from authgate.core.passwords.strength import estimate_strength
from authgate.core.passwords.validators import PasswordPolicy
from authgate.core.records import (
    AuthUser,
    LoginResult,
    SessionContext,
    SessionRecord,
    StrengthEstimate,
)
from authgate.core.throttle import DatabaseThrottle, Throttle, ThrottlePolicy, ThrottleStatus
from authgate.core.tokens import TokenPurpose, consume_token, issue_token
from authgate.core.users import UserAdminMixin
from authgate.store.engine import create_store_engine
from authgate.store.migrate import ensure_schema
from authgate.store.models import Session, User

__all__ = ["AuthService", "EventHook"]

logger = logging.getLogger("authgate.service")

EventHook = Callable[[AuthEvent], None]

_MAX_PASSWORD_INPUT = 4096
MFA_TICKET_TTL = timedelta(minutes=5)


class AuthService(UserAdminMixin):
    """Accounts, login, sessions and audit on one database.

    Build it once per process (``AuthService.from_settings()``) and share it:
    it holds an engine with a connection pool and is safe to use from many
    threads. ``state_version`` increases whenever this process revokes a
    session or changes a user, so read caches in front of the service can
    drop stale entries at once instead of waiting for their interval.
    """

    def __init__(
        self,
        *,
        settings: AuthgateSettings | None = None,
        engine: Engine | None = None,
        clock: Clock | None = None,
        passwords: PasswordService | None = None,
        policy: PasswordPolicy | None = None,
        throttle: Throttle | None = None,
        migrate: bool | None = None,
    ) -> None:
        self.settings = settings or AuthgateSettings()
        self.engine = engine or create_store_engine(self.settings.database_url)
        self.clock: Clock = clock or SystemClock()
        self._session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self._read_factory = sessionmaker(self._read_engine(), expire_on_commit=False)
        s = self.settings
        self.passwords = passwords or PasswordService(
            hashers=build_hashers(
                s.password_hashers,
                argon2_memory_cost=s.argon2_memory_cost,
                argon2_time_cost=s.argon2_time_cost,
                argon2_parallelism=s.argon2_parallelism,
                bcrypt_rounds=s.bcrypt_rounds,
            )
        )
        self.policy = policy or PasswordPolicy.default(
            min_length=s.password_min_length, max_length=s.password_max_length
        )
        throttle_policy = ThrottlePolicy(
            threshold=s.lockout_threshold,
            base_delay=s.lockout_base_delay,
            max_delay=s.lockout_max_delay,
            window=s.failure_window,
        )
        self.throttle: Throttle = throttle or self._default_throttle(throttle_policy)
        # Per-IP counting locks only when configured: by default one NAT'd
        # office must not be able to lock out all of its users.
        self.ip_throttle: Throttle | None = (
            self._default_throttle(
                ThrottlePolicy(
                    threshold=s.ip_lockout_threshold,
                    base_delay=s.lockout_base_delay,
                    max_delay=s.lockout_max_delay,
                    window=s.failure_window,
                )
            )
            if s.ip_lockout_threshold
            else None
        )
        self.session_policy = session_store.SessionPolicy(
            idle_timeout=s.session_idle_timeout,
            absolute_lifetime=s.session_absolute_lifetime,
            remember_lifetime=s.remember_me_lifetime,
            touch_interval=s.session_touch_interval,
        )
        self.hooks: list[EventHook] = []
        self._version_lock = threading.Lock()
        self._state_version = 0
        if migrate if migrate is not None else s.auto_migrate:
            self.migrate()

    @classmethod
    def from_settings(cls, settings: AuthgateSettings | None = None) -> AuthService:
        """The service for ``settings`` (default: from the environment)."""
        return cls(settings=settings or AuthgateSettings())

    def _default_throttle(self, policy: ThrottlePolicy) -> Throttle:
        if self.settings.redis_url:
            from authgate.core.throttle_redis import RedisThrottle

            return RedisThrottle.from_url(self.settings.redis_url, policy)
        return DatabaseThrottle(self._session_factory, policy, read_factory=self._read_factory)

    # -- plumbing ---------------------------------------------------------

    def _read_engine(self) -> Engine:
        """The engine for read-only work: on SQLite a deferred BEGIN (no write lock).

        (Autocommit reads on PostgreSQL were measured and rejected: SQLAlchemy
        resets the isolation level at every check-in, which costs more than the
        BEGIN/ROLLBACK it saves.)
        """
        return self.engine.execution_options(authgate_readonly=True)

    def migrate(self) -> None:
        """Create or upgrade the schema; StoreUnavailable if the database is down."""
        try:
            ensure_schema(self.engine)
        except Exception as error:
            if is_unavailable(error):
                raise StoreUnavailable() from error
            raise

    def close(self) -> None:
        self.engine.dispose()

    def health(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with transaction(self._session_factory) as db:
                db.execute(select(1))
            return True
        except StoreUnavailable:
            return False

    @property
    def state_version(self) -> int:
        return self._state_version

    def _bump(self) -> None:
        with self._version_lock:
            self._state_version += 1

    def _db(self) -> AbstractContextManager[DbSession]:
        return transaction(self._session_factory)

    def _read(self) -> AbstractContextManager[DbSession]:
        """A read-only transaction: on SQLite a deferred BEGIN that takes no write lock."""
        return transaction(self._read_factory)

    def _emit(self, db: DbSession, event: AuthEvent) -> None:
        record_event(db, event, now=self.clock.now())

    def _record_alone(self, event: AuthEvent) -> None:
        """Record an event in its own transaction (for failures that roll back)."""
        with self._db() as db:
            self._emit(db, event)
        self._after_commit([event])

    def _after_commit(self, events: Iterable[AuthEvent]) -> None:
        for event in events:
            for hook in self.hooks:
                try:
                    hook(event)
                except Exception:  # a hook must never undo a committed change
                    logger.exception("authgate event hook failed for %s", event.event_type)

    # -- registration -----------------------------------------------------

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
        if not by_admin and not self.settings.allow_registration:
            raise RegistrationClosed()
        name = normalize_username(
            username,
            min_length=self.settings.username_min_length,
            max_length=self.settings.username_max_length,
        )
        mail = normalize_email(email) if email not in (None, "") else None
        label = normalize_display_name(display_name, fallback=name.value)
        role_names = (
            sorted({normalize_role(r) for r in roles})
            if by_admin and roles is not None
            else list(self.settings.default_roles)
        )
        self._check_password_type(password)
        self.policy.validate(password, username=name.value, email=mail.value if mail else None)
        self._ensure_free(name.key, mail.key if mail else None)
        encoded = self.passwords.hash(password)
        now = self.clock.now()
        event: AuthEvent
        try:
            with self._db() as db:
                user = new_user_row(
                    name,
                    mail,
                    display_name=label,
                    password_hash=encoded,
                    password_changed_at=now,
                    must_change_password=must_change_password,
                    now=now,
                )
                db.add(user)
                db.flush()
                assign_roles(db, user, role_names, now=now)
                db.flush()
                event = UserRegistered(
                    user_id=user.id,
                    username=user.username,
                    actor_id=actor_id,
                    ip=ip,
                    user_agent=user_agent,
                    roles=tuple(role_names),
                    by_admin=by_admin,
                )
                self._emit(db, event)
                result = to_user(user)
        except IntegrityError:
            self._ensure_free(name.key, mail.key if mail else None)
            raise UsernameTaken() from None
        self._after_commit([event])
        return result

    def _ensure_free(self, username_key: str, email_key: str | None) -> None:
        with self._db() as db:
            if db.scalar(select(User.id).where(User.username_key == username_key)) is not None:
                raise UsernameTaken()
            if email_key and db.scalar(select(User.id).where(User.email_key == email_key)):
                raise EmailTaken()

    @staticmethod
    def _check_password_type(password: object) -> None:
        if not isinstance(password, str):
            raise InvalidInput("Password must be text.")

    # -- login ------------------------------------------------------------

    def login(
        self,
        login: str,
        password: str,
        *,
        remember: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> LoginResult:
        """Check the credentials and open a new session (new id, new token).

        Raises InvalidCredentials (unknown user and wrong password alike, after
        the same hashing work), AccountLocked with the retry time, or
        AccountDisabled / EmailNotVerified (only once the password was right).
        With MFA on, no session is opened: MfaRequired carries a five-minute,
        single-use ticket that ``MfaService.complete_login`` trades, with a
        code, for the session.
        """
        user = self._verify_credentials(login, password, ip=ip, user_agent=user_agent)
        if user.mfa_enabled:
            with self._db() as db:
                ticket = issue_token(
                    db,
                    TokenPurpose.MFA_TICKET,
                    now=self.clock.now(),
                    ttl=MFA_TICKET_TTL,
                    user_id=user.id,
                    data={"remember": bool(remember)},
                )
            raise MfaRequired(ticket=ticket)
        return self._open_for(user, remember=remember, ip=ip, user_agent=user_agent)

    def authenticate(
        self, login: str, password: str, *, ip: str | None = None, user_agent: str | None = None
    ) -> AuthUser:
        """Check the credentials without opening a session (HTTP basic, re-auth prompts)."""
        return self._verify_credentials(login, password, ip=ip, user_agent=user_agent)

    def _verify_credentials(
        self, login: object, password: object, *, ip: str | None, user_agent: str | None
    ) -> AuthUser:
        if not isinstance(login, str) or not isinstance(password, str):
            raise InvalidCredentials()
        ip = sanitize_client_text(ip, 64)
        user_agent = sanitize_client_text(user_agent, 512)
        key = normalize_login(login)
        attempted = key[:320]
        with self._read() as db:
            found = fetch_login_user(db, key) if key else None
            user, stored_hash = found if found is not None else (None, None)
            account_key = f"account:{user.id}" if user else f"login:{key}"
            # Same read transaction as the lookup when the counters are in SQL.
            account_status = self.throttle.status(account_key, self.clock.now(), db=db)
        prior_failures = self._refuse_if_locked(
            account_key,
            ip,
            user_id=user.id if user else None,
            attempted=attempted,
            user_agent=user_agent,
            account_status=account_status,
        )
        ok, new_hash = False, None
        if len(password) > _MAX_PASSWORD_INPUT or not password:
            self.passwords.dummy_verify("x")
        elif stored_hash is None:
            self.passwords.dummy_verify(password)
        else:
            ok, new_hash = self.passwords.verify(password, stored_hash)
        if not ok or user is None:
            self._fail(
                account_key,
                ip,
                user=user,
                attempted=attempted,
                user_agent=user_agent,
                reason="invalid_password" if user else "unknown_user",
            )
            raise InvalidCredentials()
        refusal: AuthgateError | None = None
        if not user.is_active:
            refusal = AccountDisabled()
        elif self.settings.require_verified_email and not user.email_verified:
            refusal = EmailNotVerified()
        if refusal is not None:  # only said once the password was right
            self._record_alone(
                LoginFailed(
                    user_id=user.id,
                    username=attempted,
                    ip=ip,
                    user_agent=user_agent,
                    reason=refusal.code,
                )
            )
            raise refusal
        # With MFA only the second factor's success resets the counter; with no
        # failures on record there is nothing to reset (one write fewer per login).
        if not user.mfa_enabled and prior_failures:
            self.throttle.reset(account_key)
        if new_hash is not None and stored_hash is not None:
            self._store_rehash(user.id, stored_hash, new_hash)
        return user

    def _refuse_if_locked(
        self,
        account_key: str,
        ip: str | None,
        *,
        user_id: int | None,
        attempted: str,
        user_agent: str | None,
        account_status: ThrottleStatus | None = None,
    ) -> int:
        """Raise AccountLocked (and audit the refusal) while the account or IP is locked.

        Returns the account's current failure count.
        """
        moment = self.clock.now()
        statuses = [account_status or self.throttle.status(account_key, moment)]
        if ip and self.ip_throttle is not None:
            statuses.append(self.ip_throttle.status(f"ip:{ip}", moment))
        for status in statuses:
            if status.locked_at(moment):
                assert status.locked_until is not None
                self._record_alone(
                    LoginFailed(
                        user_id=user_id,
                        username=attempted,
                        ip=ip,
                        user_agent=user_agent,
                        reason="locked",
                    )
                )
                wait = (status.locked_until - moment).total_seconds()
                raise AccountLocked(status.locked_until, int(wait + 0.999))
        return statuses[0].failures

    def _fail(
        self,
        account_key: str,
        ip: str | None,
        *,
        user: AuthUser | None,
        attempted: str,
        user_agent: str | None,
        reason: str,
    ) -> None:
        now = self.clock.now()
        events: list[AuthEvent] = [
            LoginFailed(
                user_id=user.id if user else None,
                username=attempted,
                ip=ip,
                user_agent=user_agent,
                reason=reason,
            )
        ]
        status = self.throttle.record_failure(account_key, now)
        if _just_locked(status, now):
            events.append(self._lock_event(status, now, user, attempted, ip, "account"))
        if ip:
            ip_status = self._record_ip_failure(ip, now)
            if ip_status is not None and _just_locked(ip_status, now):
                events.append(self._lock_event(ip_status, now, user, attempted, ip, "ip"))
        with self._db() as db:
            for event in events:
                self._emit(db, event)
        self._after_commit(events)

    def _record_ip_failure(self, ip: str, now: datetime) -> ThrottleStatus | None:
        if self.ip_throttle is None:
            return None
        return self.ip_throttle.record_failure(f"ip:{ip}", now)

    @staticmethod
    def _lock_event(
        status: ThrottleStatus,
        now: datetime,
        user: AuthUser | None,
        attempted: str,
        ip: str | None,
        scope: str,
    ) -> AccountLockedOut:
        assert status.locked_until is not None
        seconds = int((status.locked_until - now).total_seconds())
        return AccountLockedOut(
            user_id=user.id if user else None,
            username=attempted,
            ip=ip,
            failures=status.failures,
            locked_seconds=seconds,
            scope=scope,
        )

    def _store_rehash(self, user_id: int, old_hash: str, new_hash: str) -> None:
        """Save an upgraded hash quietly: one column, not a password change."""
        with self._db() as db:
            row = db.get(User, user_id)
            if row is None or row.password_hash != old_hash:
                return
            row.password_hash = new_hash
            self._emit(
                db,
                PasswordRehashed(
                    user_id=user_id,
                    username=row.username,
                    old_scheme=scheme_of(old_hash),
                    new_scheme=scheme_of(new_hash),
                ),
            )

    # -- sessions ---------------------------------------------------------

    def open_session(
        self,
        user_id: int,
        *,
        remember: bool = False,
        mfa: bool = False,
        ip: str | None = None,
        user_agent: str | None = None,
        method: str = "password",
    ) -> LoginResult:
        """Open a session for a user whose credentials were already checked."""
        return self._open(
            user_id, remember=remember, mfa=mfa, ip=ip, user_agent=user_agent, method=method
        )

    def _open(
        self,
        user_id: int,
        *,
        remember: bool,
        ip: str | None,
        user_agent: str | None,
        mfa: bool = False,
        method: str = "password",
    ) -> LoginResult:
        with self._read() as db:
            found = fetch_user(db, User.id == user_id)
        if found is None:
            raise InvalidCredentials()
        return self._open_for(
            found[0], remember=remember, ip=ip, user_agent=user_agent, mfa=mfa, method=method
        )

    def _open_for(
        self,
        user: AuthUser,
        *,
        remember: bool,
        ip: str | None,
        user_agent: str | None,
        mfa: bool = False,
        method: str = "password",
    ) -> LoginResult:
        """Open the session in one write transaction: three statements and a commit.

        The UPDATE doubles as the "still active" check, so an account disabled
        between the password check and here gets no session.
        """
        now = self.clock.now()
        with self._db() as db:
            stamped = db.execute(
                update(User)
                .where(User.id == user.id, User.is_active.is_(True))
                .values(last_login_at=now)
                .execution_options(synchronize_session=False)
            )
            if getattr(stamped, "rowcount", 0) != 1:
                raise AccountDisabled()
            session, token = session_store.open_session(
                db,
                user.id,
                now=now,
                policy=self.session_policy,
                remember=bool(remember),
                mfa=mfa,
                ip=ip,
                user_agent=user_agent,
            )
            event = LoginSucceeded(
                user_id=user.id,
                username=user.username,
                ip=ip,
                user_agent=user_agent,
                session_id=session.id,
                remember=bool(remember),
                method=method,
            )
            self._emit(db, event)
            result = LoginResult(
                user=replace(user, last_login_at=now),
                session=session_store.to_record(session),
                token=token,
            )
        self._after_commit([event])
        return result

    def validate_session(self, token: str, *, touch: bool = True) -> SessionContext:
        """Resolve a session token to its user, sliding the idle timeout.

        Raises NotAuthenticated for an unknown token, SessionExpired past the
        idle or absolute limit, SessionRevoked when the account was disabled.
        """
        if not isinstance(token, str) or not token or len(token) > 512:
            raise NotAuthenticated()
        return self._validate(Session.token_hash == digest(token), touch=touch)

    def validate_session_id(self, session_id: str, *, touch: bool = True) -> SessionContext:
        """Like ``validate_session`` for a server-side caller that kept the session id."""
        if not session_store.is_session_id(session_id):
            raise NotAuthenticated()
        return self._validate(Session.id == session_id, touch=touch)

    def _validate(self, where: ColumnElement[bool], *, touch: bool) -> SessionContext:
        with self._read() as db:
            found = fetch_session(db, where)
        if found is None:
            raise NotAuthenticated()
        now = self.clock.now()
        record = found.session
        if now >= record.expires_at or now >= record.absolute_expires_at:
            raise SessionExpired()
        if not found.user.is_active:
            raise SessionRevoked()
        if touch and now - record.last_seen_at >= self.session_policy.touch_interval:
            with self._db() as db:
                record = slide_session(db, found, now=now)
        return SessionContext(user=found.user, session=record)

    def _check_session(self, db: DbSession, row: Session | None, *, touch: bool) -> SessionContext:
        if row is None:
            raise NotAuthenticated()
        now = self.clock.now()
        if session_store.is_expired(row, now):
            raise SessionExpired()
        user = db.get(User, row.user_id)
        if user is None or not user.is_active:
            raise SessionRevoked()
        if touch:
            session_store.touch(row, now=now, policy=self.session_policy)
        return SessionContext(user=to_user(user), session=session_store.to_record(row))

    def logout(
        self,
        *,
        token: str | None = None,
        session_id: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> bool:
        """End one session (by token or id); False if it was already gone."""
        with self._db() as db:
            row = (
                session_store.find_by_token(db, token)
                if token
                else session_store.find_by_id(db, session_id or "")
            )
            if row is None:
                return False
            user = db.get(User, row.user_id)
            event = LoggedOut(
                user_id=row.user_id,
                username=user.username if user else None,
                ip=ip,
                user_agent=user_agent,
                session_id=row.id,
            )
            db.delete(row)
            self._emit(db, event)
        self._bump()
        self._after_commit([event])
        return True

    def list_sessions(self, user_id: int) -> list[SessionRecord]:
        """The user's live sessions, newest activity first."""
        now = self.clock.now()
        with self._db() as db:
            rows = db.scalars(
                select(Session)
                .where(
                    Session.user_id == user_id,
                    Session.expires_at > now,
                    Session.absolute_expires_at > now,
                )
                .order_by(Session.last_seen_at.desc())
            ).all()
            return [session_store.to_record(r) for r in rows]

    def count_active_sessions(self) -> int:
        now = self.clock.now()
        with self._db() as db:
            return int(
                db.scalar(
                    select(func.count())
                    .select_from(Session)
                    .where(Session.expires_at > now, Session.absolute_expires_at > now)
                )
                or 0
            )

    # -- cookie tickets ----------------------------------------------------

    def issue_cookie_ticket(self, session_id: str) -> str:
        """A single-use ticket that a same-origin request trades for the session cookie.

        The Streamlit tab cannot set an HttpOnly cookie itself; it hands this
        short-lived ticket to the browser, which posts it to authgate's route.
        """
        ttl = min(self.settings.cookie_ticket_ttl, timedelta(seconds=60))
        with self._db() as db:
            row = session_store.find_by_id(db, session_id)
            if row is None:
                raise NotAuthenticated()
            return issue_token(
                db,
                TokenPurpose.COOKIE_TICKET,
                now=self.clock.now(),
                ttl=ttl,
                user_id=row.user_id,
                session_id=row.id,
            )

    def redeem_cookie_ticket(self, ticket: str) -> tuple[str, SessionContext]:
        """Consume a ticket; return a fresh session token for the cookie and the session.

        The session's token is rotated here, so the only live copy of it is the
        one about to be put in the HttpOnly cookie.
        """
        from authgate.core._secrets import digest, new_token

        with self._db() as db:
            ticket_row = consume_token(db, TokenPurpose.COOKIE_TICKET, ticket, now=self.clock.now())
            row = session_store.find_by_id(db, ticket_row.session_id or "")
            context = self._check_session(db, row, touch=False)
            assert row is not None
            token = new_token()
            row.token_hash = digest(token)
        return token, context

    def cleanup(self, *, batch_size: int = 1000, max_batches: int | None = None) -> int:
        """Delete expired sessions, one-time and refresh tokens in batches.

        Returns the number of sessions deleted.
        """
        from authgate.core.tokens import delete_expired_tokens

        total, batches = 0, 0
        while max_batches is None or batches < max_batches:
            with self._db() as db:
                deleted = session_store.delete_expired(
                    db, now=self.clock.now(), batch_size=batch_size
                )
                delete_expired_tokens(db, now=self.clock.now(), batch_size=batch_size)
                session_store.delete_expired_refresh_tokens(
                    db, now=self.clock.now(), batch_size=batch_size
                )
            total += deleted
            batches += 1
            if deleted < batch_size:
                break
        return total

    # -- passwords for UIs -------------------------------------------------

    def password_strength(
        self, password: str, *, username: str | None = None, email: str | None = None
    ) -> StrengthEstimate:
        return estimate_strength(password, [v for v in (username, email) if v])

    def password_help_texts(self) -> list[str]:
        return list(self.policy.help_texts())


def _just_locked(status: ThrottleStatus, now: datetime) -> bool:
    """Each failure past the threshold (re)locks: every one is a lockout event."""
    return status.locked_at(now)
