"""``authgate sessions``: list and end login sessions from a shell.

Ending a session here is seen by every tab and replica like a logout in the
app, because the session lives in the shared database, not in a process.
"""

from __future__ import annotations

from typing import Annotated

import typer

from authgate.cli._command import CliError, DatabaseUrl, one_line_errors, open_auth, user_id
from authgate.core.records import SessionRecord

__all__ = ["sessions_app"]

sessions_app = typer.Typer(help="Login sessions.", no_args_is_help=True, rich_markup_mode=None)


@sessions_app.command("list")
def sessions_list(
    database_url: DatabaseUrl = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's sessions.")] = None,
) -> None:
    """List live sessions (the database read is named on standard error)."""
    with one_line_errors(), open_auth(database_url, read_only=True) as auth:
        rows: list[tuple[SessionRecord, str]]
        if user:
            rows = [(s, user) for s in auth.sessions.list_for(user_id(auth, user))]
        else:
            rows = auth.sessions.list_all()
        if rows:
            width = max(len(session.id) for session, _ in rows)
            typer.echo(f"{'SESSION':<{width}}  {'USER':<24} {'IP':<16} {'LAST SEEN':<19}  EXPIRES")
        for session, name in rows:
            typer.echo(
                f"{session.id:<{width}}  {name:<24} {session.ip or '-':<16} "
                f"{session.last_seen_at:%Y-%m-%d %H:%M:%S}  "
                f"{session.expires_at:%Y-%m-%d %H:%M:%S}"
            )
        if not rows:
            typer.echo("no live sessions")


@sessions_app.command("revoke")
def sessions_revoke(
    session_id: Annotated[str | None, typer.Argument(help="Session id to end.")] = None,
    database_url: DatabaseUrl = None,
    user: Annotated[str | None, typer.Option("--user", help="End all of this user's.")] = None,
) -> None:
    """End one session, or all sessions of a user."""
    with one_line_errors():
        if bool(session_id) == bool(user):
            raise CliError("give either a SESSION_ID or --user USERNAME")
        with open_auth(database_url) as auth:
            if user:
                ended = auth.sessions.revoke_all(user_id(auth, user), actor_id=0)
                typer.echo(f"{ended} session(s) of {user} ended")
            elif not auth.sessions.revoke(session_id or "", actor_id=0):
                raise CliError(f"no session {session_id!r}")
            else:
                typer.echo(f"session {session_id} ended")


@sessions_app.command("cleanup")
def sessions_cleanup(
    database_url: DatabaseUrl = None,
    batch_size: Annotated[int, typer.Option(min=1, max=100_000)] = 1000,
) -> None:
    """Delete expired sessions, anonymous visitors and one-time tokens in batches."""
    with one_line_errors(), open_auth(database_url) as auth:
        sessions = auth.sessions.cleanup(batch_size=batch_size)
        visitors = auth.visitors.cleanup(batch_size=batch_size)
        typer.echo(
            f"deleted {sessions} expired session(s) and {visitors} expired anonymous visitor(s)"
        )
