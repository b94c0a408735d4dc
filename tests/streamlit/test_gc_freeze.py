"""``freeze_once``: the process's long-lived objects leave Streamlit's per-run full collection."""

from __future__ import annotations

import gc
import sys
from typing import Any

import pytest

from authgate.streamlit import gc_freeze


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A process that has not frozen yet; ``gc`` records instead of acting."""
    recorded: list[str] = []
    monkeypatch.setattr(gc_freeze, "_done", False)
    monkeypatch.setattr(gc, "collect", lambda *args: recorded.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: recorded.append("freeze"))
    return recorded


def test_it_collects_then_freezes_once_per_process(calls: list[str]) -> None:
    assert gc_freeze.freeze_once() is True
    assert gc_freeze.freeze_once() is False
    assert calls == ["collect", "freeze"]  # garbage first, so none is frozen


def test_a_gate_run_freezes(calls: list[str], app_test: Any, set_cookie: Any) -> None:
    at = app_test().run()
    assert not at.exception
    assert calls == ["collect", "freeze"]
    at.run()
    assert calls == ["collect", "freeze"]


def test_the_setting_turns_it_off(calls: list[str], app_test: Any, set_cookie: Any) -> None:
    """``AUTHGATE_GC_FREEZE=false``: an app that manages the collector itself keeps it."""
    hooks = sys.modules["authgate_gate_test_hooks"]
    hooks.settings = hooks.settings.model_copy(update={"gc_freeze": False})
    at = app_test().run()
    assert not at.exception
    assert calls == []
