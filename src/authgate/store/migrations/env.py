"""Alembic environment: runs authgate's migrations on the connection it is handed."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from authgate.store.engine import create_store_engine
from authgate.store.models import Base

config = context.config
target_metadata = Base.metadata
VERSION_TABLE = "authgate_alembic_version"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
