"""SqlStore: commit and rollback, read-only reads, and the two error translations."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy import exc as sa_exc

from authgate.core.clock import FrozenClock
from authgate.core.ports import DuplicateRecord, NewSession, NewUser
from authgate.core.records import AuthUser
from authgate.errors import StoreUnavailable
from authgate.store import SqlRepositories, SqlStore, is_unavailable
from authgate.store.models import User

MakeUser = Callable[..., AuthUser]

DEAD_URLS = [
    "postgresql://postgres@127.0.0.1:1/test",
    "mysql://root@127.0.0.1:1/test",
]


def _new_user(name: str, clock: FrozenClock, email: str | None = None) -> NewUser:
    return NewUser(
        username=name,
        username_key=name,
        email=email,
        email_key=email,
        display_name=name,
        password_hash="$argon2id$stub",
        password_changed_at=None,
        must_change_password=False,
        roles=("user",),
        created_at=clock.now(),
    )


def _count_users(store: SqlStore) -> int:
    with store.read() as repositories:
        return repositories.users.count()


def test_write_commits_at_a_clean_end(store: SqlStore, clock: FrozenClock) -> None:
    with store.write() as repositories:
        assert isinstance(repositories, SqlRepositories)
        repositories.users.add(_new_user("alice", clock))
    assert _count_users(store) == 1


def test_write_rolls_back_on_any_error(store: SqlStore, clock: FrozenClock) -> None:
    with pytest.raises(RuntimeError), store.write() as repositories:
        repositories.users.add(_new_user("alice", clock))
        raise RuntimeError("boom")
    assert _count_users(store) == 0


def test_read_never_commits(store: SqlStore, make_user: MakeUser) -> None:
    user = make_user("alice")
    with store.read() as repositories:
        repositories.db.execute(delete(User))
        assert repositories.users.count() == 0
    assert _count_users(store) == 1
    assert user.username == "alice"


def test_repositories_share_one_connection(store: SqlStore) -> None:
    with store.read() as repositories:
        for repository in (
            repositories.users,
            repositories.sessions,
            repositories.one_time_tokens,
            repositories.refresh_tokens,
            repositories.mfa,
            repositories.audit,
        ):
            assert getattr(repository, "db") is repositories.db  # noqa: B009 - not on the port


def test_duplicate_outside_a_repository_is_duplicate_record(
    store: SqlStore, clock: FrozenClock
) -> None:
    """A unique clash raised by a bare statement (no repository savepoint) leaves the
    transaction as DuplicateRecord, not as the driver's IntegrityError."""
    with store.write() as repositories:
        repositories.users.add(_new_user("alice", clock))
    with pytest.raises(DuplicateRecord), store.write() as repositories:
        repositories.db.execute(
            insert(User).values(
                username="alice",
                username_key="alice",
                password_hash="x",
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    assert _count_users(store) == 1


def test_other_integrity_errors_stay_bugs(store: SqlStore, clock: FrozenClock) -> None:
    """A missing parent row is no taken key: it must not be reported as one."""
    now = clock.now()
    with pytest.raises(sa_exc.IntegrityError), store.write() as repositories:
        repositories.sessions.add(
            NewSession(
                id="0" * 32,
                token_hash="f" * 64,
                user_id=424242,
                created_at=now,
                idle_timeout_seconds=60,
                expires_at=now,
                absolute_expires_at=now,
                remember=False,
                mfa=False,
                ip=None,
                user_agent=None,
            )
        )


def test_racing_registrations_have_one_winner(store: SqlStore, clock: FrozenClock) -> None:
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register() -> None:
        barrier.wait()
        try:
            with store.write() as repositories:
                if repositories.users.username_taken("alice"):
                    outcome = "taken"
                else:
                    repositories.users.add(_new_user("alice", clock))
                    outcome = "won"
        except DuplicateRecord:
            outcome = "duplicate"
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=register) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes.count("won") == 1
    assert len(outcomes) == 6
    assert _count_users(store) == 1


def test_health_and_engine(store: SqlStore) -> None:
    assert store.health() is True
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(User)).scalar() == 0


def test_migrate_is_idempotent(store: SqlStore, make_user: MakeUser) -> None:
    make_user("alice")
    store.migrate()
    assert _count_users(store) == 1


@pytest.mark.parametrize("url", DEAD_URLS)
def test_unreachable_database_is_store_unavailable(url: str) -> None:
    dead = SqlStore.from_url(url)
    try:
        assert dead.health() is False
        with pytest.raises(StoreUnavailable) as caught:
            dead.migrate()
        assert "temporarily unavailable" in caught.value.message
        assert is_unavailable(caught.value.__cause__ or caught.value)
        for transaction in (dead.read, dead.write):
            with pytest.raises(StoreUnavailable), transaction() as repositories:
                repositories.users.get(1)
    finally:
        dead.close()


def test_unopenable_sqlite_file_is_store_unavailable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dead = SqlStore.from_url(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'auth.db'}")
    try:
        with pytest.raises(StoreUnavailable):
            dead.migrate()
        assert dead.health() is False
    finally:
        dead.close()


def test_the_callers_own_errors_pass_through(store: SqlStore) -> None:
    """Only driver failures are translated; anything else leaves the block as it was."""
    with pytest.raises(KeyError), store.write():
        raise KeyError("k")
