"""Fixtures for the security tests: the demo's modules over a private database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

DEMO_DIR = Path(__file__).resolve().parents[2] / "examples" / "demo"


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Import path, working directory and ``AUTHGATE_*`` variables for one demo test.

    Yields the SQLite file the demo would use (``examples/demo`` is on the path).
    The demo reads its settings once per process, so that cache is cleared
    before and after; the working directory is private so no ``.env`` from
    the checkout leaks in.
    """
    monkeypatch.syspath_prepend(str(DEMO_DIR))
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("AUTHGATE_"):
            monkeypatch.delenv(name)
    database = tmp_path / "demo.db"
    monkeypatch.setenv("AUTHGATE_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("AUTHGATE_DATA_DIR", str(tmp_path / "data"))
    import demo_settings

    demo_settings.demo_settings.cache_clear()
    yield database
    demo_settings.demo_settings.cache_clear()
