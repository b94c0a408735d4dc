"""Settings: production refuses weak secrets, development generates one and says so."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from pydantic import ValidationError

from authgate.config import AuthgateSettings
from authgate.errors import ConfigurationError


@pytest.mark.parametrize("secret", [None, "", "changeme", "replace-this-secret", "short"])
def test_production_refuses_missing_or_placeholder_secret(secret: str | None) -> None:
    with pytest.raises(ConfigurationError):
        AuthgateSettings(mode="production", secret_key=secret)


def test_production_accepts_a_real_secret() -> None:
    settings = AuthgateSettings(mode="production", secret_key="x" * 20 + "y" * 20)
    assert settings.resolved_secret_key() == "x" * 20 + "y" * 20
    assert "xxxx" not in repr(settings)


def test_development_generates_and_keeps_a_secret(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING)
    settings = AuthgateSettings(data_dir=tmp_path)
    first = settings.resolved_secret_key()
    assert len(first) >= 43
    assert "generated one" in caplog.text
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600
    assert AuthgateSettings(data_dir=tmp_path).resolved_secret_key() == first


def test_environment_variables(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AUTHGATE_SESSION_IDLE_TIMEOUT", "600")
    monkeypatch.setenv("AUTHGATE_DATABASE_URL", "postgresql://u@h/db")
    settings = AuthgateSettings()
    assert settings.session_idle_timeout == timedelta(minutes=10)
    assert settings.database_url == "postgresql://u@h/db"


@pytest.mark.parametrize(
    "bad",
    [
        {"database_url": "ftp://x"},
        {"password_min_length": 4},
        {"password_min_length": 100, "password_max_length": 64},
        {"lockout_threshold": 0},
        {"password_hashers": ()},
        {"api_prefix": "api/"},
        {"session_idle_timeout": timedelta(0)},
        {"argon2_memory_cost": 1024},
    ],
)
def test_bad_configuration_fails_at_construction(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        AuthgateSettings(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("90", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("12h", timedelta(hours=12)),
        ("7d", timedelta(days=7)),
        ("PT30M", timedelta(minutes=30)),
        (45, timedelta(seconds=45)),
    ],
)
def test_duration_formats(raw: object, expected: timedelta) -> None:
    assert AuthgateSettings(session_idle_timeout=raw).session_idle_timeout == expected  # type: ignore[arg-type]


def test_bad_duration_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="session_idle_timeout"):
        AuthgateSettings(session_idle_timeout="soon")  # type: ignore[arg-type]


def test_oauth_clients_from_a_json_environment_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clients = '[{"client_id": "orders", "client_secret": "s3cret", "may_introspect": true}]'
    monkeypatch.setenv("AUTHGATE_OAUTH_CLIENTS", clients)
    (client,) = AuthgateSettings().oauth_clients
    assert (client.client_id, client.may_introspect) == ("orders", True)
    assert client.client_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(client)
    assert AuthgateSettings(oauth_clients=[]).oauth_clients == ()


@pytest.mark.parametrize(
    "clients",
    [
        [{"client_id": "orders", "client_secret": ""}],
        [{"client_id": "", "client_secret": "s3cret"}],
        [{"client_id": "orders"}],
        [{"client_id": "orders", "client_secret": "a", "scope": "all"}],
        [
            {"client_id": "orders", "client_secret": "a"},
            {"client_id": "orders", "client_secret": "b"},
        ],
    ],
)
def test_bad_oauth_clients_fail_at_construction(clients: list[dict[str, object]]) -> None:
    with pytest.raises(ValidationError):
        AuthgateSettings(oauth_clients=clients)  # type: ignore[arg-type]


def test_production_refuses_short_client_secrets() -> None:
    secret = "x" * 20 + "y" * 20
    with pytest.raises(ConfigurationError, match="orders"):
        AuthgateSettings(
            mode="production",
            secret_key=secret,
            oauth_clients=[{"client_id": "orders", "client_secret": "short"}],  # type: ignore[list-item]
        )
    long_enough = [{"client_id": "orders", "client_secret": "y" * 20 + "z" * 20}]
    settings = AuthgateSettings(mode="production", secret_key=secret, oauth_clients=long_enough)  # type: ignore[arg-type]
    assert settings.oauth_clients[0].client_id == "orders"


@pytest.mark.parametrize("value", ["de", "es-MX", "pt_BR", "  en  "])
def test_language_accepts_language_tags(value: str) -> None:
    assert AuthgateSettings(language=value).language == value.strip()


@pytest.mark.parametrize("value", ["deutsch!", "d", "../etc", "de-"])
def test_language_refuses_what_is_not_a_tag(value: str) -> None:
    with pytest.raises(ValidationError, match="language tag"):
        AuthgateSettings(language=value)


def test_visitor_settings_have_safe_defaults_and_are_checked() -> None:
    settings = AuthgateSettings()
    assert settings.visitor_lifetime == timedelta(days=7) and settings.visitor_rate_limit == 20
    assert AuthgateSettings(visitor_lifetime="2d").visitor_lifetime == timedelta(days=2)
    with pytest.raises(ValidationError):
        AuthgateSettings(visitor_lifetime="0s")
    with pytest.raises(ValidationError):
        AuthgateSettings(visitor_cookie_name="authgate_session")


def test_passkey_relying_party_defaults_to_the_public_url() -> None:
    settings = AuthgateSettings(public_url="https://App.Example.com:8443/base")
    assert settings.passkey_relying_party() == (
        "app.example.com",
        "authgate",
        ("https://app.example.com:8443",),
    )
    assert AuthgateSettings(public_url="https://example.com:443").passkey_relying_party()[2] == (
        "https://example.com",
    )
    chosen = AuthgateSettings(
        public_url="https://app.example.com",
        passkey_rp_id="example.com",
        passkey_rp_name="Example",
        passkey_origins="https://app.example.com,https://admin.example.com",  # type: ignore[arg-type]
    )
    assert chosen.passkey_relying_party() == (
        "example.com",
        "Example",
        ("https://app.example.com", "https://admin.example.com"),
    )
