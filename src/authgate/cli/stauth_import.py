"""``authgate import-stauth``: move users over from streamlit-authenticator.

Each user keeps their bcrypt hash, so they log in with the password they
already have; it is upgraded to the preferred hasher at that first login.
A user that cannot be imported is reported and skipped, not fatal, so one bad
entry does not block the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from authgate.cli._command import CliError, DatabaseUrl, one_line_errors, open_auth
from authgate.cli._stauth import read_stauth_users
from authgate.errors import AuthgateError

__all__ = ["import_stauth"]


def import_stauth(
    path: Annotated[Path, typer.Argument(help="streamlit-authenticator config.yaml")],
    database_url: DatabaseUrl = None,
) -> None:
    """Import users (names, emails, roles, bcrypt hashes) from a streamlit-authenticator file."""
    with one_line_errors():
        records, skipped = read_stauth_users(path)
        imported = 0
        with open_auth(database_url) as auth:
            for record in records:
                try:
                    auth.accounts.import_user(
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
