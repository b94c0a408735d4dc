"""Persistence: core's ports over SQLAlchemy (and Redis for counters), models, engine, migrations.

``SqlStore`` is what the composition root hands to core as its ``Store``;
``DatabaseThrottle`` and ``RedisThrottle`` are the two ``Throttle`` choices
(``redis`` itself is imported only when a Redis throttle is built).
"""

from authgate.store.engine import create_store_engine, normalize_database_url
from authgate.store.migrate import downgrade, ensure_schema, upgrade
from authgate.store.repositories import SqlRepositories
from authgate.store.sql_store import SqlStore, SqlTransaction, is_unavailable
from authgate.store.throttle_redis import RedisThrottle
from authgate.store.throttle_sql import DatabaseThrottle

__all__ = [
    "DatabaseThrottle",
    "RedisThrottle",
    "SqlRepositories",
    "SqlStore",
    "SqlTransaction",
    "create_store_engine",
    "downgrade",
    "ensure_schema",
    "is_unavailable",
    "normalize_database_url",
    "upgrade",
]
