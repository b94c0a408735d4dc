"""Migrations: from empty, round trips, first-use creation, model/migration drift."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, head_revision, upgrade
from authgate.store.models import Base

TABLES = {
    "authgate_users",
    "authgate_roles",
    "authgate_user_roles",
    "authgate_sessions",
    "authgate_one_time_tokens",
    "authgate_refresh_tokens",
    "authgate_audit_events",
    "authgate_login_throttle",
}


def test_upgrade_from_empty_then_round_trip(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= TABLES
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_models_match_migrations(database_url: str) -> None:
    """A model change without a migration fails here, not in production."""
    engine = create_store_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": False, "version_table": "authgate_alembic_version"},
            )
            diff = [
                d
                for d in compare_metadata(context, Base.metadata)
                if not (
                    isinstance(d, tuple)
                    and d[0] == "remove_table"
                    and not str(d[1].name).startswith("authgate_")
                )
            ]
        assert diff == []
    finally:
        engine.dispose()


def test_fresh_sqlite_file_is_created_on_first_use(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nested" / "auth.db"
    path.parent.mkdir()
    settings = AuthgateSettings(
        database_url=f"sqlite:///{path}",
        data_dir=tmp_path / "d",
        argon2_memory_cost=8192,
        argon2_time_cost=1,
    )
    service = Authgate.from_settings(settings)
    try:
        assert path.exists()
        service.accounts.register("alice", "correct horse battery")
        assert service.accounts.count_users() == 1
    finally:
        service.close()
    again = Authgate.from_settings(settings)  # a restart finds the data and migrates nothing
    try:
        assert again.accounts.find_user("alice") is not None
    finally:
        again.close()
