"""The demo server and browser steps shared by the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from api_server import free_port
from authgate.config import AuthgateSettings
from authgate.root import Authgate

ROOT = Path(__file__).resolve().parents[2]
DEMO_APP = ROOT / "examples" / "demo" / "app.py"
FAST_ENV = {"AUTHGATE_ARGON2_MEMORY_COST": "8192", "AUTHGATE_ARGON2_TIME_COST": "1"}

COOKIE = "authgate_session"

WATCH_PASSWORD_INPUT = """
window.__authgateSawPassword = false;
new MutationObserver(() => {
  if (document.querySelector('input[type="password"]')) { window.__authgateSawPassword = true; }
}).observe(document, { subtree: true, childList: true });
"""


def session_cookie(context: Any, name: str = COOKIE) -> dict[str, Any] | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def wait_for_cookie(
    context: Any, *, present: bool = True, timeout: float = 15, name: str = COOKIE
) -> Any:
    """Poll the browser's cookie jar (HttpOnly cookies are invisible to page scripts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        cookie = session_cookie(context, name)
        if (cookie is not None) == present:
            return cookie
        time.sleep(0.05)
    raise AssertionError(f"cookie {name} {'never set' if present else 'never cleared'}")


def fill_login(page: Any, username: str, password: str, *, remember: bool = False) -> None:
    page.get_by_role("textbox", name="Username", exact=True).fill(username)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    if remember:
        page.get_by_text("Remember me", exact=True).click()
    page.get_by_role("button", name="Log in", exact=True).click()


def log_in(
    page: Any,
    base_url: str,
    username: str,
    password: str,
    *,
    path: str = "login",
    remember: bool = False,
) -> None:
    """Log in through the form and wait until the browser holds the session cookie."""
    page.goto(f"{base_url}/{path}")
    fill_login(page, username, password, remember=remember)
    logged_in(page).wait_for()
    wait_for_cookie(page.context)


def logged_in(page: Any) -> Any:
    """The sidebar's "Log out" button: present exactly when the tab has a user."""
    return page.get_by_role("button", name="Log out", exact=True)


def settled(page: Any) -> None:
    """Wait until Streamlit reports no script run in progress for this tab."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'"
    )


def heading(page: Any, text: str) -> Any:
    return page.get_by_role("heading", name=text, exact=True)


class Runs:
    """The script-run messages the page received over its websocket, in order."""

    def __init__(self, page: Any) -> None:
        self.messages: list[str] = []
        self.recording = False
        page.on("websocket", self._watch)

    def _watch(self, socket: Any) -> None:
        socket.on("framereceived", self._received)

    def _received(self, payload: bytes | str) -> None:
        if not self.recording or isinstance(payload, str):
            return
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        if kind == "script_finished":
            status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
            self.messages.append(f"finished:{status}")
        elif kind in {"new_session", "delta"}:
            self.messages.append(kind)

    def runs(self) -> list[list[str]]:
        """The runs recorded, each the messages from its ``new_session`` to its end."""
        runs: list[list[str]] = []
        for message in self.messages:
            if message == "new_session":
                runs.append([])
            elif runs:
                runs[-1].append(message)
        return runs


class DemoServer:
    """``streamlit run examples/demo/app.py`` on 127.0.0.1, restartable on the same port."""

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.database = workdir / "demo.db"
        self.env = {
            **os.environ,
            **FAST_ENV,
            "AUTHGATE_DATABASE_URL": f"sqlite:///{self.database}",
            "AUTHGATE_DATA_DIR": str(workdir / "data"),
            "AUTHGATE_DEMO_MODE": "true",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(DEMO_APP),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"demo server exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"demo server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def service(self) -> Authgate:
        """A service on the server's database, for setting up users from the test."""
        settings = AuthgateSettings(
            database_url=f"sqlite:///{self.database}",
            data_dir=self.workdir / "data",
            argon2_memory_cost=8192,
            argon2_time_cost=1,
        )
        return Authgate.from_settings(settings)
