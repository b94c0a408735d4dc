"""authgate's one configuration object.

Every setting comes from ``AUTHGATE_*`` environment variables, a ``.env`` file,
or keyword arguments, and nothing else in the package reads ``os.environ``.
Bad values fail here, at construction, rather than at the first login.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from authgate.errors import ConfigurationError
from authgate.proxies import parse_networks

__all__ = ["AuthgateSettings", "OAuthClientSettings"]

logger = logging.getLogger("authgate.config")

_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_duration(value: object) -> object:
    """Accept seconds ("600", 600) and "30s"/"15m"/"12h"/"7d" besides ISO 8601."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str):
        text = value.strip().lower()
        try:
            if text[-1:] in _DURATION_UNITS:
                return timedelta(seconds=float(text[:-1]) * _DURATION_UNITS[text[-1]])
            return timedelta(seconds=float(text))
        except ValueError:
            return value  # let pydantic try ISO 8601 and report the error
    return value


Duration = Annotated[timedelta, BeforeValidator(_parse_duration)]


def _split_list(value: object) -> object:
    """A list from the environment: JSON (``["10.0.0.0/8"]``) or comma-separated."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [item.strip() for item in text.split(",") if item.strip()]
    return value


StringList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_split_list)]

_PLACEHOLDER_SECRETS = frozenset(
    {"", "secret", "changeme", "change-me", "replace-this-secret", "replace-me", "dev", "test"}
)
_MIN_SECRET_LENGTH = 32


def _weak_secret(value: str) -> bool:
    """A placeholder, too short, or one character repeated (``"x" * 40`` is long, not random)."""
    stripped = value.strip()
    return (
        stripped.lower() in _PLACEHOLDER_SECRETS
        or len(value) < _MIN_SECRET_LENGTH
        or len(set(stripped)) <= 1
    )


class OAuthClientSettings(BaseModel):
    """A confidential OAuth 2.0 client, one item of ``AUTHGATE_OAUTH_CLIENTS`` (a JSON list).

    It authenticates with HTTP Basic or ``client_id``/``client_secret`` form
    fields; ``may_introspect`` lets it ask about tokens at ``{prefix}/introspect``.
    Clients not listed are public: they may log in, refresh and revoke
    without a secret.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    client_id: str = Field(min_length=1, max_length=128)
    client_secret: SecretStr
    may_introspect: bool = False

    @field_validator("client_secret")
    @classmethod
    def _secret_not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("client_secret must not be empty")
        return value


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
    invalidation_channel: Literal["auto", "postgresql", "redis", "off"] = "auto"
    """How replicas hear of each other's logouts: "auto" picks PostgreSQL when the
    database is PostgreSQL, else Redis when ``redis_url`` is set, else none."""
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
    cookie_name: str = "authgate_session"
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    cookie_ticket_ttl: Duration = timedelta(seconds=30)

    # Throttling
    lockout_threshold: int = Field(default=5, ge=1)
    lockout_base_delay: Duration = timedelta(seconds=30)
    lockout_max_delay: Duration = timedelta(minutes=15)
    failure_window: Duration = timedelta(hours=24)
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
    public_url: str = "http://localhost:8501"

    # Demo (refused in production: its accounts' passwords are public)
    demo_mode: bool = False

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
    def _public_url_is_http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("public_url must be an http(s) base URL without query or fragment")
        return value

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
        if self.session_idle_timeout <= timedelta(0):
            raise ValueError("session_idle_timeout must be positive")
        if self.session_absolute_lifetime <= timedelta(0):
            raise ValueError("session_absolute_lifetime must be positive")
        if min(self.database_statement_timeout, self.database_pool_timeout) <= timedelta(0):
            raise ValueError("database timeouts must be positive")
        if not self.api_prefix.startswith("/") or self.api_prefix.endswith("/"):
            raise ValueError("api_prefix must start with '/' and not end with '/'")
        client_ids = [client.client_id for client in self.oauth_clients]
        if len(set(client_ids)) != len(client_ids):
            raise ValueError("oauth_clients lists a client_id twice")
        if self.mode == "production":
            self._refuse_demo_mode()
            self._require_production_secret()
        return self

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
        if _weak_secret(value):
            raise ConfigurationError(
                "AUTHGATE_SECRET_KEY must be set to a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters in production mode "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
        for client in self.oauth_clients:
            # Nothing throttles guesses of a client secret: only its length protects it.
            if _weak_secret(client.client_secret.get_secret_value()):
                raise ConfigurationError(
                    f"The secret of OAuth client {client.client_id!r} must be a random value "
                    f"of at least {_MIN_SECRET_LENGTH} characters in production mode."
                )

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
