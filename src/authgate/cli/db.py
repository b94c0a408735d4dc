"""``authgate db``: create, migrate and inspect authgate's tables."""

from __future__ import annotations

from typing import Annotated

import typer

from authgate.cli._command import DatabaseUrl, load_settings, one_line_errors, open_auth
from authgate.cli._database import sqlite_file

__all__ = ["db_app"]

db_app = typer.Typer(help="Database schema.", no_args_is_help=True, rich_markup_mode=None)


@db_app.command("upgrade")
def db_upgrade(
    database_url: DatabaseUrl = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate authgate's tables."""
    with one_line_errors(), open_auth(database_url, migrate=False) as auth:
        auth.store.upgrade(revision)
        typer.echo(f"database at revision {auth.store.revision()}")


@db_app.command("downgrade")
def db_downgrade(revision: str, database_url: DatabaseUrl = None) -> None:
    """Migrate down to REVISION ('base' drops authgate's tables)."""
    with one_line_errors(), open_auth(database_url, migrate=False) as auth:
        auth.store.downgrade(revision)
        typer.echo(f"database at revision {auth.store.revision() or 'base'}")


@db_app.command("current")
def db_current(database_url: DatabaseUrl = None) -> None:
    """Show the database's migration revision (a missing SQLite file is not created)."""
    with one_line_errors():
        path = sqlite_file(load_settings(database_url).database_url)
        if path is not None and path.parent.is_dir() and not path.exists():
            typer.echo(f"database: no file at {path.resolve()} yet", err=True)
            typer.echo("base (empty)")
            return
        with open_auth(database_url, migrate=False, read_only=True) as auth:
            typer.echo(auth.store.revision() or "base (empty)")
