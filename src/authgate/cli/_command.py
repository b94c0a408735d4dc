"""What every command shares: its options, its ``Authgate``, its one-line failures.

A command opens its services with ``open_auth`` (the composition root, built
from settings like every other face) inside ``one_line_errors``, so that any
failure, expected or not, reaches the user as one ``error:`` line and exit
code 1 rather than a traceback that might echo a URL or a password.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from pydantic import ValidationError

from authgate.cli._database import DatabaseProblem, check_database, describe_database
from authgate.cli._stauth import StauthImportError
from authgate.config import AuthgateSettings
from authgate.errors import AuthgateError
from authgate.root import Authgate

__all__ = [
    "CliError",
    "DatabaseUrl",
    "MustChangePassword",
    "PasswordStdin",
    "check_database_option",
    "confirm_password",
    "load_settings",
    "one_line_errors",
    "open_auth",
    "read_password",
    "user_id",
    "with_new_password",
]

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Database URL (default: AUTHGATE_DATABASE_URL or sqlite:///authgate.db).",
        show_default=False,
    ),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]
MustChangePassword = Annotated[bool, typer.Option("--must-change-password")]


class CliError(Exception):
    """A failure to report in one line."""


def load_settings(database_url: str | None) -> AuthgateSettings:
    """The settings, with ``--database-url`` over the environment.

    A bad setting becomes a CliError naming the field, because pydantic's own
    message spans several lines and would break the one-line contract.
    """
    try:
        return AuthgateSettings(database_url=database_url) if database_url else AuthgateSettings()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise CliError(f"invalid configuration ({where}): {first.get('msg')}") from None


def check_database_option(database_url: str | None) -> None:
    """Check the database a command would use (folder, driver) without connecting."""
    check_database(load_settings(database_url).database_url, create=True)


@contextmanager
def open_auth(
    database_url: str | None, *, migrate: bool = True, read_only: bool = False
) -> Iterator[Authgate]:
    """The services on the chosen database, closed (pool released) when the command ends.

    Commands that change something migrate a fresh database on first use, so
    ``users create`` works on an empty file; the ``db`` commands pass
    ``migrate=False`` because choosing the revision is their job. A
    ``read_only`` command never creates one, and once done says on standard
    error which database it read. No mailer: nothing an administrator does from the
    shell sends mail, and a background mailer could lose a message when the
    process exits.
    """
    settings = load_settings(database_url)
    check_database(settings.database_url, create=not read_only)
    auth = Authgate.from_settings(settings, mailer=None, migrate=migrate)
    try:
        yield auth
    finally:
        auth.close()
    if read_only:  # after the output, and never beside an error line
        typer.echo(f"database: {describe_database(settings.database_url)}", err=True)


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn every failure inside the block into one ``error:`` line and exit code 1."""
    try:
        yield
    except typer.Exit:
        raise
    except typer.Abort:  # end of input (or Ctrl-C) at a prompt
        typer.echo("error: aborted", err=True)
        raise typer.Exit(1) from None
    except (AuthgateError, CliError, DatabaseProblem, StauthImportError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except ValidationError as error:
        typer.echo(f"error: {error.errors()[0].get('msg')}", err=True)
        raise typer.Exit(1) from None
    except Exception as error:  # a driver or OS error: still one line, no traceback
        typer.echo(f"error: {type(error).__name__}: {error}".splitlines()[0], err=True)
        raise typer.Exit(1) from None


@contextmanager
def with_new_password(from_stdin: bool, database_url: str | None) -> Iterator[tuple[str, Authgate]]:
    """A command that sets a password: the password, then the services, in ``one_line_errors``.

    The password is read first, so a prompt comes before any database work
    and an empty standard input fails without touching the database.
    """
    with one_line_errors():
        password = read_password(from_stdin)
        with open_auth(database_url) as auth:
            yield password, auth


def read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    """A password from a hidden prompt (confirmed unless ``confirm`` is False), or stdin.

    Never from an argument: it would end up in shell history and ``ps``.
    """
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("no password on standard input")
        return line.rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return value


def confirm_password(password: str) -> bool:
    """Ask for the password a second time; False (said on stderr) when the two differ."""
    again: str = typer.prompt("Repeat for confirmation", hide_input=True)
    if again != password:
        typer.echo("The two entered values do not match; enter the password again.", err=True)
        return False
    return True


def user_id(auth: Authgate, login: str) -> int:
    """The id of the user named ``login`` (username or email); CliError when there is none."""
    user = auth.accounts.find_user(login)
    if user is None:
        raise CliError(f"no user {login!r}")
    return user.id
