"""The browser login, side by side with the plain cookie-component pattern (issue 13 item 2).

    .venv/bin/pip install extra-streamlit-components streamlit-authenticator  # the peers only
    .venv/bin/python benchmarks/bench_browser_login.py [--rounds 3] [--logins 20] [--loads 20]

Every server is ``streamlit run`` on a free 127.0.0.1 port, started and stopped
here; the browser is Debian's headless Chromium (/usr/bin/chromium). Each
round runs every measurement interleaved (one of each kind in turn, the order
rotated every time), in a fresh browser context each (no cookies, a cold tab):

- **click -> content**: open the page, fill the form, click "Log in", until the
  "Authenticated content" heading is in the page; the click's and the heading's
  times are both taken in the page (``performance.now()``). Kinds:
  ``authgate /`` (the form in place of a page that needs a login, at its own
  URL), ``authgate /login`` (the Login page, landing on the default page),
  ``cookie component`` (argon2-cffi + extra-streamlit-components'
  CookieManager, same Argon2id parameters as authgate) and ``stauth``
  (streamlit-authenticator 0.4, bcrypt). *Beyond the hash* subtracts the
  median of one verification with that kind's hash, timed in this process in
  the same round.
- **the server's CPU per login**: user + system time of the server process
  (all its threads, ``/proc/<pid>/stat``, 10 ms ticks) from just before the
  click until the tab settled: the login, its script runs, the cookie
  request. Less disturbed by other load than wall times are.
- **script runs after the click**: the app's own counter (``/_bench/runs``)
  read once the tab settled (no run in progress, then 300 ms more), minus its
  value just before the click.
- **the cookie**: after the content shows, the browser must hold the session
  cookie (authgate: HttpOnly) within 5 s; the time is reported too (polled
  from outside the page, so only to about 20 ms).
- **anonymous -> login form**: navigation start to the password field, on
  authgate's page that needs a login (the app's default page, so at ``/``:
  Streamlit serves a default page only there, and at ``/secret`` shows a
  "Page not found" dialog over it), against the very same page content drawn
  for everyone (``/open``, the same app and gate), to its heading. Each in a
  cold context (as above) and, for authgate's two, also *warm*: a second tab
  of a context whose first tab loaded the same URL, so the browser's cache
  already holds Streamlit's lazily loaded widget code (the form's text inputs,
  checkbox, buttons, links), which a cold tab fetches only once the form's
  messages arrived.
- ``--baseline DIR``: another authgate server runs the code of a checkout at
  ``DIR`` (``PYTHONPATH=DIR/src``, same bench app and database schema, its own
  database), measured in the same rounds as ``base /``, ``base /login`` and
  its anonymous loads, so old and new code are compared interleaved.

The 1-minute load average is recorded at the start and end of every round.
Prints a JSON document; docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import argparse
import importlib.util
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER, PASSWORD = "bench", "timing-the-login-2026"
MARKS = """
window.__clickAt = null; window.__contentAt = null; window.__formAt = null;
document.addEventListener('click', (e) => {
  if (window.__clickAt === null && e.target.closest && e.target.closest('button')) {
    window.__clickAt = performance.now();
  }
}, true);
const __mark = () => {
  if (window.__formAt === null && document.querySelector('input[type="password"]')) {
    window.__formAt = performance.now();
  }
  if (window.__contentAt === null) {
    for (const h of document.querySelectorAll('h1')) {
      if (h.textContent.includes('Authenticated content')) {
        window.__contentAt = performance.now();
        break;
      }
    }
  }
};
new MutationObserver(__mark).observe(
  document, { subtree: true, childList: true, characterData: true });
"""
SETTLED = (
    "() => document.querySelector('[data-testid=stApp]')"
    "?.getAttribute('data-test-script-state') === 'notRunning'"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``streamlit run <entry>`` on a free loopback port, in its own process group."""

    def __init__(self, entry: str, workdir: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"{Path(entry).stem}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    str(HERE / entry),
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
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()}")
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()}")

    def cpu_ms(self) -> float:
        """CPU time (user + system, all threads) the server process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def runs(self) -> int:
        with urllib.request.urlopen(f"{self.url}/_bench/runs", timeout=5) as answer:
            return int(json.load(answer)["runs"])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)


@dataclass(frozen=True)
class LoginKind:
    name: str
    server: str
    path: str
    button: str
    cookie: str
    httponly: bool
    hash: str


KINDS = [
    LoginKind("authgate /", "authgate", "", "Log in", "authgate_session", True, "argon2"),
    LoginKind("authgate /login", "authgate", "login", "Log in", "authgate_session", True, "argon2"),
    LoginKind("base /", "base", "", "Log in", "authgate_session", True, "argon2"),
    LoginKind("base /login", "base", "login", "Log in", "authgate_session", True, "argon2"),
    LoginKind("cookie component", "peer", "", "Log in", "peer_session", False, "argon2"),
    LoginKind("stauth", "stauth", "", "Login", "stauth_bench", False, "bcrypt"),
]


def _settle(page: Any) -> None:
    page.wait_for_function(SETTLED, timeout=15000)
    page.wait_for_timeout(300)
    page.wait_for_function(SETTLED, timeout=15000)


def _cookie(context: Any, name: str) -> dict[str, Any] | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def login_once(browser: Any, server: Server, kind: LoginKind) -> dict[str, Any]:
    """One cold login: returns click -> content (ms), runs after the click, the cookie."""
    context = browser.new_context()
    try:
        context.add_init_script(MARKS)
        page = context.new_page()
        page.goto(f"{server.url}/{kind.path}")
        page.get_by_role("textbox", name="Username", exact=True).fill(USER)
        page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
        _settle(page)
        before = server.runs()
        cpu_before = server.cpu_ms()
        page.evaluate("window.__clickAt = null; window.__contentAt = null")
        page.get_by_role("button", name=kind.button, exact=True).click()
        page.wait_for_function("window.__contentAt !== null", timeout=15000)
        shown = time.monotonic()
        deadline = shown + 5
        cookie = _cookie(context, kind.cookie)
        while cookie is None and time.monotonic() < deadline:
            time.sleep(0.02)
            cookie = _cookie(context, kind.cookie)
        cookie_after = time.monotonic() - shown
        elapsed = page.evaluate("window.__contentAt - window.__clickAt")
        _settle(page)
        cpu = server.cpu_ms() - cpu_before
        runs = server.runs() - before
        return {
            "ms": float(elapsed),
            "server_cpu_ms": cpu,
            "runs": runs,
            "cookie": cookie is not None and (cookie["httpOnly"] or not kind.httponly),
            "cookie_after_content_ms": round(cookie_after * 1000, 1) if cookie else None,
        }
    finally:
        context.close()


def load_once(browser: Any, url: str, mark: str, *, warm: bool = False) -> float:
    """Navigation start to ``mark`` (``__formAt`` or ``__contentAt``) in an anonymous tab.

    Cold: the first tab of a fresh context. ``warm``: a second tab, after a
    first one loaded the same URL (its own Streamlit session, a warm cache).
    """
    context = browser.new_context()
    try:
        context.add_init_script(MARKS)
        if warm:
            first = context.new_page()
            first.goto(url)
            first.wait_for_function(f"window.{mark} !== null", timeout=15000)
            first.close()
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(f"window.{mark} !== null", timeout=15000)
        return float(page.evaluate(f"window.{mark}"))
    finally:
        context.close()


def hash_ms(kind: str, repeats: int = 15) -> float:
    """Median wall time of one verification with ``kind``'s hash, in this process."""
    verify: Callable[[], object]
    if kind == "argon2":
        from argon2 import PasswordHasher

        hasher = PasswordHasher(memory_cost=19456, time_cost=2, parallelism=1)
        stored = hasher.hash(PASSWORD)

        def verify() -> object:
            return hasher.verify(stored, PASSWORD)
    else:
        import bcrypt

        stored_b = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt())

        def verify() -> object:
            return bcrypt.checkpw(PASSWORD.encode(), stored_b)

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        verify()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
    return {
        "median": round(statistics.median(ordered), 1),
        "p25": round(q[0], 1),
        "p75": round(q[2], 1),
        "min": round(ordered[0], 1),
        "max": round(ordered[-1], 1),
        "n": len(ordered),
    }


def _authgate_env(workdir: Path, name: str) -> dict[str, str]:
    """A database with the bench user, and the settings pointing at it."""
    from authgate.config import AuthgateSettings
    from authgate.root import Authgate

    database = f"sqlite:///{workdir / (name + '.db')}"
    auth = Authgate.from_settings(
        AuthgateSettings(database_url=database, data_dir=workdir / "data")
    )
    auth.accounts.register(USER, PASSWORD)
    auth.close()
    return {"AUTHGATE_DATABASE_URL": database, "AUTHGATE_DATA_DIR": str(workdir / "data")}


def _start_servers(
    workdir: Path, with_stauth: bool, baseline: Path | None = None
) -> dict[str, Server]:
    common = {"BENCH_USER": USER, "BENCH_PASSWORD": PASSWORD}
    servers = {
        "authgate": Server(
            "bench_browser_login_app.py", workdir, {**common, **_authgate_env(workdir, "bench")}
        ),
        "peer": Server("bench_browser_login_peer_app.py", workdir, common),
    }
    if baseline is not None:
        path = os.pathsep.join(
            p for p in (str(baseline / "src"), os.environ.get("PYTHONPATH")) if p
        )
        servers["base"] = Server(
            "bench_browser_login_app.py",
            workdir,
            {**common, **_authgate_env(workdir, "base"), "PYTHONPATH": path},
        )
    if with_stauth:
        servers["stauth"] = Server("bench_browser_login_stauth_app.py", workdir, common)
    for server in servers.values():
        server.wait()
    return servers


FORM, PUBLIC = "authgate page needing a login -> form", "authgate same page, public -> content"
WARM = " (warm cache)"
BASE_FORM, BASE_PUBLIC = "base page needing a login -> form", "base same page, public -> content"


def _loads(servers: dict[str, Server]) -> dict[str, tuple[str, str, bool]]:
    """Name -> (URL, mark, warm) of every anonymous load of a round."""
    authgate = servers["authgate"].url
    loads_of = {
        FORM: (authgate + "/", "__formAt", False),
        PUBLIC: (authgate + "/open", "__contentAt", False),
        FORM + WARM: (authgate + "/", "__formAt", True),
        PUBLIC + WARM: (authgate + "/open", "__contentAt", True),
        "cookie component -> form": (servers["peer"].url + "/", "__formAt", False),
    }
    if "stauth" in servers:
        loads_of["stauth -> form"] = (servers["stauth"].url + "/", "__formAt", False)
    if "base" in servers:
        loads_of[BASE_FORM] = (servers["base"].url + "/", "__formAt", False)
        loads_of[BASE_PUBLIC] = (servers["base"].url + "/open", "__contentAt", False)
    return loads_of


def _ratios(opened: dict[str, list[float]]) -> dict[str, float]:
    """Form / public render, per pair measured (median over median)."""
    pairs = {
        "anonymous_form_vs_public_render": (FORM, PUBLIC),
        "anonymous_form_vs_public_render_warm": (FORM + WARM, PUBLIC + WARM),
        "base_anonymous_form_vs_public_render": (BASE_FORM, BASE_PUBLIC),
    }
    return {
        name: round(statistics.median(opened[form]) / statistics.median(opened[public]), 3)
        for name, (form, public) in pairs.items()
        if form in opened
    }


def run(
    rounds: int, logins: int, loads: int, with_stauth: bool, baseline: Path | None = None
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="bench-browser-login-"))
    servers = _start_servers(workdir, with_stauth, baseline)
    kinds = [k for k in KINDS if k.server in servers]
    loads_of = _loads(servers)
    results: dict[str, Any] = {"rounds": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for kind in kinds:  # warm every server and the browser's cache
                login_once(browser, servers[kind.server], kind)
            for url, mark, warm in loads_of.values():
                load_once(browser, url, mark, warm=warm)
            for number in range(rounds):
                load_before = os.getloadavg()[0]
                hashes = {"argon2": hash_ms("argon2"), "bcrypt": hash_ms("bcrypt")}
                clicks: dict[str, list[dict[str, Any]]] = {k.name: [] for k in kinds}
                for i in range(logins):
                    order = kinds[i % len(kinds) :] + kinds[: i % len(kinds)]
                    for kind in order:
                        clicks[kind.name].append(login_once(browser, servers[kind.server], kind))
                opened: dict[str, list[float]] = {name: [] for name in loads_of}
                names = list(loads_of)
                for i in range(loads):
                    for name in names[i % len(names) :] + names[: i % len(names)]:
                        url, mark, warm = loads_of[name]
                        opened[name].append(load_once(browser, url, mark, warm=warm))
                hashes_after = {"argon2": hash_ms("argon2"), "bcrypt": hash_ms("bcrypt")}
                hash_median = {k: (hashes[k] + hashes_after[k]) / 2 for k in hashes}
                round_result: dict[str, Any] = {
                    "round": number + 1,
                    "load_1min_before": round(load_before, 2),
                    "load_1min_after": round(os.getloadavg()[0], 2),
                    "hash_ms": {k: round(v, 1) for k, v in hash_median.items()},
                    "click_to_content": {},
                    "anonymous": {name: _summary(v) for name, v in opened.items()},
                }
                for kind in kinds:
                    done = clicks[kind.name]
                    times = [d["ms"] for d in done]
                    beyond = [t - hash_median[kind.hash] for t in times]
                    cookie_times = [
                        d["cookie_after_content_ms"]
                        for d in done
                        if d["cookie_after_content_ms"] is not None
                    ]
                    round_result["click_to_content"][kind.name] = {
                        "ms": _summary(times),
                        "server_cpu_ms": _summary([d["server_cpu_ms"] for d in done]),
                        "beyond_hash_ms": _summary(beyond),
                        "script_runs_after_click": sorted({d["runs"] for d in done}),
                        "cookie_set": sum(d["cookie"] for d in done),
                        "cookie_after_content_ms_median": (
                            round(statistics.median(cookie_times), 1) if cookie_times else None
                        ),
                    }
                round_result.update(_ratios(opened))
                results["rounds"].append(round_result)
                print(json.dumps(round_result), file=sys.stderr, flush=True)
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    results["summary"] = _overall(results["rounds"], [k.name for k in kinds])
    return results


def _overall(rounds: list[dict[str, Any]], kinds: list[str]) -> dict[str, Any]:
    """Median of the round medians, with their min-max."""

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.0f} [{min(values):.0f}-{max(values):.0f}]"

    out: dict[str, Any] = {}
    for name in kinds:
        rows = [r["click_to_content"][name] for r in rounds]
        out[name] = {
            "click_to_content_ms": spread([r["ms"]["median"] for r in rows]),
            "beyond_hash_ms": spread([r["beyond_hash_ms"]["median"] for r in rows]),
            "server_cpu_ms": spread([r["server_cpu_ms"]["median"] for r in rows]),
            "script_runs_after_click": sorted(
                {n for r in rows for n in r["script_runs_after_click"]}
            ),
        }
    for name in rounds[0]["anonymous"]:
        out[name] = spread([r["anonymous"][name]["median"] for r in rounds])
    for key in (
        "anonymous_form_vs_public_render",
        "anonymous_form_vs_public_render_warm",
        "base_anonymous_form_vs_public_render",
    ):
        if key in rounds[0]:
            ratios = [r[key] for r in rounds]
            out[key] = f"{statistics.median(ratios):.3f} [{min(ratios):.3f}-{max(ratios):.3f}]"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--logins", type=int, default=20, help="logins of each kind per round")
    parser.add_argument("--loads", type=int, default=20, help="anonymous loads of each per round")
    parser.add_argument(
        "--no-stauth", action="store_true", help="leave streamlit-authenticator out"
    )
    parser.add_argument(
        "--baseline", type=Path, help="a checkout whose authgate runs as 'base', interleaved"
    )
    options = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    with_stauth = not options.no_stauth
    if with_stauth and importlib.util.find_spec("streamlit_authenticator") is None:
        print("streamlit-authenticator is not installed: left out", file=sys.stderr)
        with_stauth = False
    results = run(options.rounds, options.logins, options.loads, with_stauth, options.baseline)
    results["baseline"] = str(options.baseline) if options.baseline else None
    results["started"] = started
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
