"""Issue 10, item 11: demo mode refuses production; so does a one-character secret.

Demo mode creates accounts whose passwords are published, so with
``AUTHGATE_MODE=production`` the settings refuse it and the demo stops with
that message before it touches the database.
"""

from __future__ import annotations

import runpy
import secrets
from pathlib import Path

import pytest

from authgate.config import AuthgateSettings
from authgate.errors import ConfigurationError

DEMO_DIR = Path(__file__).resolve().parents[2] / "examples" / "demo"
SECRET = secrets.token_urlsafe(48)


def test_the_settings_refuse_demo_mode_in_production() -> None:
    with pytest.raises(ConfigurationError, match="AUTHGATE_DEMO_MODE"):
        AuthgateSettings(mode="production", secret_key=SECRET, demo_mode=True)
    assert AuthgateSettings(mode="production", secret_key=SECRET).demo_mode is False
    assert AuthgateSettings(demo_mode=True).demo_mode is True  # development: fine


def test_the_demo_stops_with_the_message_and_creates_no_account(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHGATE_DEMO_MODE", "true")
    monkeypatch.setenv("AUTHGATE_MODE", "production")
    monkeypatch.setenv("AUTHGATE_SECRET_KEY", SECRET)
    import demo_accounts

    with pytest.raises(ConfigurationError, match="AUTHGATE_DEMO_MODE"):
        demo_accounts.seed_demo_accounts()
    with pytest.raises(SystemExit) as stopped:
        runpy.run_path(str(DEMO_DIR / "app.py"))
    assert "AUTHGATE_DEMO_MODE=true cannot be used with AUTHGATE_MODE=production" in str(
        stopped.value.code
    )
    assert not demo_env.exists()  # no database, so no demo accounts


@pytest.mark.parametrize("secret", ["x" * 48, "0" * 64, " " + "a" * 40 + " ", "-" * 32])
def test_a_secret_of_one_repeated_character_is_refused_in_production(secret: str) -> None:
    with pytest.raises(ConfigurationError, match="AUTHGATE_SECRET_KEY"):
        AuthgateSettings(mode="production", secret_key=secret)
    client = {"client_id": "orders", "client_secret": secret}
    with pytest.raises(ConfigurationError, match="orders"):
        AuthgateSettings(mode="production", secret_key=SECRET, oauth_clients=[client])  # type: ignore[list-item]


def test_a_long_secret_with_two_characters_is_still_accepted() -> None:
    assert AuthgateSettings(mode="production", secret_key="ab" * 20).is_production
