"""Persistence: SQLAlchemy models, the engine factory and Alembic migrations."""

from authgate.store.engine import create_store_engine, normalize_database_url
from authgate.store.migrate import downgrade, ensure_schema, upgrade

__all__ = ["create_store_engine", "downgrade", "ensure_schema", "normalize_database_url", "upgrade"]
