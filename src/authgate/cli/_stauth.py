"""Read users out of a streamlit-authenticator ``config.yaml``.

The file keeps users under ``credentials.usernames.<name>`` with ``email``,
``name`` (old versions) or ``first_name``/``last_name`` (new ones), ``roles``
and a bcrypt ``password`` hash. Plain-text passwords, which that library
hashes on first run, are refused: importing one would store it unhashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["StauthImportError", "StauthUser", "read_stauth_users"]


class StauthImportError(Exception):
    """The file cannot be read as a streamlit-authenticator configuration."""


@dataclass(frozen=True)
class StauthUser:
    username: str
    password_hash: str
    email: str | None
    display_name: str | None
    roles: tuple[str, ...]


def read_stauth_users(path: Path) -> tuple[list[StauthUser], list[str]]:
    """Return the importable users and one line per user that cannot be imported."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise StauthImportError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise StauthImportError(f"cannot read {path}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        raise StauthImportError(f"{path} is not valid YAML: {error}".splitlines()[0]) from None
    usernames = _dig(document, "credentials", "usernames")
    if not isinstance(usernames, dict):
        raise StauthImportError(f"{path} has no credentials.usernames section")
    users: list[StauthUser] = []
    problems: list[str] = []
    for name, entry in usernames.items():
        try:
            users.append(_user(str(name), entry))
        except StauthImportError as error:
            problems.append(str(error))
    return users, problems


def _dig(document: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def _user(username: str, entry: Any) -> StauthUser:
    if not isinstance(entry, dict):
        raise StauthImportError(f"user {username!r}: entry is not a mapping")
    password = entry.get("password")
    if not isinstance(password, str) or not password.startswith(("$2a$", "$2b$", "$2y$")):
        raise StauthImportError(
            f"user {username!r}: password is not a bcrypt hash (hash it with "
            "streamlit-authenticator first; plain text is never imported)"
        )
    name = entry.get("name")
    if not name:
        parts = [entry.get("first_name"), entry.get("last_name")]
        name = " ".join(str(p) for p in parts if p) or None
    roles = entry.get("roles") or ["user"]
    if isinstance(roles, str):
        roles = [roles]
    email = entry.get("email")
    return StauthUser(
        username=username,
        password_hash=password,
        email=str(email) if email else None,
        display_name=str(name) if name else None,
        roles=tuple(str(r) for r in roles),
    )
