"""Which database a command will use, checked before anything connects to it.

The store's own errors are deliberately vague ("temporarily unavailable"),
which is right for a web page and wrong for someone at a shell who mistyped
a folder or lacks a driver. These checks run first and say exactly that.
Read-only commands never create a SQLite file: in the wrong folder they say
that there is no database there, instead of listing an empty new one.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

__all__ = ["DatabaseProblem", "check_database", "describe_database", "sqlite_file"]

# The driver each URL scheme loads, and the extra that installs it.
_DRIVERS = {
    "postgresql": ("psycopg", "postgres"),
    "postgresql+psycopg": ("psycopg", "postgres"),
    "postgresql+psycopg2": ("psycopg2", "postgres"),
    "postgres": ("psycopg", "postgres"),
    "mysql": ("pymysql", "mysql"),
    "mysql+pymysql": ("pymysql", "mysql"),
    "mariadb": ("pymysql", "mysql"),
    "mariadb+pymysql": ("pymysql", "mysql"),
}


class DatabaseProblem(Exception):
    """The database URL cannot work as given; the message says what to do."""


def sqlite_file(url: str) -> Path | None:
    """The file a ``sqlite:///`` URL names; None for other databases, memory and URIs."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.split("+", 1)[0] != "sqlite" or not rest.startswith("/"):
        return None
    path = rest[1:].split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def describe_database(url: str) -> str:
    """The URL as a user may see it: a SQLite file as its absolute path, passwords masked."""
    path = sqlite_file(url)
    if path is not None:
        return f"sqlite:///{path.resolve()}"
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    netloc = f"{parts.username}:***@{host}{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def check_database(url: str, *, create: bool) -> None:
    """Raise ``DatabaseProblem`` for a missing folder, driver, or (``create`` False) file."""
    scheme = url.split("://", 1)[0].lower()
    driver = _DRIVERS.get(scheme)
    if driver is not None and importlib.util.find_spec(driver[0]) is None:
        module, extra = driver
        raise DatabaseProblem(
            f"the {scheme.split('+')[0]} driver ({module}) is not installed: "
            f"pip install 'authgate[{extra}]'"
        )
    path = sqlite_file(url)
    if path is None:
        return
    folder = path.resolve().parent
    if not folder.is_dir():
        raise DatabaseProblem(
            f"the folder {folder} does not exist: create it, or give another --database-url"
        )
    if not create and not path.exists():
        raise DatabaseProblem(
            f"no database at {path.resolve()}: run this in the app's folder, give "
            "--database-url (or AUTHGATE_DATABASE_URL), or create one with 'authgate db upgrade'"
        )
