"""Apply authgate's Alembic migrations from code, with no ``alembic.ini`` needed.

``ensure_schema`` is what makes the embedded default zero-setup: the first
composition root built on a fresh SQLite file creates and migrates it. On PostgreSQL
and MySQL an advisory lock keeps several replicas starting at once from
running the same migration twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

__all__ = ["current_revision", "downgrade", "ensure_schema", "head_revision", "upgrade"]

_MIGRATIONS = Path(__file__).parent / "migrations"
_VERSION_TABLE = "authgate_alembic_version"
_LOCK_ID = 0x6175_7468  # "auth"


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": _VERSION_TABLE})
        return context.get_current_revision()


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _LOCK_ID})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _LOCK_ID})
    elif dialect in {"mysql", "mariadb"}:
        connection.execute(text("SELECT GET_LOCK('authgate_migrate', 60)"))
        try:
            yield
        finally:
            connection.execute(text("SELECT RELEASE_LOCK('authgate_migrate')"))
    else:
        yield


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    with engine.connect() as connection, _migration_lock(connection):
        connection.commit()
        command.upgrade(_config(connection), revision)
        connection.commit()


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every table)."""
    with engine.connect() as connection, _migration_lock(connection):
        connection.commit()
        command.downgrade(_config(connection), revision)
        connection.commit()


def ensure_schema(engine: Engine) -> None:
    """Bring the schema to head if it is not there yet; cheap when it already is."""
    if current_revision(engine) != head_revision():
        upgrade(engine)
