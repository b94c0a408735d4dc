"""The OpenAPI schema's length limits for new usernames and passwords, from the settings.

The request models are defined once for every app, with generous transport
bounds (a username of 1-64 characters, a password of 1-4096), while the rules
that decide are the deployment's: ``username_min_length``/``_max_length`` and
``password_min_length``/``_max_length``. A client or a fuzzer reading the
schema should see those, so ``document_account_limits`` writes them into the
schema of each app when it is built. Only fields that create a username or
set a password are narrowed: a login or a current password is compared, not
checked against the policy (an old account may predate it), so those keep
the transport bounds.

What JSON Schema cannot say stays in the descriptions: the username's
characters and the password policy's blocklist and strength rules.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI

from authgate.config import AuthgateSettings

__all__ = ["LIMITED_FIELDS", "document_account_limits"]

Kind = Literal["username", "password"]

LIMITED_FIELDS: dict[str, dict[str, Kind]] = {
    "SelfRegisterRequest": {"username": "username", "password": "password"},
    "CreateUserRequest": {"username": "username", "password": "password"},
    "SetPasswordRequest": {"password": "password"},
    "PasswordChangeRequest": {"new_password": "password"},
    "PasswordResetRequest": {"new_password": "password"},
}
"""Request schema -> field -> which setting bounds it."""

_NOTES: dict[Kind, str] = {
    "username": (
        "Letters a-z (any case), digits and . _ -, starting and ending with a letter "
        "or digit; surrounding spaces are removed first."
    ),
    "password": (
        "Checked against the password policy: besides the length, common and "
        "guessable passwords are refused (422 weak_password)."
    ),
}


def _bounds(settings: AuthgateSettings) -> dict[Kind, tuple[int, int]]:
    return {
        "username": (settings.username_min_length, settings.username_max_length),
        "password": (settings.password_min_length, settings.password_max_length),
    }


def document_account_limits(app: FastAPI, settings: AuthgateSettings) -> None:
    """Narrow the length limits in ``app``'s OpenAPI schema to what ``settings`` enforce.

    Raises KeyError at the first schema build if a listed field is missing,
    so a renamed model cannot silently drop its limits from the contract.
    """
    build = app.openapi
    bounds = _bounds(settings)

    def openapi() -> dict[str, Any]:
        schema = build()  # FastAPI caches it; setting the same values again is harmless
        components = schema["components"]["schemas"]
        for model, fields in LIMITED_FIELDS.items():
            properties = components[model]["properties"]
            for name, kind in fields.items():
                low, high = bounds[kind]
                field = properties[name]
                field["minLength"], field["maxLength"] = low, high
                field["description"] = f"{low}-{high} characters. {_NOTES[kind]}"
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
