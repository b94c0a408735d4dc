"""Issue 10, item 9: the SQLite database and its WAL and SHM files are owner-only.

They hold password hashes, session hashes and encrypted MFA secrets; the
probe found them created 0644, readable by every local user.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from authgate.config import AuthgateSettings
from authgate.root import Authgate
from authgate.store.engine import create_store_engine

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

FAST = {"argon2_memory_cost": 8192, "argon2_time_cost": 1}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common 022, under which a file made without a mode would be 0644."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("usual_umask")
def test_a_new_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "auth.db"
    settings = AuthgateSettings(
        database_url=f"sqlite:///{path}", data_dir=tmp_path / "data", **FAST
    )
    auth = Authgate.from_settings(settings)
    try:
        auth.accounts.register("alice", "correct horse battery staple")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(file.exists() for file in files)  # WAL mode, a connection still open
        assert {file.name: _mode(file) for file in files} == {file.name: 0o600 for file in files}
    finally:
        auth.close()


@pytest.mark.usefixtures("usual_umask")
def test_the_file_is_private_before_the_first_connection(tmp_path: Path) -> None:
    path = tmp_path / "early.db"
    engine = create_store_engine(f"sqlite:///{path}")
    try:
        assert _mode(path) == 0o600
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_an_existing_database_keeps_the_mode_its_operator_chose(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch()
    path.chmod(0o640)
    engine = create_store_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert _mode(path) == 0o640


def test_a_database_in_a_missing_directory_fails_as_before(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "auth.db"
    engine = create_store_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(OperationalError), engine.connect():
            pass
    finally:
        engine.dispose()
    assert not path.parent.exists()


def test_memory_and_uri_databases_create_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite://", "sqlite:///:memory:"):
        engine = create_store_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
    # A file: URI is SQLite's to parse; authgate does not create a file of that name.
    create_store_engine("sqlite:///file:private.db?uri=true").dispose()
    assert list(tmp_path.iterdir()) == []
