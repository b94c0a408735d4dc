"""The composition root: settings in, the wired graph of services out.

This is the one place that knows which store, which counters and which
mailer a deployment uses. The faces (the Streamlit gate, the API, the CLI)
and integrators build one ``Authgate`` per process and take services from it::

    from authgate.root import Authgate

    auth = Authgate.from_settings()  # AUTHGATE_* environment variables, .env
    auth.accounts.register("alice", "a long secret passphrase")
    result = auth.logins.password("alice", "a long secret passphrase")
    auth.sessions.validate(result.token)

It imports core and store and never a face. It holds a connection pool and
is safe to share between threads; ``close()`` releases the pool.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property
from typing import Literal

from authgate.config import AuthgateSettings
from authgate.core.accounts.registration import AccountRules, Registration
from authgate.core.accounts.service import AccountService
from authgate.core.audit.log import AuditLog
from authgate.core.clock import Clock, SystemClock
from authgate.core.lockout.guard import Lockout
from authgate.core.lockout.policy import ThrottlePolicy
from authgate.core.login.flow import Logins
from authgate.core.login.passkey import PasskeyLogin, PasskeySecondFactorLogin
from authgate.core.login.password import PasswordLogin
from authgate.core.login.second_factor import SecondFactorLogin
from authgate.core.mfa.recovery_codes import RecoveryCodeHasher
from authgate.core.mfa.secretbox import SecretBox
from authgate.core.mfa.service import MfaService
from authgate.core.mfa.verifier import SecondFactorVerifier
from authgate.core.oidc.flow import OidcFlow
from authgate.core.oidc.links import IdentityLinks
from authgate.core.oidc.login import OidcLogin
from authgate.core.passkeys.assertion import AssertionCheck
from authgate.core.passkeys.ceremony import RelyingParty
from authgate.core.passkeys.recent_login import RecentLogin
from authgate.core.passkeys.service import PasskeyService
from authgate.core.passwords.hashers import build_hashers
from authgate.core.passwords.service import PasswordService
from authgate.core.passwords.validators import PasswordPolicy
from authgate.core.ports.invalidation import InvalidationChannel
from authgate.core.ports.throttle import Throttle
from authgate.core.recovery.deferred import BackgroundWorker
from authgate.core.recovery.email_verification import EmailVerification
from authgate.core.recovery.mail import Mailer, mailer_from_settings
from authgate.core.recovery.password_reset import AccountRecovery
from authgate.core.sessions.policy import SessionPolicy
from authgate.core.sessions.service import SessionService
from authgate.core.tokens.clients import ClientRegistry, ConfidentialClient
from authgate.core.tokens.introspection import TokenIntrospection
from authgate.core.tokens.jwt_keys import load_key_set
from authgate.core.tokens.service import TokenService
from authgate.core.unit_of_work import EventHook, UnitOfWork
from authgate.core.visitors.service import VisitorService
from authgate.store.engine import is_memory_sqlite
from authgate.store.sql_store import SqlStore
from authgate.store.throttle_sql import DatabaseThrottle

__all__ = ["Authgate"]


class Authgate:
    """Every authgate service for one settings object, wired once.

    ``accounts`` (registration, profiles, administration, password changes),
    ``logins`` (the login methods and the one login path), ``sessions``,
    ``tokens`` (JWT access and refresh tokens; built on first use, since it
    needs signing keys that a gate-only app may not have), ``introspection``
    (is a token active, revoking one: RFC 7662 and 7009), ``clients`` (the
    OAuth 2.0 clients), ``mfa``, ``recovery`` (forgot password and username),
    ``verification`` (email links), ``audit`` (reading and exporting the log),
    ``passkeys`` (WebAuthn: adding, listing, removing; logging in with one is
    the ``passkey`` login method), ``lockout``, ``oidc`` (sign-in with identity
    providers) and ``identities`` (the provider identities linked to accounts),
    ``visitors`` (anonymous visitors and their hand-off at login; set
    ``visitors.handoff`` to move an application's data), ``uow`` (the unit of
    work every service shares), ``background`` (runs the "forgot" lookups after
    the answer) and ``store``.
    """

    def __init__(
        self,
        settings: AuthgateSettings,
        *,
        store: SqlStore,
        clock: Clock | None = None,
        mailer: Mailer | Literal["settings"] | None = "settings",
        migrate: bool | None = None,
    ) -> None:
        s = self.settings = settings
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.uow = UnitOfWork(store, clock=self.clock, channel=self._channel())
        self.passwords = PasswordService(
            hashers=build_hashers(
                s.password_hashers,
                argon2_memory_cost=s.argon2_memory_cost,
                argon2_time_cost=s.argon2_time_cost,
                argon2_parallelism=s.argon2_parallelism,
                bcrypt_rounds=s.bcrypt_rounds,
            )
        )
        self.policy = PasswordPolicy.default(
            min_length=s.password_min_length, max_length=s.password_max_length
        )
        self.lockout = Lockout(
            throttle=self._throttle(),
            policy=ThrottlePolicy(
                threshold=s.lockout_threshold,
                base_delay=s.lockout_base_delay,
                max_delay=s.lockout_max_delay,
                window=s.failure_window,
            ),
            # Failures per client address across accounts (password spraying);
            # a limit of 0 turns it off.
            client_policy=ThrottlePolicy.per_window(s.client_failure_limit, s.client_failure_window)
            if s.client_failure_limit
            else None,
            uow=self.uow,
            clock=self.clock,
        )
        self.sessions = SessionService(
            uow=self.uow,
            policy=SessionPolicy(
                idle_timeout=s.session_idle_timeout,
                absolute_lifetime=s.session_absolute_lifetime,
                remember_lifetime=s.remember_me_lifetime,
                touch_interval=s.session_touch_interval,
            ),
            clock=self.clock,
            cookie_ticket_ttl=s.cookie_ticket_ttl,
        )
        self.mailer = mailer_from_settings(s) if mailer == "settings" else mailer
        # "forgot" lookups run here, after the answer (the API uses its own background tasks)
        self.background = BackgroundWorker()
        self.verification = EmailVerification(
            uow=self.uow, mailer=self.mailer, public_url=s.public_url, site_name=s.mfa_issuer
        )
        rules = AccountRules(
            allow_registration=s.allow_registration,
            default_roles=tuple(s.default_roles),
            username_min_length=s.username_min_length,
            username_max_length=s.username_max_length,
        )
        self.accounts = AccountService(
            uow=self.uow,
            registration=Registration(
                uow=self.uow,
                passwords=self.passwords,
                policy=self.policy,
                rules=rules,
                clock=self.clock,
                verification=self.verification,
            ),
            passwords=self.passwords,
            policy=self.policy,
            lockout=self.lockout,
            clock=self.clock,
        )
        box = SecretBox.from_settings(s, purpose="mfa")
        codes = RecoveryCodeHasher.from_settings(s)
        verifier = SecondFactorVerifier(
            uow=self.uow, lockout=self.lockout, box=box, codes=codes, clock=self.clock
        )
        self.mfa = MfaService(
            uow=self.uow,
            lockout=self.lockout,
            passwords=self.passwords,
            box=box,
            codes=codes,
            verifier=verifier,
            required_roles=tuple(s.mfa_required_roles),
            issuer=s.mfa_issuer,
            clock=self.clock,
        )
        self.recovery = AccountRecovery(
            uow=self.uow,
            passwords=self.passwords,
            policy=self.policy,
            lockout=self.lockout,
            mfa=self.mfa,
            mailer=self.mailer,
            public_url=s.public_url,
            site_name=s.mfa_issuer,
            later=self.background,
        )
        self.audit = AuditLog(uow=self.uow, clock=self.clock)
        self.visitors = VisitorService(
            uow=self.uow,
            clock=self.clock,
            lifetime=s.visitor_lifetime,
            throttle=self.lockout.throttle,
            rate=ThrottlePolicy.per_window(s.visitor_rate_limit, s.visitor_rate_window),
        )
        self.logins = Logins(
            visitors=self.visitors,
            uow=self.uow,
            sessions=self.sessions,
            lockout=self.lockout,
            clock=self.clock,
            require_verified_email=s.require_verified_email,
        )
        self.logins.add(PasswordLogin(uow=self.uow, lockout=self.lockout, passwords=self.passwords))
        self.logins.add(SecondFactorLogin(uow=self.uow, verifier=verifier, clock=self.clock))
        self.passkeys = self._passkeys()
        self.oidc = OidcFlow.from_settings(
            s.oidc_providers,
            uow=self.uow,
            clock=self.clock,
            public_url=s.fixed_public_url,
            development=not s.is_production,
        )
        self.identities = IdentityLinks(uow=self.uow, clock=self.clock)
        self.logins.add(
            OidcLogin(
                uow=self.uow, flow=self.oidc, lockout=self.lockout, rules=rules, clock=self.clock
            )
        )
        self.clients = ClientRegistry(
            ConfidentialClient(c.client_id, c.client_secret.get_secret_value(), c.may_introspect)
            for c in s.oauth_clients
        )
        if migrate if migrate is not None else s.auto_migrate:
            self.store.migrate()

    @classmethod
    def from_settings(
        cls,
        settings: AuthgateSettings | None = None,
        *,
        clock: Clock | None = None,
        mailer: Mailer | Literal["settings"] | None = "settings",
        migrate: bool | None = None,
    ) -> Authgate:
        """The services for ``settings`` (default: from the environment), on their store."""
        settings = settings or AuthgateSettings()
        return cls(
            settings,
            store=SqlStore.from_url(
                settings.database_url,
                statement_timeout=settings.database_statement_timeout.total_seconds(),
                pool_timeout=settings.database_pool_timeout.total_seconds(),
            ),
            clock=clock,
            mailer=mailer,
            migrate=migrate,
        )

    def _session_cache_ttl(self) -> timedelta:
        """How long the API may trust a cached session without re-reading it.

        The revalidation interval bounds what another process's revocation
        can go unseen; an exact channel hears every one of them (and moves the
        state version, which empties the cache, whenever it cannot vouch), so
        the entry may then live up to ``session_cache_max_age``.
        """
        s = self.settings
        interval = s.session_revalidate_interval
        channel = self.uow.channel
        if interval <= timedelta(0) or channel is None or not channel.exact:
            return interval
        return max(interval, s.session_cache_max_age)

    def _channel(self) -> InvalidationChannel | None:
        """How other processes hear of this one's logouts (docs/deploy.md), if at all."""
        s = self.settings
        choice = s.invalidation_channel
        if choice == "auto":
            if self.store.dialect == "postgresql":
                choice = "postgresql"
            elif s.redis_url:
                choice = "redis"
            elif is_memory_sqlite(self.store.engine.url):
                choice = "off"  # one process by construction: nobody else to hear
            else:
                choice = "database"
        timeout = s.database_statement_timeout.total_seconds()
        if choice == "postgresql":
            from authgate.store.notify_pg import PostgresChannel

            return PostgresChannel(self.store.engine.url, timeout=timeout)
        if choice == "redis" and s.redis_url:
            from authgate.store.notify_redis import RedisChannel

            return RedisChannel(s.redis_url, self.store.engine.url, timeout=timeout)
        if choice == "database":
            from authgate.store.notify_db import DatabaseChannel

            return DatabaseChannel(self.store.engine.url, timeout=timeout)
        return None

    def _passkeys(self) -> PasskeyService:
        """The passkey service, with its two login methods registered on ``logins``."""
        rp_id, rp_name, origins = self.settings.passkey_relying_party()
        party = RelyingParty(rp_id=rp_id, name=rp_name, origins=origins)
        check = AssertionCheck(
            uow=self.uow, lockout=self.lockout, relying_party=party, clock=self.clock
        )
        self.logins.add(PasskeyLogin(check=check))
        self.logins.add(PasskeySecondFactorLogin(uow=self.uow, check=check, clock=self.clock))
        recent = RecentLogin(
            uow=self.uow,
            accounts=self.accounts,
            check=check,
            relying_party=party,
            clock=self.clock,
        )
        return PasskeyService(uow=self.uow, relying_party=party, recent=recent, clock=self.clock)

    def _throttle(self) -> Throttle:
        """The failure counters: in Redis when ``redis_url`` is set, else in the database."""
        if self.settings.redis_url:
            from authgate.store.throttle_redis import RedisThrottle

            return RedisThrottle.from_url(self.settings.redis_url)
        return DatabaseThrottle(self.store)

    @cached_property
    def tokens(self) -> TokenService:
        """The JWT token service; ConfigurationError without signing keys (production)."""
        s = self.settings
        return TokenService(
            uow=self.uow,
            sessions=self.sessions,
            logins=self.logins,
            keys=load_key_set(s),
            clock=self.clock,
            issuer=s.jwt_issuer,
            audience=s.jwt_audience,
            access_ttl=s.access_token_ttl,
            refresh_ttl=s.refresh_token_ttl,
            revalidate_interval=self._session_cache_ttl(),
            memo_size=s.token_memo_size,
        )

    @cached_property
    def introspection(self) -> TokenIntrospection:
        """Is a token active (RFC 7662), and revoking one (RFC 7009); built with ``tokens``."""
        return TokenIntrospection(
            tokens=self.tokens, sessions=self.sessions, uow=self.uow, clock=self.clock
        )

    @property
    def hooks(self) -> list[EventHook]:
        """Callables run with each event after its commit (mail, webhooks, metrics)."""
        return self.uow.hooks

    @property
    def state_version(self) -> int:
        return self.uow.state_version

    def migrate(self) -> None:
        self.store.migrate()

    def health(self) -> bool:
        return self.store.health()

    def close(self) -> None:
        self.background.close()
        if self.uow.channel is not None:
            self.uow.channel.close()
        self.store.close()
