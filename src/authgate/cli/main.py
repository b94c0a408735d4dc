"""The ``authgate`` command line: database, users and sessions from a shell.

Every command takes ``--database-url`` (else ``AUTHGATE_DATABASE_URL`` or the
SQLite default). Passwords are read from a hidden prompt or from standard input
with ``--password-stdin``, never from an argument, where they would end up in
shell history and ``ps``. A failure prints one line and exits non-zero.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from authgate.cli._stauth import StauthImportError, read_stauth_users
from authgate.config import AuthgateSettings
from authgate.core.errors import AuthgateError
from authgate.core.service import AuthService

__all__ = ["app", "main"]

app = typer.Typer(
    name="authgate",
    help="authgate: authentication and user management for Streamlit apps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
sessions_app = typer.Typer(help="Login sessions.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(sessions_app, name="sessions")

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

T = TypeVar("T")


class CliError(Exception):
    """A failure to report in one line."""


def _settings(database_url: str | None) -> AuthgateSettings:
    try:
        return AuthgateSettings(database_url=database_url) if database_url else AuthgateSettings()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        raise CliError(f"invalid configuration ({where}): {first.get('msg')}") from None


@contextmanager
def _service(database_url: str | None, *, migrate: bool = True) -> Iterator[AuthService]:
    service = AuthService(settings=_settings(database_url), migrate=migrate)
    try:
        yield service
    finally:
        service.close()


def _run(action: Callable[[], T]) -> T:
    """Run a command body; turn expected failures into one line and exit code 1."""
    try:
        return action()
    except typer.Exit:
        raise
    except typer.Abort:  # end of input (or Ctrl-C) at a prompt
        typer.echo("error: aborted", err=True)
        raise typer.Exit(1) from None
    except (AuthgateError, CliError, StauthImportError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    except ValidationError as error:
        typer.echo(f"error: {error.errors()[0].get('msg')}", err=True)
        raise typer.Exit(1) from None
    except Exception as error:  # a driver or OS error: still one line, no traceback
        typer.echo(f"error: {type(error).__name__}: {error}".splitlines()[0], err=True)
        raise typer.Exit(1) from None


def _read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("no password on standard input")
        return line.rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return value


def _user_id(service: AuthService, login: str) -> int:
    user = service.find_user(login)
    if user is None:
        raise CliError(f"no user {login!r}")
    return user.id


# -- db -------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(
    database_url: DatabaseUrl = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate authgate's tables."""
    from authgate.store.migrate import current_revision, upgrade

    def action() -> None:
        with _service(database_url, migrate=False) as service:
            upgrade(service.engine, revision)
            typer.echo(f"database at revision {current_revision(service.engine)}")

    _run(action)


@db_app.command("downgrade")
def db_downgrade(revision: str, database_url: DatabaseUrl = None) -> None:
    """Migrate down to REVISION ('base' drops authgate's tables)."""
    from authgate.store.migrate import current_revision, downgrade

    def action() -> None:
        with _service(database_url, migrate=False) as service:
            downgrade(service.engine, revision)
            typer.echo(f"database at revision {current_revision(service.engine) or 'base'}")

    _run(action)


@db_app.command("current")
def db_current(database_url: DatabaseUrl = None) -> None:
    """Show the database's migration revision."""
    from authgate.store.migrate import current_revision

    def action() -> None:
        with _service(database_url, migrate=False) as service:
            typer.echo(current_revision(service.engine) or "base (empty)")

    _run(action)


# -- users ----------------------------------------------------------------------


@users_app.command("create")
def users_create(
    username: str,
    database_url: DatabaseUrl = None,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
    role: Annotated[
        list[str] | None, typer.Option("--role", "-r", help="Role (repeatable).")
    ] = None,
    must_change: Annotated[bool, typer.Option("--must-change-password")] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user (roles default to 'user')."""

    def action() -> None:
        password = _read_password(password_stdin)
        with _service(database_url) as service:
            user = service.register(
                username,
                password,
                email=email,
                display_name=display_name,
                roles=role or ["user"],
                actor_id=0,
                must_change_password=must_change,
            )
            typer.echo(
                f"created user {user.username} (id {user.id}, roles "
                f"{', '.join(sorted(user.roles))})"
            )

    _run(action)


@users_app.command("list")
def users_list(
    database_url: DatabaseUrl = None,
    search: Annotated[str | None, typer.Option(help="Filter by name or email.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List users."""

    def action() -> None:
        with _service(database_url) as service:
            users = service.list_users(search=search, limit=1000)
            for user in users:
                if as_json:
                    typer.echo(
                        json.dumps(
                            {
                                "id": user.id,
                                "username": user.username,
                                "email": user.email,
                                "display_name": user.display_name,
                                "roles": sorted(user.roles),
                                "active": user.is_active,
                                "last_login_at": user.last_login_at.isoformat()
                                if user.last_login_at
                                else None,
                            }
                        )
                    )
                else:
                    state = "active" if user.is_active else "disabled"
                    typer.echo(
                        f"{user.id:>6}  {user.username:<24} {user.email or '-':<32} "
                        f"{','.join(sorted(user.roles)):<20} {state}"
                    )
            if not users and not as_json:
                typer.echo("no users")

    _run(action)


def _set_active(login: str, database_url: str | None, active: bool) -> None:
    def action() -> None:
        with _service(database_url) as service:
            user = service.set_active(_user_id(service, login), active, actor_id=0)
            typer.echo(f"{user.username} is now {'enabled' if active else 'disabled'}")

    _run(action)


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
    must_change: Annotated[bool, typer.Option("--must-change-password")] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password (all their sessions end)."""

    def action() -> None:
        password = _read_password(password_stdin)
        with _service(database_url) as service:
            ended = service.set_password(
                _user_id(service, username), password, actor_id=0, must_change=must_change
            )
            typer.echo(f"password set for {username}; {ended} session(s) ended")

    _run(action)


@users_app.command("set-roles")
def users_set_roles(
    username: str,
    roles: Annotated[list[str], typer.Argument(help="The complete new list of roles.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Replace a user's roles."""

    def action() -> None:
        with _service(database_url) as service:
            user = service.set_roles(_user_id(service, username), roles, actor_id=0)
            typer.echo(f"{user.username}: roles {', '.join(sorted(user.roles)) or '(none)'}")

    _run(action)


@users_app.command("unlock")
def users_unlock(username: str, database_url: DatabaseUrl = None) -> None:
    """Clear a user's failed-login lockout."""

    def action() -> None:
        with _service(database_url) as service:
            service.unlock_user(_user_id(service, username), actor_id=0)
            typer.echo(f"{username} unlocked")

    _run(action)


@users_app.command("reset-mfa")
def users_reset_mfa(username: str, database_url: DatabaseUrl = None) -> None:
    """Remove a user's two-factor authentication and recovery codes (audited)."""
    from authgate.core.mfa_service import MfaService

    def action() -> None:
        with _service(database_url) as service:
            was_on = MfaService(service).admin_reset_mfa(_user_id(service, username), actor_id=0)
            typer.echo(
                f"two-factor authentication reset for {username}"
                if was_on
                else f"{username} had no two-factor authentication; nothing to reset"
            )

    _run(action)


@users_app.command("verify-email")
def users_verify_email(username: str, database_url: DatabaseUrl = None) -> None:
    """Mark a user's email address as verified."""
    from authgate.core.email_verification import EmailVerification

    def action() -> None:
        with _service(database_url) as service:
            user = EmailVerification(service).mark_email_verified(
                _user_id(service, username), actor_id=0
            )
            typer.echo(f"{user.username}: email {user.email or '(none)'} marked verified")

    _run(action)


@users_app.command("delete")
def users_delete(
    username: str,
    database_url: DatabaseUrl = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a user with their sessions and tokens (the audit log keeps their history)."""

    def action() -> None:
        with _service(database_url) as service:
            user_id = _user_id(service, username)
            if not yes and not typer.confirm(f"Delete user {username}?"):
                raise CliError("aborted")
            service.delete_user(user_id, actor_id=0)
            typer.echo(f"deleted {username}")

    _run(action)


# -- sessions -------------------------------------------------------------------


@sessions_app.command("list")
def sessions_list(
    database_url: DatabaseUrl = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's sessions.")] = None,
) -> None:
    """List live sessions."""

    def action() -> None:
        with _service(database_url) as service:
            rows: list[tuple[Any, str]]
            if user:
                rows = [(s, user) for s in service.list_sessions(_user_id(service, user))]
            else:
                rows = service.list_all_sessions()
            for session, name in rows:
                typer.echo(
                    f"{session.id}  {name:<24} {session.ip or '-':<16} "
                    f"last seen {session.last_seen_at:%Y-%m-%d %H:%M:%S}  "
                    f"expires {session.expires_at:%Y-%m-%d %H:%M:%S}"
                )
            if not rows:
                typer.echo("no live sessions")

    _run(action)


@sessions_app.command("revoke")
def sessions_revoke(
    session_id: Annotated[str | None, typer.Argument(help="Session id to end.")] = None,
    database_url: DatabaseUrl = None,
    user: Annotated[str | None, typer.Option("--user", help="End all of this user's.")] = None,
) -> None:
    """End one session, or all sessions of a user."""

    def action() -> None:
        if bool(session_id) == bool(user):
            raise CliError("give either a SESSION_ID or --user USERNAME")
        with _service(database_url) as service:
            if user:
                ended = service.revoke_user_sessions(_user_id(service, user), actor_id=0)
                typer.echo(f"{ended} session(s) of {user} ended")
            elif not service.revoke_session(session_id or "", actor_id=0):
                raise CliError(f"no session {session_id!r}")
            else:
                typer.echo(f"session {session_id} ended")

    _run(action)


@sessions_app.command("cleanup")
def sessions_cleanup(
    database_url: DatabaseUrl = None,
    batch_size: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
) -> None:
    """Delete expired sessions and one-time tokens in batches."""

    def action() -> None:
        with _service(database_url) as service:
            typer.echo(f"deleted {service.cleanup(batch_size=batch_size)} expired session(s)")

    _run(action)


# -- import and servers -----------------------------------------------------------


@app.command("import-stauth")
def import_stauth(
    path: Annotated[Path, typer.Argument(help="streamlit-authenticator config.yaml")],
    database_url: DatabaseUrl = None,
) -> None:
    """Import users (names, emails, roles, bcrypt hashes) from a streamlit-authenticator file."""

    def action() -> None:
        records, skipped = read_stauth_users(path)
        imported = 0
        with _service(database_url) as service:
            for record in records:
                try:
                    service.import_user(
                        record.username,
                        password_hash=record.password_hash,
                        email=record.email,
                        display_name=record.display_name,
                        roles=record.roles,
                        source="streamlit-authenticator",
                        actor_id=0,
                    )
                    imported += 1
                except AuthgateError as error:
                    skipped.append(f"user {record.username!r}: {error.message}")
        typer.echo(f"imported {imported} user(s), skipped {len(skipped)}")
        for line in skipped:
            typer.echo(f"  skipped {line}")
        if not records and skipped:
            raise CliError("no user could be imported")

    _run(action)


@app.command("api")
def api(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the JSON auth API with uvicorn."""

    def action() -> None:
        settings = _settings(database_url)  # a bad setting fails before the server loads
        from authgate.api.server import run

        run(host=host, port=port, settings=settings)

    _run(action)


def main() -> None:
    app()
