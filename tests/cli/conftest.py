"""Fixtures for the command-line tests: a temp SQLite file, cheap hashing, a runner.

Settings reach the CLI only through pydantic-settings, so cheap Argon2
parameters are set as ``AUTHGATE_*`` variables. The working directory moves to
the test's temp dir so that no ``.env`` or ``authgate.db`` of the checkout is
read or written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from authgate.cli.main import app
from authgate.config import AuthgateSettings
from authgate.root import Authgate

CHEAP_HASHING_ENV = {"AUTHGATE_ARGON2_MEMORY_COST": "8192", "AUTHGATE_ARGON2_TIME_COST": "1"}
PASSWORD = "vivid-otter-lantern-42"

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def cli_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AUTHGATE_DATABASE_URL", "AUTHGATE_REDIS_URL", "AUTHGATE_MODE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in CHEAP_HASHING_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AUTHGATE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def password() -> str:
    """A password the default policy accepts for every test user."""
    return PASSWORD


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def invoke(db_url: str) -> Invoke:
    """Run ``authgate ARGS --database-url <temp db>``; ``url=None`` leaves the option out."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, url: str | None = db_url) -> Result:
        argv = [*args, "--database-url", url] if url is not None else list(args)
        result = runner.invoke(app, argv, input=input)
        # Only a clean exit may end a command: any other exception is a crash
        # that a user would have seen as a traceback.
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), repr(result.exception)
        return result

    return run


@pytest.fixture
def cli_auth(db_url: str, cli_environment: None) -> Iterator[Authgate]:
    """The services on the CLI's database, for setting up and checking state."""
    auth = Authgate.from_settings(AuthgateSettings(database_url=db_url))
    yield auth
    auth.close()


def _error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


@pytest.fixture
def error_line() -> Callable[[Result], str]:
    """Assert a one-line ``error: ...`` with exit code 1 and no traceback; return the line."""
    return _error_line


@pytest.fixture
def create_user(invoke: Invoke) -> Callable[..., Result]:
    """Create a user through the CLI with ``--password-stdin``; assert it worked."""

    def create(username: str, *args: str, password: str = PASSWORD) -> Result:
        result = invoke(
            "users", "create", username, "--password-stdin", *args, input=password + "\n"
        )
        assert result.exit_code == 0, result.output
        return result

    return create
