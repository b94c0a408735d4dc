"""The ``authgate`` command line: database, users and sessions from a shell.

Every command takes ``--database-url`` (else ``AUTHGATE_DATABASE_URL`` or the
SQLite default). Passwords are read from a hidden prompt or from standard input
with ``--password-stdin``, never from an argument, where they would end up in
shell history and ``ps``. A failure prints one line and exits non-zero.

This module only assembles the command groups, which live one per module.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from authgate.cli._command import DatabaseUrl, load_settings, one_line_errors
from authgate.cli.db import db_app
from authgate.cli.sessions import sessions_app
from authgate.cli.stauth_import import import_stauth
from authgate.cli.users import users_app
from authgate.serving import serve_with_uvicorn

__all__ = ["app", "main"]

app = typer.Typer(
    name="authgate",
    help="authgate: authentication and user management for Streamlit apps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: the rich one shows a "<bool>" type beside every flag
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(sessions_app, name="sessions")
app.command("import-stauth")(import_stauth)


@app.command("api")
def api(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes. In production, one per core (each is an event loop "
            "plus a hashing pool).",
        ),
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="uvicorn's per-request log line (off by default: it costs a tenth of the "
            "throughput; the audit trail records every login).",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the JSON auth API with uvicorn.

    Client addresses come from ``AUTHGATE_TRUSTED_PROXIES`` alone (the API
    reads ``X-Forwarded-For`` from those peers itself), so uvicorn's own
    proxy-header handling stays off and nothing is believed twice.
    """
    with one_line_errors():
        load_settings(database_url)  # a bad setting fails here, before the server loads
        if database_url:
            # The server builds its settings from the environment, like every
            # uvicorn worker would: hand it the option the same way.
            os.environ["AUTHGATE_DATABASE_URL"] = database_url
        # By import string, so the command-line face never imports the API face.
        serve_with_uvicorn(
            API_APP, factory=True, host=host, port=port, workers=workers, access_log=access_log
        )


API_APP = "authgate.api.server:asgi_app"


def main() -> None:
    """The console-script entry point (``authgate``, ``python -m authgate``)."""
    app()
