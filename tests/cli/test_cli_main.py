"""The ``authgate`` command line, through typer's runner, on a temp SQLite file.

Each command is checked for what it prints and, through a second
``Authgate`` on the same file, for what it did. Every bad input must end
in one ``error:`` line and exit code 1 (2 for usage errors), never a traceback.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import Result

from authgate.cli.main import app
from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.errors import (
    AccountDisabled,
    AccountLocked,
    InvalidCredentials,
    NotAuthenticated,
)
from authgate.root import Authgate

Invoke = Callable[..., Result]
ErrorLine = Callable[[Result], str]
CreateUser = Callable[..., Result]

NEW_PASSWORD = "quiet-harbor-tangerine-17"


def _usage_error(result: Result) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


# -- db ---------------------------------------------------------------------------


def test_db_upgrade_current_downgrade_round_trip(invoke: Invoke) -> None:
    assert invoke("db", "current").stdout.strip() == "base (empty)"

    upgraded = invoke("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.startswith("database at revision ")
    head = upgraded.stdout.split()[-1]
    assert invoke("db", "current").stdout.strip() == head

    again = invoke("db", "upgrade", "--revision", "head")
    assert again.exit_code == 0 and again.stdout.split()[-1] == head

    downgraded = invoke("db", "downgrade", "base")
    assert downgraded.exit_code == 0, downgraded.output
    assert downgraded.stdout.strip() == "database at revision base"
    assert invoke("db", "current").stdout.strip() == "base (empty)"

    assert invoke("db", "upgrade").stdout.split()[-1] == head


def test_db_downgrade_to_unknown_revision_is_one_line(
    invoke: Invoke, error_line: ErrorLine
) -> None:
    invoke("db", "upgrade")
    assert "zzzz" in error_line(invoke("db", "downgrade", "zzzz"))


def test_a_fresh_database_is_migrated_on_first_use(
    invoke: Invoke, tmp_path: Path, password: str
) -> None:
    result = invoke("users", "create", "first", "--password-stdin", input=password + "\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli.db").exists()
    listed = invoke("users", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.split()[:5] == ["ID", "USERNAME", "EMAIL", "ROLES", "STATE"]
    assert f"database: sqlite:///{tmp_path / 'cli.db'}" in listed.stderr


@pytest.mark.parametrize(
    "command", [("users", "list"), ("sessions", "list"), ("users", "list", "--json")]
)
def test_read_only_commands_never_create_a_database(
    invoke: Invoke, error_line: ErrorLine, tmp_path: Path, command: tuple[str, ...]
) -> None:
    line = error_line(invoke(*command))
    assert f"no database at {tmp_path / 'cli.db'}" in line and "authgate db upgrade" in line
    assert not (tmp_path / "cli.db").exists()


def test_db_current_does_not_create_the_file(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("db", "current")
    assert result.exit_code == 0 and result.stdout.strip() == "base (empty)"
    assert "no file at" in result.stderr
    assert not (tmp_path / "cli.db").exists()


@pytest.mark.parametrize("command", [("users", "list"), ("users", "create", "bob")])
def test_a_database_in_a_missing_folder_says_so(
    invoke: Invoke, error_line: ErrorLine, tmp_path: Path, command: tuple[str, ...]
) -> None:
    url = f"sqlite:///{tmp_path / 'nowhere' / 'auth.db'}"
    line = error_line(
        invoke(*command, "--password-stdin", input="x\n", url=url)
        if command[1] == "create"
        else invoke(*command, url=url)
    )
    assert f"the folder {tmp_path / 'nowhere'} does not exist" in line
    assert "temporarily unavailable" not in line


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("postgresql://app@db.example/auth", "pip install 'authgate[postgres]'"),
        ("mysql://app@db.example/auth", "pip install 'authgate[mysql]'"),
    ],
)
def test_a_missing_driver_names_the_extra(
    invoke: Invoke,
    error_line: ErrorLine,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    hint: str,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in {"psycopg", "pymysql"} else real(name, *a),
    )
    assert hint in error_line(invoke("users", "list", url=url))


def test_users_create_checks_name_and_password_before_the_confirmation(
    invoke: Invoke, error_line: ErrorLine, create_user: CreateUser, password: str
) -> None:
    weak = invoke("users", "create", "carol", input="short\n")
    assert "at least 8 characters" in error_line(weak)
    assert "Repeat for confirmation" not in weak.output
    bad_name = invoke("users", "create", "x", input=password + "\n")
    assert "Username" in error_line(bad_name)
    assert "Repeat for confirmation" not in bad_name.output
    create_user("carol")
    taken = invoke("users", "create", "carol", input=password + "\n")
    assert "already taken" in error_line(taken)
    assert "Repeat for confirmation" not in taken.output
    mismatch = invoke("users", "create", "dave", input=f"{password}\nsomething-else-1\n")
    assert "do not match" in mismatch.stderr and mismatch.exit_code == 1  # then end of input
    made = invoke("users", "create", "erin", input=f"{password}\n{password}\n")
    assert made.exit_code == 0, made.output
    assert "Repeat for confirmation" in made.output


def test_help_shows_no_type_beside_flags(invoke: Invoke) -> None:
    for command in (("users", "list"), ("users", "create"), ("sessions", "list"), ()):
        result = invoke(*command, "--help", url=None)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output
        assert "--help" in result.output


def test_database_url_comes_from_the_environment_without_the_option(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, password: str
) -> None:
    env_url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("AUTHGATE_DATABASE_URL", env_url)
    created = invoke("users", "create", "erin", "--password-stdin", input=password + "\n", url=None)
    assert created.exit_code == 0, created.output
    listed = invoke("users", "list", url=env_url)
    assert "erin" in listed.stdout


# -- users create -------------------------------------------------------------------


def test_create_with_password_stdin_roles_email_and_name(
    create_user: CreateUser, cli_auth: Authgate, password: str
) -> None:
    result = create_user(
        "alice",
        "-r",
        "admin",
        "--role",
        "editor",
        "--email",
        "Alice@Example.org",
        "--display-name",
        "Alice Liddell",
    )
    assert result.stdout.strip() == "created user alice (id 1, roles admin, editor)"

    user = cli_auth.accounts.find_user("alice")
    assert user is not None
    assert user.roles == {"admin", "editor"}
    assert user.email is not None and user.email.lower() == "alice@example.org"
    assert user.display_name == "Alice Liddell"
    assert not user.must_change_password
    assert cli_auth.logins.password("alice@example.org", password).user.id == user.id


def test_create_gives_the_user_role_by_default(create_user: CreateUser, cli_auth: Authgate) -> None:
    assert "roles user)" in create_user("bob").stdout
    user = cli_auth.accounts.find_user("bob")
    assert user is not None and user.roles == {"user"}


def test_create_with_must_change_password(create_user: CreateUser, cli_auth: Authgate) -> None:
    create_user("carol", "--must-change-password")
    user = cli_auth.accounts.find_user("carol")
    assert user is not None and user.must_change_password


def test_create_reads_a_hidden_prompt_with_confirmation(
    invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    result = invoke("users", "create", "dave", input=f"{password}\n{password}\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and "confirmation" in result.output
    assert password not in result.output  # hidden: never echoed
    assert cli_auth.logins.password("dave", password).user.username == "dave"


def test_create_prompt_asks_again_when_the_two_entries_differ(
    invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    typed = f"{password}\n{password}-typo\n{password}\n{password}\n"
    result = invoke("users", "create", "dave", input=typed)
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert cli_auth.logins.password("dave", password).user.username == "dave"


def test_create_prompt_at_end_of_input_aborts(
    invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate
) -> None:
    assert error_line(invoke("users", "create", "dave", input="")) == "error: aborted"
    assert cli_auth.accounts.find_user("dave") is None


def test_create_with_empty_stdin_is_an_error(
    invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate
) -> None:
    result = invoke("users", "create", "dave", "--password-stdin", input="")
    assert error_line(result) == "error: no password on standard input"
    assert cli_auth.accounts.find_user("dave") is None


@pytest.mark.parametrize(
    "argv",
    [
        ["users", "create", "mallory", "hunter2hunter2"],
        ["users", "create", "mallory", "--password", "hunter2hunter2"],
        ["users", "create", "mallory", "--password-stdin", "hunter2hunter2"],
        ["users", "set-password", "mallory", "hunter2hunter2"],
    ],
    ids=["positional", "option", "positional-with-stdin", "set-password"],
)
def test_a_password_is_never_accepted_as_an_argument(
    argv: list[str], invoke: Invoke, cli_auth: Authgate
) -> None:
    result = invoke(*argv, input="some-other-password-1\n")
    _usage_error(result)
    assert "hunter2hunter2" not in result.stdout
    assert cli_auth.accounts.find_user("mallory") is None


def test_create_duplicate_username_is_one_line(
    create_user: CreateUser, invoke: Invoke, error_line: ErrorLine, password: str
) -> None:
    create_user("alice")
    for name in ("alice", "ALICE"):
        result = invoke("users", "create", name, "--password-stdin", input=password + "\n")
        assert error_line(result) == "error: This username is already taken."


def test_create_duplicate_email_is_one_line(
    create_user: CreateUser, invoke: Invoke, error_line: ErrorLine, password: str
) -> None:
    create_user("alice", "--email", "shared@example.org")
    result = invoke(
        "users",
        "create",
        "bob",
        "--email",
        "SHARED@example.org",
        "--password-stdin",
        input=password + "\n",
    )
    assert "already exists" in error_line(result)


def test_create_weak_password_lists_every_reason(
    invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate
) -> None:
    result = invoke("users", "create", "bobby", "--password-stdin", input="bobby1\n")
    line = error_line(result)
    assert "at least 8 characters" in line
    assert "must not contain your username" in line
    assert cli_auth.accounts.find_user("bobby") is None


def test_create_common_password_is_refused(invoke: Invoke, error_line: ErrorLine) -> None:
    result = invoke("users", "create", "bobby", "--password-stdin", input="password\n")
    assert "too common" in error_line(result)


@pytest.mark.parametrize("email", ["not-an-email", "a@", "two@@example.org"])
def test_create_bad_email_is_one_line(
    email: str, invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate, password: str
) -> None:
    result = invoke(
        "users", "create", "bob", "--email", email, "--password-stdin", input=password + "\n"
    )
    assert "email address is not valid" in error_line(result)
    assert cli_auth.accounts.find_user("bob") is None


@pytest.mark.parametrize("username", ["a b", "x", "dash-", "semi;colon"])
def test_create_bad_username_is_one_line(
    username: str, invoke: Invoke, error_line: ErrorLine, password: str
) -> None:
    result = invoke("users", "create", username, "--password-stdin", input=password + "\n")
    assert "Username" in error_line(result)


def test_create_bad_role_is_one_line(
    invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate, password: str
) -> None:
    result = invoke(
        "users", "create", "bob", "-r", "Not A Role!", "--password-stdin", input=password + "\n"
    )
    assert "role name" in error_line(result)
    assert cli_auth.accounts.find_user("bob") is None


# -- users list -----------------------------------------------------------------------


def test_list_prints_a_row_per_user(create_user: CreateUser, invoke: Invoke) -> None:
    create_user("alice", "-r", "admin", "--email", "alice@example.org")
    create_user("bob")
    header, *lines = invoke("users", "list").stdout.strip().splitlines()
    assert header.split() == ["ID", "USERNAME", "EMAIL", "ROLES", "STATE"]
    assert len(lines) == 2
    assert lines[0].split() == ["1", "alice", "alice@example.org", "admin", "active"]
    assert lines[1].split() == ["2", "bob", "-", "user", "active"]


def test_list_json_lines(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user(
        "alice",
        "-r",
        "admin",
        "-r",
        "user",
        "--email",
        "alice@example.org",
        "--display-name",
        "Alice",
    )
    create_user("bob")
    cli_auth.logins.password("bob", password)
    rows = [json.loads(line) for line in invoke("users", "list", "--json").stdout.splitlines()]
    assert [r["username"] for r in rows] == ["alice", "bob"]
    assert rows[0] == {
        "id": 1,
        "username": "alice",
        "email": "alice@example.org",
        "display_name": "Alice",
        "roles": ["admin", "user"],
        "active": True,
        "last_login_at": None,
    }
    assert rows[1]["last_login_at"] is not None
    datetime.fromisoformat(rows[1]["last_login_at"])


def test_list_search_by_name_and_email(create_user: CreateUser, invoke: Invoke) -> None:
    create_user("alice", "--email", "alice@wonderland.example")
    create_user("bob", "--email", "bob@builder.example")
    create_user("alfred")
    assert _names(invoke("users", "list", "--search", "AL")) == ["alfred", "alice"]
    assert _names(invoke("users", "list", "--search", "builder")) == ["bob"]
    assert invoke("users", "list", "--search", "zzz").stdout.strip() == "no users"
    assert invoke("users", "list", "--search", "zzz", "--json").stdout == ""


def _names(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [line.split()[1] for line in result.stdout.strip().splitlines()[1:]]


# -- disable, enable, set-password, set-roles, unlock, delete ---------------------------------


def test_disable_ends_sessions_and_refuses_login_until_enabled(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    token = cli_auth.logins.password("alice", password).token
    cli_auth.sessions.validate(token)

    result = invoke("users", "disable", "alice")
    assert result.exit_code == 0 and result.stdout.strip() == "alice is now disabled"
    with pytest.raises(NotAuthenticated):
        cli_auth.sessions.validate(token)
    assert cli_auth.sessions.list_for(_id(cli_auth, "alice")) == []
    with pytest.raises(AccountDisabled):
        cli_auth.logins.password("alice", password)
    assert invoke("users", "list").stdout.split()[-1] == "disabled"

    result = invoke("users", "enable", "alice")
    assert result.exit_code == 0 and result.stdout.strip() == "alice is now enabled"
    cli_auth.sessions.validate(cli_auth.logins.password("alice", password).token)
    assert invoke("users", "list").stdout.split()[-1] == "active"


def test_set_password_from_stdin_ends_every_session(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    tokens = [cli_auth.logins.password("alice", password).token for _ in range(2)]

    result = invoke("users", "set-password", "alice", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "password set for alice; 2 session(s) ended"
    for token in tokens:
        with pytest.raises(NotAuthenticated):
            cli_auth.sessions.validate(token)
    with pytest.raises(InvalidCredentials):
        cli_auth.logins.password("alice", password)
    cli_auth.logins.password("alice", NEW_PASSWORD)


def test_set_password_from_the_prompt_with_must_change(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate
) -> None:
    create_user("alice")
    result = invoke(
        "users",
        "set-password",
        "alice",
        "--must-change-password",
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert cli_auth.logins.password("alice", NEW_PASSWORD).user.must_change_password


def test_set_password_weak_keeps_the_old_one(
    create_user: CreateUser,
    invoke: Invoke,
    error_line: ErrorLine,
    cli_auth: Authgate,
    password: str,
) -> None:
    create_user("alice")
    token = cli_auth.logins.password("alice", password).token
    result = invoke("users", "set-password", "alice", "--password-stdin", input="short\n")
    assert "at least 8 characters" in error_line(result)
    cli_auth.sessions.validate(token)
    cli_auth.logins.password("alice", password)


def test_set_roles_replaces_the_list(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate
) -> None:
    create_user("alice", "-r", "admin")
    result = invoke("users", "set-roles", "alice", "editor", "Auditor")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "alice: roles auditor, editor"
    user = cli_auth.accounts.find_user("alice")
    assert user is not None and user.roles == {"auditor", "editor"}


def test_set_roles_bad_inputs(
    create_user: CreateUser, invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate
) -> None:
    create_user("alice", "-r", "admin")
    assert "role name" in error_line(invoke("users", "set-roles", "alice", "bad role!"))
    _usage_error(invoke("users", "set-roles", "alice"))
    user = cli_auth.accounts.find_user("alice")
    assert user is not None and user.roles == {"admin"}


def test_unlock_clears_a_lockout(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            cli_auth.logins.password("alice", "wrong-password-123")
    with pytest.raises(AccountLocked):
        cli_auth.logins.password("alice", password)

    result = invoke("users", "unlock", "alice")
    assert result.exit_code == 0 and result.stdout.strip() == "alice unlocked"
    cli_auth.logins.password("alice", password)


def test_delete_with_yes(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    create_user("bob")
    token = cli_auth.logins.password("bob", password).token
    result = invoke("users", "delete", "bob", "--yes")
    assert result.exit_code == 0 and result.stdout.strip() == "deleted bob"
    assert cli_auth.accounts.find_user("bob") is None
    assert cli_auth.accounts.find_user("alice") is not None
    with pytest.raises(NotAuthenticated):
        cli_auth.sessions.validate(token)


def test_delete_asks_first(
    create_user: CreateUser, invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate
) -> None:
    create_user("bob")
    refused = invoke("users", "delete", "bob", input="n\n")
    assert "Delete user bob?" in refused.output
    assert error_line(refused) == "error: aborted"
    assert cli_auth.accounts.find_user("bob") is not None

    accepted = invoke("users", "delete", "bob", input="y\n")
    assert accepted.exit_code == 0 and "deleted bob" in accepted.stdout
    assert cli_auth.accounts.find_user("bob") is None


@pytest.mark.parametrize(
    "argv",
    [
        ["users", "disable", "ghost"],
        ["users", "enable", "ghost"],
        ["users", "set-roles", "ghost", "admin"],
        ["users", "unlock", "ghost"],
        ["users", "reset-mfa", "ghost"],
        ["users", "verify-email", "ghost"],
        ["users", "delete", "ghost", "--yes"],
        ["sessions", "list", "--user", "ghost"],
        ["sessions", "revoke", "--user", "ghost"],
    ],
)
def test_an_unknown_user_is_one_line(
    argv: list[str], invoke: Invoke, error_line: ErrorLine, cli_auth: Authgate
) -> None:
    assert error_line(invoke(*argv)) == "error: no user 'ghost'"


def test_set_password_for_an_unknown_user(invoke: Invoke, error_line: ErrorLine) -> None:
    result = invoke("users", "set-password", "ghost", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert error_line(result) == "error: no user 'ghost'"


# -- sessions ---------------------------------------------------------------------------


def test_sessions_list_all_and_by_user(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    assert invoke("sessions", "list").stdout.strip() == "no live sessions"
    create_user("alice")
    create_user("bob")
    alice = [
        cli_auth.logins.password("alice", password, ip="10.0.0.1").session.id for _ in range(2)
    ]
    bob = cli_auth.logins.password("bob", password).session.id

    header, *lines = invoke("sessions", "list").stdout.strip().splitlines()
    assert header.split()[:3] == ["SESSION", "USER", "IP"]
    assert {line.split()[0] for line in lines} == {*alice, bob}
    assert any(line.split()[:3] == [alice[0], "alice", "10.0.0.1"] for line in lines)
    assert any(line.split()[:3] == [bob, "bob", "-"] for line in lines)

    only_alice = invoke("sessions", "list", "--user", "alice").stdout.strip().splitlines()[1:]
    assert {line.split()[0] for line in only_alice} == set(alice)


def test_sessions_revoke_one_by_id(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    first = cli_auth.logins.password("alice", password)
    second = cli_auth.logins.password("alice", password)
    result = invoke("sessions", "revoke", first.session.id)
    assert result.exit_code == 0 and result.stdout.strip() == f"session {first.session.id} ended"
    with pytest.raises(NotAuthenticated):
        cli_auth.sessions.validate(first.token)
    cli_auth.sessions.validate(second.token)


def test_sessions_revoke_all_of_a_user(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, password: str
) -> None:
    create_user("alice")
    create_user("bob")
    tokens = [cli_auth.logins.password("alice", password).token for _ in range(2)]
    bob = cli_auth.logins.password("bob", password).token
    result = invoke("sessions", "revoke", "--user", "alice")
    assert result.exit_code == 0 and result.stdout.strip() == "2 session(s) of alice ended"
    for token in tokens:
        with pytest.raises(NotAuthenticated):
            cli_auth.sessions.validate(token)
    cli_auth.sessions.validate(bob)


def test_sessions_revoke_bad_inputs(
    create_user: CreateUser, invoke: Invoke, error_line: ErrorLine
) -> None:
    create_user("alice")
    neither = error_line(invoke("sessions", "revoke"))
    assert neither == "error: give either a SESSION_ID or --user USERNAME"
    assert error_line(invoke("sessions", "revoke", "abc", "--user", "alice")) == neither
    assert error_line(invoke("sessions", "revoke", "nope")) == "error: no session 'nope'"


def test_sessions_cleanup_deletes_only_expired(
    create_user: CreateUser, invoke: Invoke, cli_auth: Authgate, db_url: str, password: str
) -> None:
    create_user("alice")
    past = Authgate.from_settings(
        AuthgateSettings(database_url=db_url),
        clock=FrozenClock(datetime.now(UTC) - timedelta(days=8)),
    )
    try:
        for _ in range(3):
            past.logins.password("alice", password)
        old_visitors = [past.visitors.start(ip=f"192.0.2.{n}") for n in range(3)]
    finally:
        past.close()
    live = cli_auth.logins.password("alice", password).token
    visitor = cli_auth.visitors.start()

    result = invoke("sessions", "cleanup", "--batch-size", "2")
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "deleted 3 expired session(s) and 3 expired anonymous visitor(s)"
    )
    cli_auth.sessions.validate(live)
    assert cli_auth.visitors.resolve(visitor.token) == visitor.visitor
    assert all(cli_auth.visitors.resolve(v.token) is None for v in old_visitors)
    assert invoke("sessions", "cleanup").stdout.strip() == (
        "deleted 0 expired session(s) and 0 expired anonymous visitor(s)"
    )
    _usage_error(invoke("sessions", "cleanup", "--batch-size", "0"))


# -- bad configuration, everywhere --------------------------------------------------------

EVERY_COMMAND = [
    ["db", "upgrade"],
    ["db", "current"],
    ["db", "downgrade", "base"],
    ["users", "create", "alice", "--password-stdin"],
    ["users", "list"],
    ["users", "list", "--json"],
    ["users", "disable", "alice"],
    ["users", "enable", "alice"],
    ["users", "set-password", "alice", "--password-stdin"],
    ["users", "set-roles", "alice", "admin"],
    ["users", "unlock", "alice"],
    ["users", "reset-mfa", "alice"],
    ["users", "verify-email", "alice"],
    ["users", "delete", "alice", "--yes"],
    ["sessions", "list"],
    ["sessions", "revoke", "0123456789abcdef0123456789abcdef"],
    ["sessions", "revoke", "--user", "alice"],
    ["sessions", "cleanup"],
    ["import-stauth", "{stauth}"],
]
UNREACHABLE = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/x",
    "mysql": "mysql://root@127.0.0.1:1/x",
    "sqlite-no-dir": "sqlite:////nonexistent-authgate-dir/x.db",
}


def _command_paths(typer_app: typer.Typer, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    paths = {(*prefix, str(c.name)) for c in typer_app.registered_commands}
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None and group.name is not None
        paths |= _command_paths(group.typer_instance, (*prefix, group.name))
    return paths


def test_every_command_is_checked_against_bad_database_urls() -> None:
    covered = {tuple(a for a in argv if not a.startswith(("-", "{")))[:2] for argv in EVERY_COMMAND}
    assert _command_paths(app) - {("api",)} == covered


def _argv(argv: list[str], tmp_path: Path) -> list[str]:
    stauth = tmp_path / "stauth.yaml"
    stauth.write_text(
        "credentials:\n  usernames:\n    zoe:\n      password: "
        "$2b$04$abcdefghijklmnopqrstuuAbCdEfGhIjKlMnOpQrStUvWxYz01234\n",
        encoding="utf-8",
    )
    return [a.format(stauth=stauth) for a in argv]


@pytest.mark.parametrize("argv", [*EVERY_COMMAND, ["api"]], ids=" ".join)
def test_unsupported_database_scheme_is_one_line(
    argv: list[str], invoke: Invoke, error_line: ErrorLine, tmp_path: Path, password: str
) -> None:
    result = invoke(*_argv(argv, tmp_path), input=password + "\n", url="ftp://x")
    assert "unsupported database URL scheme 'ftp'" in error_line(result)


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
@pytest.mark.parametrize("argv", EVERY_COMMAND, ids=" ".join)
def test_unreachable_database_is_one_line(
    argv: list[str], kind: str, invoke: Invoke, error_line: ErrorLine, tmp_path: Path, password: str
) -> None:
    result = invoke(*_argv(argv, tmp_path), input=password + "\n", url=UNREACHABLE[kind])
    error_line(result)
    assert password not in result.output


def test_bad_setting_in_the_environment_is_one_line(
    invoke: Invoke, error_line: ErrorLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHGATE_ARGON2_MEMORY_COST", "12")
    line = error_line(invoke("users", "list"))
    assert line.startswith("error: invalid configuration (argon2_memory_cost):")


@pytest.mark.parametrize("group", [[], ["db"], ["users"], ["sessions"]])
def test_help(group: list[str], invoke: Invoke) -> None:
    result = invoke(*group, "--help", url=None)
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def _id(service: Authgate, login: str) -> int:
    user = service.accounts.find_user(login)
    assert user is not None
    return user.id


def _served_with(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[Result, dict[str, object]]:
    """Run ``authgate api ARGS`` with uvicorn.run replaced by a recorder of its options."""
    import uvicorn

    served: dict[str, object] = {}

    def record(app: object, **options: object) -> None:
        served.update(options, app=app)

    monkeypatch.setattr(uvicorn, "run", record)
    return invoke("api", *args), served


def test_api_defaults_one_worker_no_access_log_no_uvicorn_proxy_headers(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, served = _served_with(invoke, monkeypatch)
    assert result.exit_code == 0, result.output
    assert served["app"] == "authgate.api.server:asgi_app"
    assert served["factory"] is True
    assert served["workers"] == 1
    assert served["access_log"] is False
    # Forwarded headers are read by the app from AUTHGATE_TRUSTED_PROXIES peers only.
    assert served["proxy_headers"] is False


def test_api_workers_and_access_log_options(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, served = _served_with(
        invoke, monkeypatch, "--workers", "3", "--access-log", "--port", "8123"
    )
    assert result.exit_code == 0, result.output
    assert (served["workers"], served["access_log"], served["port"]) == (3, True, 8123)
    _, served = _served_with(invoke, monkeypatch, "--no-access-log")
    assert served["access_log"] is False


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_api_rejects_bad_worker_counts(
    workers: str, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, served = _served_with(invoke, monkeypatch, "--workers", workers)
    _usage_error(result)
    assert served == {}
