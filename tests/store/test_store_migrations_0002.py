"""Migration 0002 (MFA secrets, recovery codes) on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from authgate.store.engine import create_store_engine
from authgate.store.migrate import current_revision, downgrade, upgrade
from authgate.store.models import MfaSecret, RecoveryCode, User

NEW_TABLES = {"authgate_mfa", "authgate_recovery_codes"}
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _add_user(engine: Engine, name: str) -> int:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO authgate_users (username, username_key, email_verified, "
                "display_name, must_change_password, is_active, created_at, updated_at) "
                "VALUES (:n, :n, :f, :n, :f, :t, :now, :now)"
            ),
            {"n": name, "f": False, "t": True, "now": NOW.replace(tzinfo=None)},
        )
        return int(
            connection.execute(
                text("SELECT id FROM authgate_users WHERE username_key = :n"), {"n": name}
            ).scalar_one()
        )


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = create_store_engine(database_url)
    yield engine
    engine.dispose()


def test_0002_follows_0001(engine: Engine) -> None:
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert not NEW_TABLES & set(inspect(engine).get_table_names())


def test_upgrade_keeps_existing_users_and_downgrade_drops_only_the_new_tables(
    engine: Engine,
) -> None:
    upgrade(engine, "0001")
    alice = _add_user(engine, "alice")
    upgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    with Session(engine) as db, db.begin():
        db.add(MfaSecret(user_id=alice, secret_ciphertext="v1:x", enabled=True, created_at=NOW))
        db.add(RecoveryCode(user_id=alice, code_hash="a" * 64, created_at=NOW))
    with Session(engine) as db:
        user = db.get(User, alice)
        assert user is not None and user.mfa_enabled  # type: ignore[attr-defined]
    downgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    tables = set(inspect(engine).get_table_names())
    assert not NEW_TABLES & tables and "authgate_users" in tables
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM authgate_users")).scalar_one() == 1
    upgrade(engine, "0002")  # and back up again
    assert set(inspect(engine).get_table_names()) >= NEW_TABLES
    downgrade(engine, "base")
    assert current_revision(engine) is None


def test_constraints_cascade_and_uniqueness(engine: Engine) -> None:
    upgrade(engine)
    alice, bob = _add_user(engine, "alice"), _add_user(engine, "bob")
    with Session(engine) as db, db.begin():
        db.add(MfaSecret(user_id=alice, secret_ciphertext="v1:x", enabled=False, created_at=NOW))
        db.add(RecoveryCode(user_id=alice, code_hash="b" * 64, created_at=NOW))
    with pytest.raises(IntegrityError), Session(engine) as db, db.begin():
        db.add(RecoveryCode(user_id=bob, code_hash="b" * 64, created_at=NOW))
    with pytest.raises(IntegrityError), Session(engine) as db, db.begin():
        db.add(MfaSecret(user_id=9999, secret_ciphertext="v1:x", enabled=False, created_at=NOW))
    with Session(engine) as db:
        row = db.get(User, alice)
        assert row is not None and not row.mfa_enabled  # type: ignore[attr-defined]  # pending only
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM authgate_users WHERE id = :i"), {"i": alice})
    with Session(engine) as db:
        assert db.scalars(select(MfaSecret)).all() == []
        assert db.scalars(select(RecoveryCode)).all() == []


def test_last_used_step_holds_present_and_far_future_steps(engine: Engine) -> None:
    upgrade(engine)
    alice = _add_user(engine, "alice")
    far = 2**40  # far beyond any real time step; the column is a BIGINT
    with Session(engine) as db, db.begin():
        db.add(
            MfaSecret(
                user_id=alice,
                secret_ciphertext="v1:" + "x" * 200,
                enabled=True,
                created_at=NOW,
                last_used_step=far,
            )
        )
    with Session(engine) as db:
        row = db.get(MfaSecret, alice)
        assert row is not None and row.last_used_step == far and row.created_at == NOW
