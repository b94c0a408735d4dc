"""authgate's one configuration object.

Every setting comes from ``AUTHGATE_*`` environment variables, a ``.env`` file,
or keyword arguments, and nothing else in the package reads ``os.environ``.
Bad values fail here, at construction, rather than at the first login.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from authgate.errors import ConfigurationError
from authgate.frames import valid_frame_ancestors
from authgate.oidc_settings import OidcProviderSettings, check_provider_url
from authgate.proxies import parse_networks
from authgate.setting_values import (
    MIN_SECRET_LENGTH,
    Duration,
    OAuthClientSettings,
    StringList,
    weak_secret,
)

__all__ = ["AuthgateSettings", "OAuthClientSettings"]

logger = logging.getLogger("authgate.config")


class AuthgateSettings(BaseSettings):
    """All of authgate's knobs, with safe defaults.

    ``mode="production"`` refuses a missing or placeholder ``secret_key``;
    ``mode="development"`` generates one, keeps it in ``data_dir`` so restarts
    keep working, and logs a warning that says so.
    """

    model_config = SettingsConfigDict(
        env_prefix="AUTHGATE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    mode: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///authgate.db"
    auto_migrate: bool = True
    data_dir: Path = Path(".authgate")
    secret_key: SecretStr | None = None
    redis_url: str | None = None
    database_statement_timeout: Duration = Field(default=timedelta(seconds=5))
    """Longest wait on the database server for one statement (PostgreSQL, MySQL)."""
    database_pool_timeout: Duration = Field(default=timedelta(seconds=5))
    """Longest wait for a free pooled connection before answering "unavailable"."""
    invalidation_channel: Literal["auto", "postgresql", "redis", "database", "off"] = "auto"
    """How processes hear of each other's logouts: "auto" picks PostgreSQL when the
    database is PostgreSQL, else Redis when ``redis_url`` is set, else the database's
    own counter row (polled twice a second); none for an in-memory SQLite database."""
    trusted_proxies: StringList = ()
    """Peers whose ``X-Forwarded-For``/``-Host``/``-Proto`` are believed (addresses or networks)."""

    # Accounts
    allow_registration: bool = True
    default_roles: tuple[str, ...] = ("user",)
    username_min_length: int = Field(default=3, ge=1, le=64)
    username_max_length: int = Field(default=32, ge=1, le=64)

    # Passwords (NIST SP 800-63B)
    password_min_length: int = Field(default=8, ge=8, le=128)
    password_max_length: int = Field(default=128, ge=64, le=4096)
    password_hashers: tuple[str, ...] = ("argon2", "bcrypt", "sha256")
    argon2_memory_cost: int = Field(default=19456, ge=8192)
    argon2_time_cost: int = Field(default=2, ge=1)
    argon2_parallelism: int = Field(default=1, ge=1)
    bcrypt_rounds: int = Field(default=12, ge=4, le=31)

    # Sessions
    session_idle_timeout: Duration = timedelta(minutes=30)
    session_absolute_lifetime: Duration = timedelta(hours=12)
    remember_me_lifetime: Duration = timedelta(days=30)
    session_touch_interval: Duration = timedelta(minutes=1)
    session_revalidate_interval: Duration = timedelta(seconds=5)
    # With an exact invalidation channel (PostgreSQL or the database counter), a
    # revocation anywhere reaches every cache at once, so a cached API session is
    # re-read only this often (a backstop); expiry is still checked every request.
    session_cache_max_age: Duration = timedelta(minutes=5)
    # Verified access tokens (signature checked once, expiry every time) and
    # live sessions (for the revalidation interval) kept in memory per process.
    token_memo_size: int = Field(default=16_384, ge=0, le=1_000_000)
    cookie_name: str = "authgate_session"
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    cookie_ticket_ttl: Duration = timedelta(seconds=30)
    frame_ancestors: str = "'self'"
    """Who may frame the Streamlit app (CSP ``frame-ancestors`` sources); see authgate.frames."""

    # Anonymous visitors (created only when a page keeps something for one)
    visitor_lifetime: Duration = timedelta(days=7)
    visitor_cookie_name: str = "authgate_visitor"
    visitor_rate_limit: int = Field(default=20, ge=1)
    """New anonymous visitors one client address may start per ``visitor_rate_window``."""
    visitor_rate_window: Duration = timedelta(hours=1)

    # Language of the built-in pages: "en", "de" or "es"; unset follows the browser
    language: str | None = None

    # Throttling
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_base_delay: Duration = timedelta(seconds=30)
    lockout_max_delay: Duration = timedelta(minutes=15)
    failure_window: Duration = timedelta(hours=24)
    # Failed logins one client address may make across all accounts per window
    # (password spraying); then 429 until the window ends. 0 turns it off.
    client_failure_limit: int = Field(default=20, ge=0)
    client_failure_window: Duration = timedelta(minutes=10)
    # Deprecated alias of client_failure_limit (older releases' opt-in per-IP lock).
    ip_lockout_threshold: int | None = Field(default=None, ge=1)

    # JWT API
    api_prefix: str = "/api/auth"
    max_request_body: int = Field(default=64 * 1024, ge=1024)
    api_url: str | None = None
    jwt_algorithm: Literal["EdDSA", "RS256"] = "EdDSA"
    jwt_private_key: SecretStr | None = None
    jwt_private_key_file: Path | None = None
    jwt_previous_public_keys: tuple[str, ...] = ()
    jwt_issuer: str = "authgate"
    jwt_audience: str = "authgate"
    access_token_ttl: Duration = timedelta(minutes=15)
    refresh_token_ttl: Duration = timedelta(days=7)
    oauth_clients: tuple[OAuthClientSettings, ...] = ()

    # Two-factor authentication
    mfa_required_roles: tuple[str, ...] = ()
    mfa_issuer: str = Field(default="authgate", min_length=1, max_length=64)

    # Email: verification, password reset, username reminders
    require_verified_email: bool = False
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    mail_from: str = "authgate <no-reply@localhost>"
    mail_dir: Path | None = None
    """Write mail as ``.eml`` files here (development); demo mode defaults to ``data_dir/mail``."""
    public_url: str | None = None
    """The app's address in links sent by mail; unset: taken from the browser's request."""

    # Passkeys (WebAuthn); empty means: derived from public_url
    passkey_rp_id: str | None = None
    """The relying party id (a domain, never an IP address); default: the host of public_url."""
    passkey_rp_name: str | None = None
    """The name browsers show in their passkey prompt; default: mfa_issuer."""
    passkey_origins: StringList = ()
    """Origins whose passkey answers are accepted; default: the origin of public_url."""

    # Identity providers (OpenID Connect): docs/oidc.md
    oidc_providers: tuple[OidcProviderSettings, ...] = ()
    oidc_api_redirect_uris: StringList = ()
    """Client URIs the API's provider flow may return to (exact match)."""
    password_login: bool = True
    """False hides the password form: a provider-only app."""
    gc_freeze: bool = True
    """Freeze the Streamlit process's long-lived objects after its first gate run, so
    Streamlit's full collection after every run stops delaying each run's messages
    (``authgate.streamlit.gc_freeze``); false leaves the garbage collector alone."""

    # Demo (refused in production: its accounts' passwords are public)
    demo_mode: bool = False
    debug_panel: bool = False
    """A sidebar panel with the session's times and the gate's cache (refused in production)."""

    @field_validator("database_url")
    @classmethod
    def _database_url_known(cls, value: str) -> str:
        scheme = value.split(":", 1)[0].split("+", 1)[0]
        if scheme not in {"sqlite", "postgresql", "postgres", "mysql", "mariadb"}:
            raise ValueError(
                f"unsupported database URL scheme {scheme!r}: use sqlite, postgresql or mysql"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url_is_http(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("public_url must be an http(s) base URL without query or fragment")
        return value

    @field_validator("language")
    @classmethod
    def _language_tag(cls, value: str | None) -> str | None:
        """A language tag ("de", "es-MX"); one authgate does not speak falls back to English."""
        if value is None or not value.strip():
            return None
        tag = value.strip()
        if not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*", tag):
            raise ValueError(f"language must be a language tag such as 'de' or 'es', not {tag!r}")
        return tag

    @field_validator("frame_ancestors")
    @classmethod
    def _frame_sources(cls, value: str) -> str:
        return valid_frame_ancestors(value)  # raises ValueError naming the bad source

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        parse_networks(value)  # raises ValueError naming the bad entry
        return tuple(item.strip() for item in value if item.strip())

    @field_validator("password_hashers")
    @classmethod
    def _hashers_not_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("password_hashers needs at least one hasher")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AuthgateSettings:
        if self.password_max_length < self.password_min_length:
            raise ValueError("password_max_length must be >= password_min_length")
        if self.username_max_length < self.username_min_length:
            raise ValueError("username_max_length must be >= username_min_length")
        if self.lockout_max_delay < self.lockout_base_delay:
            raise ValueError("lockout_max_delay must be >= lockout_base_delay")
        self._fold_ip_lockout_threshold()
        if self.client_failure_window <= timedelta(0):
            raise ValueError("client_failure_window must be positive")
        if self.session_idle_timeout <= timedelta(0):
            raise ValueError("session_idle_timeout must be positive")
        if self.session_absolute_lifetime <= timedelta(0):
            raise ValueError("session_absolute_lifetime must be positive")
        if self.visitor_lifetime <= timedelta(0) or self.visitor_rate_window <= timedelta(0):
            raise ValueError("visitor_lifetime and visitor_rate_window must be positive")
        if self.visitor_cookie_name == self.cookie_name:
            raise ValueError("visitor_cookie_name must differ from cookie_name")
        if min(self.database_statement_timeout, self.database_pool_timeout) <= timedelta(0):
            raise ValueError("database timeouts must be positive")
        if not self.api_prefix.startswith("/") or self.api_prefix.endswith("/"):
            raise ValueError("api_prefix must start with '/' and not end with '/'")
        client_ids = [client.client_id for client in self.oauth_clients]
        if len(set(client_ids)) != len(client_ids):
            raise ValueError("oauth_clients lists a client_id twice")
        self._check_oidc_providers()
        if self.mode == "production":
            self._refuse_demo_mode()
            self._refuse_debug_panel()
            self._require_production_secret()
            if self.public_url is None and self.oidc_providers:
                raise ConfigurationError(
                    "AUTHGATE_PUBLIC_URL is required with AUTHGATE_OIDC_PROVIDERS in production "
                    "mode: it is the base of the callback URI registered at each provider."
                )
            if self.public_url is None:
                logger.warning(
                    "AUTHGATE_PUBLIC_URL is unset in production: links in password-reset and "
                    "verification mail are built from the address the browser reports, which "
                    "a client can forge. Set AUTHGATE_PUBLIC_URL to the app's public address."
                )
        elif self.demo_mode and self.mail_dir is None and self.smtp_host is None:
            self.mail_dir = self.data_dir / "mail"  # the demo's "Forgot password?" works
        return self

    def _refuse_debug_panel(self) -> None:
        """The panel shows session details meant for a developer's eyes: never in production."""
        if self.debug_panel:
            raise ConfigurationError(
                "AUTHGATE_DEBUG_PANEL=true cannot be used with AUTHGATE_MODE=production: "
                "the panel shows session details meant for development. "
                "Unset AUTHGATE_DEBUG_PANEL in production."
            )

    def _check_oidc_providers(self) -> None:
        names = [provider.name for provider in self.oidc_providers]
        if len(set(names)) != len(names):
            raise ValueError("oidc_providers lists a provider name twice")
        for provider in self.oidc_providers:
            check_provider_url(provider.server_metadata_url, development=not self.is_production)

    def _fold_ip_lockout_threshold(self) -> None:
        """``ip_lockout_threshold`` still works: it sets ``client_failure_limit``."""
        old = self.ip_lockout_threshold
        if old is None:
            return
        if "client_failure_limit" in self.model_fields_set and self.client_failure_limit != old:
            raise ValueError(
                "ip_lockout_threshold is the old name of client_failure_limit: set only one"
            )
        self.client_failure_limit = old

    def _refuse_demo_mode(self) -> None:
        """Demo mode seeds accounts whose passwords are published: never in production."""
        if self.demo_mode:
            raise ConfigurationError(
                "AUTHGATE_DEMO_MODE=true cannot be used with AUTHGATE_MODE=production: "
                "demo mode creates accounts whose passwords are public. "
                "Unset AUTHGATE_DEMO_MODE, or use AUTHGATE_MODE=development for a demo."
            )

    def _require_production_secret(self) -> None:
        value = self.secret_key.get_secret_value() if self.secret_key else ""
        if weak_secret(value):
            raise ConfigurationError(
                "AUTHGATE_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters in production mode "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
        for client in self.oauth_clients:
            # Nothing throttles guesses of a client secret: only its length protects it.
            if weak_secret(client.client_secret.get_secret_value()):
                raise ConfigurationError(
                    f"The secret of OAuth client {client.client_id!r} must be a random value "
                    f"of at least {MIN_SECRET_LENGTH} characters in production mode."
                )

    def passkey_relying_party(self) -> tuple[str, str, tuple[str, ...]]:
        """The passkey relying party as (id, name, allowed origins), defaults filled in.

        WebAuthn ties a passkey to its RP id for good, so the default is the
        host people type: the host of ``public_url``. Without ``public_url``
        (links then follow the browser's address) passkeys assume Streamlit's
        default ``http://localhost:8501``: set ``public_url`` or
        ``passkey_rp_id``/``passkey_origins`` to use them anywhere else.
        """
        parsed = urlsplit(self.fixed_public_url)
        host = parsed.hostname or "localhost"  # urlsplit lowercases it, as browsers do
        rp_id = (self.passkey_rp_id or host).strip().lower()
        default_port = {"http": 80, "https": 443}.get(parsed.scheme)
        port = f":{parsed.port}" if parsed.port and parsed.port != default_port else ""
        origins = self.passkey_origins or (f"{parsed.scheme}://{host}{port}",)
        return rp_id, self.passkey_rp_name or self.mfa_issuer, tuple(origins)

    @property
    def fixed_public_url(self) -> str:
        """``public_url``, or Streamlit's default address in development.

        For what must be known before any request: the callback URI
        registered at an identity provider, the passkey relying party.
        Production requires ``public_url`` for those (see ``_consistent``).
        """
        return self.public_url or "http://localhost:8501"

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    def resolved_secret_key(self) -> str:
        """The secret key, generating and persisting one in development mode.

        In development a key is written once to ``data_dir/secret.key`` so that
        restarts keep working (encrypted MFA secrets stay readable).
        """
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        if self.is_production:  # pragma: no cover - blocked by the validator
            raise ConfigurationError("AUTHGATE_SECRET_KEY is required in production mode.")
        path = self.data_dir / "secret.key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
        logger.warning(
            "authgate is in development mode with no AUTHGATE_SECRET_KEY: generated one in %s. "
            "Set AUTHGATE_SECRET_KEY (and AUTHGATE_MODE=production) before deploying.",
            path,
        )
        return key
