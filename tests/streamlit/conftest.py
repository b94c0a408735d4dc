"""Fixtures for the gate: AppTest apps over a spy backend, and the demo in a real browser.

AppTest runs the script in this process, so a test hands the script its
backend through a module installed in ``sys.modules``. The browser tests start
the demo with ``streamlit run`` on a free loopback port, a temporary SQLite
file and data directory, and stop it themselves.
"""

from __future__ import annotations

import sys
import types
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import DemoServer

from authgate.config import AuthgateSettings
from authgate.core.clock import FrozenClock
from authgate.root import Authgate
from authgate.streamlit.in_process import InProcessBackend

ROOT = Path(__file__).resolve().parents[2]
APPTEST_APP = Path(__file__).with_name("gate_apptest_app.py")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# -- AppTest ------------------------------------------------------------------


class SpyBackend(InProcessBackend):
    """The in-process backend, counting the calls the gate makes."""

    def __init__(self, service: Authgate) -> None:
        super().__init__(service)
        self.calls: Counter[str] = Counter()

    def validate_session(self, token: str) -> Any:
        self.calls["validate_session"] += 1
        return super().validate_session(token)

    def validate_session_id(self, session_id: str) -> Any:
        self.calls["validate_session_id"] += 1
        return super().validate_session_id(session_id)


@pytest.fixture
def gate_service(tmp_path: Path) -> Iterator[Authgate]:
    settings = AuthgateSettings(
        database_url=f"sqlite:///{tmp_path / 'gate.db'}",
        data_dir=tmp_path / "data",
        argon2_memory_cost=8192,
        argon2_time_cost=1,
    )
    service = Authgate.from_settings(settings, clock=FrozenClock())
    service.accounts.register("alice", "wonderland-2026", display_name="Alice")
    staff = service.accounts.register("sam", "staff-member-2026")
    service.accounts.set_roles(staff.id, ["user", "staff"])
    admin = service.accounts.register("root", "gatekeeper-2026")
    service.accounts.set_roles(admin.id, ["user", "admin"])
    yield service
    service.close()


@pytest.fixture
def spy_backend(gate_service: Authgate, monkeypatch: pytest.MonkeyPatch) -> Iterator[SpyBackend]:
    backend = SpyBackend(gate_service)
    hooks = types.ModuleType("authgate_gate_test_hooks")
    hooks.settings = gate_service.settings  # type: ignore[attr-defined]
    hooks.backend = backend  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "authgate_gate_test_hooks", hooks)
    yield backend


@pytest.fixture
def set_cookie(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """Pretend the tab's websocket handshake carried this session cookie."""

    def install(token: str | None) -> None:
        monkeypatch.setattr(
            "authgate.streamlit.tab_session.read_session_cookie", lambda name: token
        )

    install(None)
    return install


@pytest.fixture
def app_test(spy_backend: SpyBackend) -> Callable[[], Any]:
    from streamlit.testing.v1 import AppTest

    def build() -> AppTest:
        return AppTest.from_file(str(APPTEST_APP), default_timeout=30)

    return build


# -- the demo in a browser ---------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = DemoServer(tmp_path_factory.mktemp("demo"))
    server.start()
    yield server
    server.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser profile; on failure every open page is saved as a screenshot."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(20_000)
    yield ctx
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        for number, page in enumerate(ctx.pages):
            page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{number}.png"))
    ctx.close()
