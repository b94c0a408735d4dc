"""The value types of ``AuthgateSettings`` that need parsing or checking of their own.

Durations written as "30s"/"15m"/"7d", lists written comma-separated, the
test for a weak secret, and one OAuth client's settings: kept apart so that
``authgate.config`` holds the settings themselves.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

__all__ = [
    "MIN_SECRET_LENGTH",
    "Duration",
    "OAuthClientSettings",
    "StringList",
    "weak_secret",
]

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
MIN_SECRET_LENGTH = 32


def weak_secret(value: str) -> bool:
    """A placeholder, too short, or one character repeated (``"x" * 40`` is long, not random)."""
    stripped = value.strip()
    return (
        stripped.lower() in _PLACEHOLDER_SECRETS
        or len(value) < MIN_SECRET_LENGTH
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
