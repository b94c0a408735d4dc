"""Usernames, emails, display names and role names: normalized and checked.

Usernames are NFKC-normalized and then limited to ASCII letters, digits and
``. _ -``: NFKC folds look-alikes such as fullwidth letters into ASCII, and the
ASCII rule shuts out mixed-script spoofs (a Cyrillic U+0430 "a" in "admin") that
NFKC alone lets through. Uniqueness is case-insensitive through a separate key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Self

from email_validator import EmailNotValidError, validate_email

from authgate.errors import InvalidEmail, InvalidInput, InvalidRole, InvalidUsername
from authgate.role_names import is_role_name

__all__ = [
    "NormalizedEmail",
    "NormalizedUsername",
    "normalize_display_name",
    "normalize_email",
    "normalize_login",
    "normalize_role",
    "normalize_username",
    "sanitize_client_text",
]

_USERNAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_MAX_LOGIN_LENGTH = 320
_MAX_DISPLAY_NAME = 128


@dataclass(frozen=True)
class _Normalized:
    """A text as stored (``value``) and the key that decides uniqueness (``key``).

    The key is always the casefolded value, so "Alice" and "alice" (or two
    spellings of one address) collide; ``of`` is the one place that says so.
    """

    value: str
    key: str

    @classmethod
    def of(cls, value: str) -> Self:
        return cls(value=value, key=value.casefold())


@dataclass(frozen=True)
class NormalizedUsername(_Normalized):
    """A checked username and its case-insensitive uniqueness key."""


@dataclass(frozen=True)
class NormalizedEmail(_Normalized):
    """A syntactically valid address and its case-insensitive uniqueness key."""

    @property
    def local_part(self) -> str:
        return self.value.rsplit("@", 1)[0]


def normalize_username(
    raw: object, *, min_length: int = 3, max_length: int = 32
) -> NormalizedUsername:
    """Return the username as stored and its uniqueness key, or raise InvalidUsername."""
    if not isinstance(raw, str):
        raise InvalidUsername("Username must be text.")
    value = unicodedata.normalize("NFKC", raw).strip()
    if not value:
        raise InvalidUsername("Username is required.")
    if len(value) < min_length or len(value) > max_length:
        raise InvalidUsername(
            f"Username must be between {min_length} and {max_length} characters long."
        )
    if not _USERNAME_RE.fullmatch(value):
        raise InvalidUsername(
            "Username may contain only letters a-z, digits and . _ - "
            "and must start and end with a letter or digit."
        )
    return NormalizedUsername.of(value)


def normalize_email(raw: object) -> NormalizedEmail:
    """Validate an address's syntax (no DNS lookup) and return its normalized form."""
    if not isinstance(raw, str):
        raise InvalidEmail("Email must be text.")
    candidate = unicodedata.normalize("NFKC", raw).strip()
    if not candidate:
        raise InvalidEmail("Email is required.")
    if len(candidate) > _MAX_LOGIN_LENGTH:
        raise InvalidEmail("This email address is too long.")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"This email address is not valid: {exc}") from None
    return NormalizedEmail.of(result.normalized)


def normalize_login(raw: object) -> str:
    """The lookup key for a login identifier (username or email); never raises for text.

    Login must answer "wrong username or password" for anything malformed, so
    this only folds case and Unicode forms and leaves validation to lookup. A
    value with control characters can name no account and becomes "" (some
    databases reject NUL bytes outright).
    """
    if not isinstance(raw, str):
        raise InvalidInput("Username must be text.")
    value = unicodedata.normalize("NFKC", raw).strip()[:_MAX_LOGIN_LENGTH].casefold()
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return ""
    return value


def sanitize_client_text(raw: object, max_length: int) -> str | None:
    """Client-supplied metadata (IP, user agent) made safe to store: no control
    characters, bounded length, ``None`` when empty or not text."""
    if not isinstance(raw, str):
        return None
    value = "".join(ch for ch in raw if unicodedata.category(ch) != "Cc").strip()
    return value[:max_length] or None


def normalize_display_name(raw: object, *, fallback: str = "") -> str:
    if raw is None:
        return fallback
    if not isinstance(raw, str):
        raise InvalidInput("Display name must be text.")
    value = " ".join(unicodedata.normalize("NFKC", raw).split())
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in value):
        raise InvalidInput("Display name contains control characters.")
    if len(value) > _MAX_DISPLAY_NAME:
        raise InvalidInput(f"Display name must be at most {_MAX_DISPLAY_NAME} characters.")
    return value or fallback


def normalize_role(raw: object) -> str:
    if not isinstance(raw, str):
        raise InvalidRole("Role name must be text.")
    value = raw.strip().lower()
    if not is_role_name(value):
        raise InvalidRole(
            f"Invalid role name {raw!r}: use lowercase letters, digits, _ and -, "
            "starting with a letter (at most 64 characters)."
        )
    return value
