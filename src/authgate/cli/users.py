"""``authgate users``: create and administer accounts from a shell.

Every change is made as actor 0, the shell administrator, so the audit log
tells a change made here from one made in the app. Passwords come from a
hidden prompt or ``--password-stdin``, never from an argument.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from authgate.cli._command import (
    CliError,
    DatabaseUrl,
    MustChangePassword,
    PasswordStdin,
    check_database_option,
    confirm_password,
    one_line_errors,
    open_auth,
    read_password,
    user_id,
    with_new_password,
)
from authgate.core.records import AuthUser
from authgate.errors import UsernameTaken
from authgate.root import Authgate

__all__ = ["users_app"]

users_app = typer.Typer(help="User accounts.", no_args_is_help=True, rich_markup_mode=None)


@users_app.command("create")
def users_create(
    username: str,
    database_url: DatabaseUrl = None,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", "-r", help="Role (repeatable).")
    ] = None,
    must_change: MustChangePassword = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user (roles default to 'user').

    The username and the password are checked against the rules before the
    password is asked for a second time, so a refused one is not typed twice.
    """
    with one_line_errors():
        check_database_option(database_url)  # a bad folder or driver, before any typing
        with open_auth(database_url) as auth:
            while True:  # like a confirmed prompt: a mismatch asks for both again
                password = read_password(password_stdin, confirm=False)
                _check_new_user(auth, username, password, email)
                if password_stdin or confirm_password(password):
                    break
            _create(auth, username, password, email, display_name, role, must_change)


def _check_new_user(auth: Authgate, username: str, password: str, email: str | None) -> None:
    """Raise what registering would raise for the name or the password, before confirming."""
    name = auth.accounts.registration.rules.username(username).value
    if auth.accounts.find_user(name) is not None:
        raise UsernameTaken()
    auth.policy.validate(password, username=name, email=email)


def _create(
    auth: Authgate,
    username: str,
    password: str,
    email: str | None,
    display_name: str | None,
    role: list[str] | None,
    must_change: bool,
) -> None:
    user = auth.accounts.register(
        username,
        password,
        email=email,
        display_name=display_name,
        roles=role or ["user"],
        actor_id=0,
        must_change_password=must_change,
    )
    typer.echo(
        f"created user {user.username} (id {user.id}, roles {', '.join(sorted(user.roles))})"
    )


@users_app.command("list")
def users_list(
    database_url: DatabaseUrl = None,
    search: Annotated[str | None, typer.Option(help="Filter by name or email.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List users (the database read is named on standard error)."""
    with one_line_errors(), open_auth(database_url, read_only=True) as auth:
        users = auth.accounts.list_users(search=search, limit=1000)
        if users and not as_json:
            typer.echo(_row("ID", "USERNAME", "EMAIL", "ROLES", "STATE"))
        for user in users:
            typer.echo(json.dumps(_user_json(user)) if as_json else _user_row(user))
        if not users and not as_json:
            typer.echo("no users")


def _user_json(user: AuthUser) -> dict[str, object]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "active": user.is_active,
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def _row(user_id: object, username: str, email: str, roles: str, state: str) -> str:
    return f"{user_id!s:>6}  {username:<24} {email:<32} {roles:<20} {state}"


def _user_row(user: AuthUser) -> str:
    state = "active" if user.is_active else "disabled"
    return _row(user.id, user.username, user.email or "-", ",".join(sorted(user.roles)), state)


def _set_active(login: str, database_url: str | None, active: bool) -> None:
    with one_line_errors(), open_auth(database_url) as auth:
        user = auth.accounts.set_active(user_id(auth, login), active, actor_id=0)
        typer.echo(f"{user.username} is now {'enabled' if active else 'disabled'}")


@users_app.command("disable")
def users_disable(username: str, database_url: DatabaseUrl = None) -> None:
    """Disable a user and end all of their sessions."""
    _set_active(username, database_url, False)


@users_app.command("enable")
def users_enable(username: str, database_url: DatabaseUrl = None) -> None:
    """Enable a disabled user."""
    _set_active(username, database_url, True)


@users_app.command("set-password")
def users_set_password(
    username: str,
    database_url: DatabaseUrl = None,
    must_change: MustChangePassword = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password (all their sessions end)."""
    with with_new_password(password_stdin, database_url) as (password, auth):
        ended = auth.accounts.set_password(
            user_id(auth, username), password, actor_id=0, must_change=must_change
        )
        typer.echo(f"password set for {username}; {ended} session(s) ended")


@users_app.command("set-roles")
def users_set_roles(
    username: str,
    roles: Annotated[list[str], typer.Argument(help="The complete new list of roles.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Replace a user's roles."""
    with one_line_errors(), open_auth(database_url) as auth:
        user = auth.accounts.set_roles(user_id(auth, username), roles, actor_id=0)
        typer.echo(f"{user.username}: roles {', '.join(sorted(user.roles)) or '(none)'}")


@users_app.command("unlock")
def users_unlock(username: str, database_url: DatabaseUrl = None) -> None:
    """Clear a user's failed-login lockout."""
    with one_line_errors(), open_auth(database_url) as auth:
        auth.accounts.unlock_user(user_id(auth, username), actor_id=0)
        typer.echo(f"{username} unlocked")


@users_app.command("reset-mfa")
def users_reset_mfa(username: str, database_url: DatabaseUrl = None) -> None:
    """Remove a user's two-factor authentication and recovery codes (audited)."""
    with one_line_errors(), open_auth(database_url) as auth:
        was_on = auth.mfa.admin_reset_mfa(user_id(auth, username), actor_id=0)
        typer.echo(
            f"two-factor authentication reset for {username}"
            if was_on
            else f"{username} had no two-factor authentication; nothing to reset"
        )


@users_app.command("verify-email")
def users_verify_email(username: str, database_url: DatabaseUrl = None) -> None:
    """Mark a user's email address as verified."""
    with one_line_errors(), open_auth(database_url) as auth:
        user = auth.verification.mark_email_verified(user_id(auth, username), actor_id=0)
        typer.echo(f"{user.username}: email {user.email or '(none)'} marked verified")


@users_app.command("delete")
def users_delete(
    username: str,
    database_url: DatabaseUrl = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a user with their sessions and tokens (the audit log keeps their history)."""
    with one_line_errors(), open_auth(database_url) as auth:
        target = user_id(auth, username)
        if not yes and not typer.confirm(f"Delete user {username}?"):
            raise CliError("aborted")
        auth.accounts.delete_user(target, actor_id=0)
        typer.echo(f"deleted {username}")
