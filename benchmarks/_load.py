"""Bulk data for the benchmarks: users and a large sessions table, loaded fast.

Rows go straight into the tables (SQLAlchemy Core ``executemany`` on SQLite,
``COPY`` on PostgreSQL), never through ``auth.logins``: a million logins would
cost a million Argon2 hashes. Tokens are derived from their index with keyed
BLAKE2b, so the benchmark can recompute any token it wants to validate without
keeping a million strings in memory; each row stores only the token's SHA-256,
exactly like a session opened by ``auth.sessions``.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Table, insert, text

from authgate.store.models import Role, Session, User, UserRole

__all__ = ["load_sessions", "load_users", "reset_postgres_database", "session_token"]

_USERS, _ROLES, _USER_ROLES, _SESSIONS = (
    cast(Table, model.__table__) for model in (User, Role, UserRole, Session)
)
_SEED = b"authgate-bench-v1"
_CHUNK = 50_000
# Any Argon2id string will do: the validation benchmark never checks a password.
_PLACEHOLDER_HASH = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2g$" + "A" * 43


def session_token(index: int) -> str:
    """The token of session ``index``: 256 bits, URL-safe, like ``secrets.token_urlsafe(32)``."""
    raw = hashlib.blake2b(index.to_bytes(8, "big"), key=_SEED, digest_size=32).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _session_id(index: int) -> str:
    return hashlib.blake2b(
        index.to_bytes(8, "big"), key=_SEED, digest_size=16, person=b"id"
    ).hexdigest()


def reset_postgres_database(admin_url: str, name: str) -> None:
    """Create database ``name`` on the server of ``admin_url``, or empty it if it exists."""
    from authgate.store.engine import create_store_engine

    admin = create_store_engine(
        admin_url, pool_size=1, max_overflow=0, isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if exists:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def load_users(engine: Engine, count: int, *, now: datetime) -> list[int]:
    """Insert ``count`` users (``bench00001``...) with the role ``user``; return their ids."""
    users = [
        {
            "username": f"bench{i:05d}",
            "username_key": f"bench{i:05d}",
            "email": f"bench{i:05d}@example.org",
            "email_key": f"bench{i:05d}@example.org",
            "email_verified": False,
            "display_name": f"Bench User {i}",
            "password_hash": _PLACEHOLDER_HASH,
            "password_changed_at": now,
            "must_change_password": False,
            "is_active": True,
            "created_at": now - timedelta(days=30),
            "updated_at": now - timedelta(days=30),
            "last_login_at": None,
        }
        for i in range(1, count + 1)
    ]
    with engine.begin() as connection:
        connection.execute(insert(_USERS), users)
        ids = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM authgate_users WHERE username_key LIKE 'bench%' ORDER BY id")
            )
        ]
        role_id = connection.execute(
            insert(_ROLES).values(name="user", created_at=now).returning(Role.id)
        ).scalar_one()
        connection.execute(
            insert(_USER_ROLES), [{"user_id": uid, "role_id": role_id} for uid in ids]
        )
    return ids


def _session_rows(
    count: int, user_ids: list[int], now: datetime, rng: random.Random
) -> Iterator[tuple[object, ...]]:
    """Live sessions, all last seen 10 s before ``now`` (so validating them is a read)."""
    idle = timedelta(minutes=30)
    for index in range(count):
        created = now - timedelta(seconds=rng.randrange(60, 6 * 3600))
        last_seen = now - timedelta(seconds=10)
        yield (
            _session_id(index),
            hashlib.sha256(session_token(index).encode("ascii")).hexdigest(),
            rng.choice(user_ids),
            created,
            last_seen,
            int(idle.total_seconds()),
            last_seen + idle,
            created + timedelta(hours=12),
            False,
            False,
            f"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}",
            "Mozilla/5.0 (X11; Linux x86_64) bench",
        )


_COLUMNS = (
    "id",
    "token_hash",
    "user_id",
    "created_at",
    "last_seen_at",
    "idle_timeout_seconds",
    "expires_at",
    "absolute_expires_at",
    "remember",
    "mfa",
    "ip",
    "user_agent",
)


def load_sessions(engine: Engine, count: int, user_ids: list[int], *, now: datetime) -> None:
    """Insert ``count`` live sessions in chunks; ANALYZE afterwards so plans are realistic."""
    rng = random.Random(20260101)
    rows = _session_rows(count, user_ids, now, rng)
    if engine.dialect.name == "postgresql":
        _copy_postgres(engine, rows)
    else:
        table = _SESSIONS
        with engine.begin() as connection:
            chunk: list[dict[str, object]] = []
            for row in rows:
                chunk.append(dict(zip(_COLUMNS, row, strict=True)))
                if len(chunk) == _CHUNK:
                    connection.execute(insert(table), chunk)
                    chunk = []
            if chunk:
                connection.execute(insert(table), chunk)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _copy_postgres(engine: Engine, rows: Iterator[tuple[object, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        columns = ", ".join(_COLUMNS)
        with cursor.copy(f"COPY authgate_sessions ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
