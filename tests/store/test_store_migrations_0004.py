"""Migration 0004 (passkeys) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, upgrade
from authgate.store.models import Passkey

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def _passkey(user_id: int, credential: str) -> Passkey:
    return Passkey(
        user_id=user_id,
        credential_key=credential.ljust(64, "0"),
        credential_id=credential,
        user_handle="h",
        public_key=b"\x01\x02",
        sign_count=0,
        name="Laptop",
        transports=["internal"],
        aaguid="0" * 36,
        backup_eligible=False,
        backed_up=False,
        created_at=NOW,
    )


def test_upgrade_adds_passkeys_and_downgrade_drops_only_them(engine: Engine) -> None:
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO authgate_users (username, username_key, email_verified, "
                "display_name, must_change_password, is_active, created_at, updated_at) "
                "VALUES ('alice', 'alice', :f, 'alice', :f, :t, :now, :now)"
            ),
            {"f": False, "t": True, "now": NOW.replace(tzinfo=None)},
        )
        alice = int(connection.execute(text("SELECT id FROM authgate_users")).scalar_one())
    upgrade(engine, "0004")
    assert "authgate_passkeys" in inspect(engine).get_table_names()
    with Session(engine) as db, db.begin():
        db.add(_passkey(alice, "cred"))
    with pytest.raises(IntegrityError), Session(engine) as db, db.begin():
        db.add(_passkey(alice, "cred"))  # the same credential key twice
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM authgate_users"))
        assert connection.execute(text("SELECT COUNT(*) FROM authgate_passkeys")).scalar_one() == 0
    downgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    tables = set(inspect(engine).get_table_names())
    assert "authgate_passkeys" not in tables and "authgate_mfa" in tables
    downgrade(engine, "base")
