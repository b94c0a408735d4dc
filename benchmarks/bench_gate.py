"""Benchmarks of the Streamlit gate (run on demand, not in the test suite).

    .venv/bin/python benchmarks/bench_gate.py [--reloads 20] [--iterations 5000]

1. Script runs between a reload and authenticated content (target: exactly 1).
2. Navigation start to authenticated content after a reload, gate on versus the
   same page with the gate off, measured in the same run (target: <= 1.15x).
3. The gate's own cost per rerun for a logged-in user, median (target: <= 200 us).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER, PASSWORD = "bench", "timing-the-gate-2026"
MARK_CONTENT = """
window.__contentAt = null;
new MutationObserver(() => {
  if (window.__contentAt === null && document.body &&
      document.body.innerText.includes('Authenticated content')) {
    window.__contentAt = performance.now();
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, workdir: Path, gate: bool) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "BENCH_GATE": "on" if gate else "off",
            "AUTHGATE_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "AUTHGATE_DATA_DIR": str(workdir / "data"),
            "AUTHGATE_ARGON2_MEMORY_COST": "8192",
            "AUTHGATE_ARGON2_TIME_COST": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(HERE / "bench_gate_app.py"),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def runs(self) -> int:
        with urllib.request.urlopen(f"{self.url}/_bench/runs", timeout=5) as answer:
            return int(json.load(answer)["runs"])

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=15)


def _reload_time(page: Any) -> float:
    page.reload()
    page.get_by_text("Authenticated content").wait_for()
    page.wait_for_function("window.__contentAt !== null")
    return float(page.evaluate("window.__contentAt"))


def browser_benchmarks(reloads: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from authgate.config import AuthgateSettings
    from authgate.root import Authgate

    workdir = Path(tempfile.mkdtemp(prefix="bench-gate-"))
    settings = AuthgateSettings(
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        data_dir=workdir / "data",
        argon2_memory_cost=8192,
        argon2_time_cost=1,
    )
    auth = Authgate.from_settings(settings)
    auth.accounts.register(USER, PASSWORD)
    auth.close()
    gated, plain = Server(workdir, gate=True), Server(workdir, gate=False)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            context = browser.new_context()
            context.add_init_script(MARK_CONTENT)
            page = context.new_page()
            page.goto(f"{gated.url}/")
            page.get_by_role("textbox", name="Username", exact=True).fill(USER)
            page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Log in", exact=True).click()
            page.get_by_text("Authenticated content").wait_for()
            deadline = time.monotonic() + 15
            while not any(c["name"] == "authgate_session" for c in context.cookies()):
                if time.monotonic() > deadline:
                    raise RuntimeError("no session cookie")
                time.sleep(0.05)
            page.wait_for_timeout(500)
            plain_page = context.new_page()
            plain_page.goto(f"{plain.url}/")
            plain_page.get_by_text("Authenticated content").wait_for()
            runs_per_reload, gate_ms, plain_ms = [], [], []
            for _ in range(3):  # warm both servers
                _reload_time(page)
                _reload_time(plain_page)
            for _ in range(reloads):
                page.wait_for_timeout(300)  # let any trailing run finish before counting
                before = gated.runs()
                gate_ms.append(_reload_time(page))
                page.wait_for_timeout(300)
                runs_per_reload.append(gated.runs() - before)
                plain_ms.append(_reload_time(plain_page))
            browser.close()
    finally:
        gated.stop()
        plain.stop()
    gate_median, plain_median = statistics.median(gate_ms), statistics.median(plain_ms)
    return {
        "reloads": reloads,
        "script_runs_per_reload": sorted(set(runs_per_reload)),
        "gate_on_ms_median": round(gate_median, 1),
        "gate_off_ms_median": round(plain_median, 1),
        "ratio": round(gate_median / plain_median, 3),
    }


COST_SCRIPT = """
import time, statistics, sys
import streamlit as st
from authgate.streamlit.tab_session import resolve_user
from authgate.streamlit.navigation import build_navigation
from authgate.streamlit.pages import GatePage
hooks = sys.modules["bench_gate_hooks"]
backend, n = hooks.backend, hooks.iterations
def secret():
    st.write("x")
pages = [GatePage(secret, title="Secret", url_path="secret", default=True),
         GatePage(secret, title="Other", url_path="other", public=True),
         GatePage(secret, title="Admin", url_path="admin", roles=("admin",))]
resolve_user(backend, cookie_name="authgate_session", revalidate_after=5.0)
check, full = [], []
for _ in range(n):
    t0 = time.perf_counter_ns()
    user = resolve_user(backend, cookie_name="authgate_session", revalidate_after=5.0)
    t1 = time.perf_counter_ns()
    build_navigation(pages, user, backend, stand_in=lambda p, u, url: secret)
    t2 = time.perf_counter_ns()
    check.append(t1 - t0)
    full.append(t2 - t0)
hooks.result = {"session_check_us_median": statistics.median(check) / 1000,
                "check_plus_page_filter_us_median": statistics.median(full) / 1000,
                "user": user.username if user else None}
"""


def gate_cost(iterations: int) -> dict[str, Any]:
    import types

    from streamlit.testing.v1 import AppTest

    from authgate.config import AuthgateSettings
    from authgate.root import Authgate
    from authgate.streamlit import tab_session
    from authgate.streamlit.in_process import InProcessBackend

    workdir = Path(tempfile.mkdtemp(prefix="bench-gate-cost-"))
    auth = Authgate.from_settings(
        AuthgateSettings(
            database_url=f"sqlite:///{workdir / 'cost.db'}",
            data_dir=workdir / "data",
            argon2_memory_cost=8192,
            argon2_time_cost=1,
        )
    )
    auth.accounts.register(USER, PASSWORD)
    token = auth.logins.password(USER, PASSWORD).token
    tab_session.read_session_cookie = lambda name: token  # type: ignore[assignment]
    hooks = types.ModuleType("bench_gate_hooks")
    hooks.backend, hooks.iterations = InProcessBackend(auth), iterations  # type: ignore[attr-defined]
    sys.modules["bench_gate_hooks"] = hooks
    AppTest.from_string(COST_SCRIPT, default_timeout=300).run()
    auth.close()
    return dict(hooks.result)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=5000)
    options = parser.parse_args()
    results = {
        "gate_cost": gate_cost(options.iterations),
        "browser": browser_benchmarks(options.reloads),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
