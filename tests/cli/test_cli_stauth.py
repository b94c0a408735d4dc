"""``authgate import-stauth``: users out of a streamlit-authenticator config.yaml.

The hashes are real bcrypt hashes made with the ``bcrypt`` library (cost 4 to
keep the tests fast), so the test proves an imported user can log in with
their old password and that the hash is upgraded to Argon2id on that login.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import bcrypt
import pytest
import yaml
from sqlalchemy import select
from typer.testing import Result

from authgate.cli._stauth import read_stauth_users
from authgate.errors import InvalidCredentials
from authgate.root import Authgate
from authgate.store.models import User

Invoke = Callable[..., Result]
ErrorLine = Callable[[Result], str]
CreateUser = Callable[..., Result]

JOHN_PASSWORD = "john-s-old-password-1"
REBECCA_PASSWORD = "rebecca-s-old-password-2"


def _bcrypt(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def _write(path: Path, document: Any) -> Path:
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def _config(usernames: dict[str, Any]) -> dict[str, Any]:
    """The shape streamlit-authenticator writes (cookie and pre-authorized sections too)."""
    return {
        "cookie": {"expiry_days": 30, "key": "some_signature_key", "name": "some_cookie_name"},
        "credentials": {"usernames": usernames},
        "pre-authorized": {"emails": ["melsby@gmail.com"]},
    }


@pytest.fixture
def stauth_file(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "config.yaml",
        _config(
            {
                "jsmith": {
                    "email": "jsmith@gmail.com",
                    "failed_login_attempts": 0,
                    "first_name": "John",
                    "last_name": "Smith",
                    "logged_in": False,
                    "password": _bcrypt(JOHN_PASSWORD),
                    "roles": ["admin", "editor", "viewer"],
                },
                "rbriggs": {
                    "email": "rbriggs@gmail.com",
                    "name": "Rebecca Briggs",
                    "password": _bcrypt(REBECCA_PASSWORD),
                    "roles": "viewer",
                },
                "alice": {  # already in authgate: skipped, never overwritten
                    "email": "other-alice@gmail.com",
                    "name": "Another Alice",
                    "password": _bcrypt("whatever-password-3"),
                },
                # streamlit-authenticator hashes plain text on first run; we never import it
                "plainpat": {
                    "email": "pat@gmail.com",
                    "name": "Pat Plain",
                    "password": "abc123-plain",
                },
            }
        ),
    )


def test_import_users_names_emails_roles_and_report_skips(
    stauth_file: Path,
    create_user: CreateUser,
    invoke: Invoke,
    cli_auth: Authgate,
    password: str,
) -> None:
    create_user("alice")

    result = invoke("import-stauth", str(stauth_file))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "imported 2 user(s), skipped 2"
    skipped = "\n".join(lines[1:])
    assert "'plainpat'" in skipped and "not a bcrypt hash" in skipped
    assert "abc123-plain" not in result.output  # the plain password is never echoed
    assert "'alice'" in skipped and "already taken" in skipped

    john = cli_auth.accounts.find_user("jsmith")
    assert john is not None
    assert (john.display_name, john.email) == ("John Smith", "jsmith@gmail.com")
    assert john.roles == {"admin", "editor", "viewer"}
    rebecca = cli_auth.accounts.find_user("rbriggs")
    assert rebecca is not None
    assert (rebecca.display_name, rebecca.roles) == ("Rebecca Briggs", frozenset({"viewer"}))
    assert cli_auth.accounts.find_user("plainpat") is None

    alice = cli_auth.accounts.find_user("alice")
    assert alice is not None and alice.email is None  # untouched by the file
    cli_auth.logins.password("alice", password)


def test_imported_bcrypt_password_logs_in_and_is_upgraded_to_argon2id(
    stauth_file: Path, invoke: Invoke, cli_auth: Authgate
) -> None:
    assert invoke("import-stauth", str(stauth_file)).exit_code == 0
    assert _stored_hash(cli_auth, "jsmith").startswith("$2b$")

    with pytest.raises(InvalidCredentials):
        cli_auth.logins.password("jsmith", "not-johns-password")
    assert _stored_hash(cli_auth, "jsmith").startswith("$2b$")

    result = cli_auth.logins.password("jsmith@gmail.com", JOHN_PASSWORD)
    assert result.user.username == "jsmith"
    upgraded = _stored_hash(cli_auth, "jsmith")
    assert upgraded.startswith("$argon2id$")
    cli_auth.logins.password("jsmith", JOHN_PASSWORD)  # the new hash still takes the old password
    assert _stored_hash(cli_auth, "jsmith") == upgraded

    events = {e.event_type for e in cli_auth.audit.list(user_id=result.user.id)}
    assert "user.imported" in events


def test_importing_twice_skips_everyone_the_second_time(stauth_file: Path, invoke: Invoke) -> None:
    assert invoke("import-stauth", str(stauth_file)).exit_code == 0
    again = invoke("import-stauth", str(stauth_file))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[0] == "imported 0 user(s), skipped 4"


def test_duplicate_email_is_skipped(
    tmp_path: Path, create_user: CreateUser, invoke: Invoke, cli_auth: Authgate
) -> None:
    create_user("alice", "--email", "shared@example.org")
    path = _write(
        tmp_path / "c.yaml",
        _config(
            {
                "newbie": {"email": "Shared@example.org", "password": _bcrypt(JOHN_PASSWORD)},
            }
        ),
    )
    result = invoke("import-stauth", str(path))
    assert result.stdout.splitlines()[0] == "imported 0 user(s), skipped 1"
    assert "'newbie'" in result.stdout
    assert cli_auth.accounts.find_user("newbie") is None


def test_all_bad_entries_is_an_error_after_the_report(
    tmp_path: Path, invoke: Invoke, error_line: ErrorLine
) -> None:
    path = _write(
        tmp_path / "c.yaml",
        _config(
            {
                "pat": {"password": "plain-text"},
                "lee": "not a mapping",
                "kim": {"email": "kim@example.org"},
            }
        ),
    )
    result = invoke("import-stauth", str(path))
    assert error_line(result) == "error: no user could be imported"
    assert result.stdout.splitlines()[0] == "imported 0 user(s), skipped 3"


def test_defaults_for_missing_roles_and_names(
    tmp_path: Path, invoke: Invoke, cli_auth: Authgate
) -> None:
    path = _write(
        tmp_path / "c.yaml",
        _config(
            {
                "minimal": {"password": _bcrypt(JOHN_PASSWORD)},
                "2b_or_not": {"password": _bcrypt(JOHN_PASSWORD).replace("$2b$", "$2y$", 1)},
            }
        ),
    )
    assert invoke("import-stauth", str(path)).stdout.splitlines()[0] == (
        "imported 2 user(s), skipped 0"
    )
    user = cli_auth.accounts.find_user("minimal")
    assert user is not None
    assert (user.roles, user.display_name, user.email) == (frozenset({"user"}), "minimal", None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("credentials: [unclosed\n", "is not valid YAML"),
        ("cookie:\n  name: x\n", "has no credentials.usernames section"),
        ("credentials:\n  usernames: [a, b]\n", "has no credentials.usernames section"),
        ("just a string\n", "has no credentials.usernames section"),
        ("", "has no credentials.usernames section"),
    ],
    ids=["invalid-yaml", "no-credentials", "usernames-not-mapping", "scalar", "empty"],
)
def test_unreadable_files_are_one_line(
    content: str, message: str, tmp_path: Path, invoke: Invoke, error_line: ErrorLine
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(content, encoding="utf-8")
    assert message in error_line(invoke("import-stauth", str(path)))


def test_missing_file_is_one_line(tmp_path: Path, invoke: Invoke, error_line: ErrorLine) -> None:
    line = error_line(invoke("import-stauth", str(tmp_path / "nope.yaml")))
    assert line.startswith("error: cannot read ") and "No such file" in line


def test_a_directory_is_one_line(tmp_path: Path, invoke: Invoke, error_line: ErrorLine) -> None:
    assert error_line(invoke("import-stauth", str(tmp_path))).startswith("error: cannot read ")


def test_binary_file_is_one_line(tmp_path: Path, invoke: Invoke, error_line: ErrorLine) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"\xff\xfe\x00credentials")
    assert error_line(invoke("import-stauth", str(path))).endswith(": not UTF-8 text")


def test_reader_keeps_the_fields(stauth_file: Path) -> None:
    users, problems = read_stauth_users(stauth_file)
    by_name = {u.username: u for u in users}
    assert set(by_name) == {"jsmith", "rbriggs", "alice"}
    assert by_name["jsmith"].roles == ("admin", "editor", "viewer")
    assert by_name["rbriggs"].roles == ("viewer",)
    assert by_name["jsmith"].password_hash.startswith("$2b$")
    assert len(problems) == 1 and "'plainpat'" in problems[0]


def _stored_hash(service: Authgate, username: str) -> str:
    with service.store.engine.connect() as connection:
        value = connection.execute(
            select(User.password_hash).where(User.username_key == username)
        ).scalar_one()
    assert isinstance(value, str)
    return value
