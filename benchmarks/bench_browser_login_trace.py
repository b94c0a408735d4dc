"""Where the time of a browser login goes: a timeline per login (issue 13 item 2).

    .venv/bin/python benchmarks/bench_browser_login_trace.py [--logins 5] [--loads 5]

Starts the same servers as ``bench_browser_login.py`` and, for a few logins of
each kind (and a few anonymous loads), prints one timeline per kind, every
time in ms after the click (or after navigation start for a load):

- each ``ForwardMsg`` the page received (arrival in the page: a listener on
  the page's WebSocket, decoded with Streamlit's own protobuf): ``new_session``,
  each ``delta`` (its element type and path), ``script_finished``, ...;
- when the heading (or the password field) appeared in the DOM;
- the page's long tasks (``PerformanceObserver`` ``longtask``: the main thread
  busy 50 ms or more), start and duration;
- the server's own steps, when the app was started with ``BENCH_TRACE`` set:
  the callback, the script's start, the gate's steps, the page's content
  (written by ``bench_browser_login_main.py`` with wall-clock times, turned
  into page time through ``performance.timeOrigin``).

The medians over the logins of each event's time are printed, so runs of the
two apps can be compared step by step.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench_browser_login import (
    ARGS,
    CHROMIUM,
    KINDS,
    MARKS,
    PASSWORD,
    USER,
    LoginKind,
    Server,
    _settle,
)
from bench_browser_login import _start_servers as start_servers
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# The websocket and long-task recorders, then the same click / form / content
# marks as the benchmark (``MARKS``: it sets its own ``__clickAt``, ``__formAt``
# and ``__contentAt``).
TRACE_JS = (
    """
window.__ws = []; window.__long = [];
const __Native = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new __Native(...args);
  socket.addEventListener('message', (event) => {
    const size = event.data.byteLength ?? event.data.size ?? event.data.length;
    window.__ws.push([performance.now(), size]);
  });
  return socket;
};
window.WebSocket.prototype = __Native.prototype;
Object.assign(window.WebSocket, __Native);
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { window.__long.push([e.startTime, e.duration]); }
  }).observe({ type: 'longtask', buffered: true });
} catch (e) {}
"""
    + MARKS
)


def describe(payload: bytes) -> str:
    """A short name for one ForwardMsg: its type, and for a delta what it draws."""
    message = ForwardMsg.FromString(payload)
    kind = message.WhichOneof("type")
    if kind == "delta":
        delta = message.delta
        which = delta.WhichOneof("type")
        path = ".".join(str(p) for p in message.metadata.delta_path)
        if which == "new_element":
            element = delta.new_element.WhichOneof("type")
            return f"delta {element} @{path}"
        if which == "add_block":
            block = delta.add_block.WhichOneof("type")
            return f"delta block:{block} @{path}"
        return f"delta {which} @{path}"
    if kind == "script_finished":
        return "script_finished " + ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
    if kind == "session_status_changed":
        status = message.session_status_changed
        return f"session_status running={status.script_is_running}"
    return kind or "?"


class Frames:
    """Every binary frame the page received, in order (Playwright's view of the socket)."""

    def __init__(self, page: Any) -> None:
        self.payloads: list[bytes] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes):
            self.payloads.append(payload)


def _server_events(trace: Path, since: float) -> list[tuple[float, str]]:
    if not trace.exists():
        return []
    events = []
    for line in trace.read_text().splitlines():
        at, name = json.loads(line)
        if at >= since:
            events.append((at, name))
    return events


def timeline(page: Any, frames: Frames, start: float, trace: Path, since: float) -> list[Any]:
    """(ms after ``start``, event) for the frames, marks, long tasks and server steps."""
    arrivals = page.evaluate("window.__ws")
    origin = page.evaluate("performance.timeOrigin")
    events: list[tuple[float, str]] = []
    count = min(len(arrivals), len(frames.payloads))
    for (at, _size), payload in zip(arrivals[:count], frames.payloads[:count], strict=True):
        if at >= start:
            events.append((at - start, "ws " + describe(payload)))
    for at, duration in page.evaluate("window.__long"):
        if at + duration >= start:
            events.append((at - start, f"longtask {duration:.0f} ms"))
    for name in ("__contentAt", "__formAt"):
        at = page.evaluate(f"window.{name}")
        if at is not None and at >= start:
            events.append((at - start, "DOM " + name))
    for wall, name in _server_events(trace, since):
        events.append((wall * 1000 - origin - start, "server " + name))
    events.sort()
    return [(round(at, 1), name) for at, name in events]


def trace_login(browser: Any, server: Server, kind: LoginKind, trace: Path) -> list[Any]:
    context = browser.new_context()
    try:
        context.add_init_script(TRACE_JS)
        page = context.new_page()
        frames = Frames(page)
        page.goto(f"{server.url}/{kind.path}")
        page.get_by_role("textbox", name="Username", exact=True).fill(USER)
        page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
        _settle(page)
        page.evaluate("window.__clickAt = null; window.__contentAt = null")
        since = page.evaluate("performance.timeOrigin + performance.now()") / 1000
        page.get_by_role("button", name=kind.button, exact=True).click()
        page.wait_for_function("window.__contentAt !== null", timeout=15000)
        _settle(page)
        return timeline(page, frames, page.evaluate("window.__clickAt"), trace, since)
    finally:
        context.close()


def trace_load(browser: Any, url: str, mark: str, trace: Path, warm: bool = False) -> list[Any]:
    context = browser.new_context()
    try:
        context.add_init_script(TRACE_JS)
        if warm:  # a first tab fills the browser's cache (bench_browser_login.load_once)
            first = context.new_page()
            first.goto(url)
            first.wait_for_function(f"window.{mark} !== null", timeout=15000)
            first.close()
        page = context.new_page()
        frames = Frames(page)
        since = time.time()
        page.goto(url)
        page.wait_for_function(f"window.{mark} !== null", timeout=15000)
        _settle(page)
        return timeline(page, frames, 0.0, trace, since)
    finally:
        context.close()


def medians(timelines: list[list[Any]]) -> list[tuple[float, str, int]]:
    """Each event's median time over the timelines (the n-th occurrence of a name)."""
    times: dict[str, list[float]] = defaultdict(list)
    order: dict[str, float] = {}
    for events in timelines:
        seen: dict[str, int] = defaultdict(int)
        for at, name in events:
            seen[name] += 1
            key = f"{name} #{seen[name]}" if seen[name] > 1 else name
            times[key].append(at)
            order.setdefault(key, at)
    rows = [(statistics.median(v), k, len(v)) for k, v in times.items()]
    return sorted(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=5)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--raw", action="store_true", help="print every timeline, not medians")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="bench-browser-trace-"))
    trace = workdir / "trace.jsonl"
    os.environ["BENCH_TRACE"] = str(trace)
    servers = start_servers(workdir, with_stauth=False)
    kinds = [k for k in KINDS if k.server in servers]
    loads = {
        "authgate / -> form": (servers["authgate"].url + "/", "__formAt", False),
        "authgate /open -> content": (servers["authgate"].url + "/open", "__contentAt", False),
        "authgate / -> form, warm": (servers["authgate"].url + "/", "__formAt", True),
        "authgate /open -> content, warm": (
            servers["authgate"].url + "/open",
            "__contentAt",
            True,
        ),
        "peer -> form": (servers["peer"].url + "/", "__formAt", False),
    }
    out: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for kind in kinds:
                trace_login(browser, servers[kind.server], kind, trace)
            collected: dict[str, list[list[Any]]] = defaultdict(list)
            for _ in range(options.logins):
                for kind in kinds:
                    collected[kind.name].append(
                        trace_login(browser, servers[kind.server], kind, trace)
                    )
            for _ in range(options.loads):
                for name, (url, mark, warm) in loads.items():
                    collected[name].append(trace_load(browser, url, mark, trace, warm))
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    for name, timelines in collected.items():
        out[name] = timelines if options.raw else medians(timelines)
    for name, rows in out.items():
        print(f"\n== {name}")
        if options.raw:
            for number, events in enumerate(rows):
                print(f"-- #{number + 1}")
                for at, event in events:
                    print(f"{at:9.1f}  {event}")
        else:
            for at, event, n in rows:
                print(f"{at:9.1f}  {event}  (n={n})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
