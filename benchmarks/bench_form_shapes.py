"""What a login form costs a cold tab, by shape, against a heading (issue 13 item 2).

    .venv/bin/python benchmarks/bench_form_shapes.py [--rounds 3] [--loads 15] [--authgate]
        [--shapes full,minimal,component]

Asks whether the login form's *shape* decides how much later than a public
page's heading it appears to an anonymous visitor, or whether any form of text
inputs does. One ``streamlit run benchmarks/bench_form_shapes_app.py`` server
on a free 127.0.0.1 port draws, by ``?shape=``: ``public`` (a heading and a
line of text), ``full`` (the shape of authgate's form: inputs and a checkbox
with help tooltips, a submit button, two page links), ``nohelp`` (the same
without the tooltips), ``nolinks`` (tooltips, the links as Markdown),
``mdlinks`` (neither), ``minimal`` (two text inputs and a button). With
``--authgate``, authgate's real gate (``bench_browser_login_app.py``) is
measured in the same rounds too: its page needing a login (form) and the same
page drawn for everyone (public).

Each load is a fresh browser context (a cold cache), navigation start to the
password field (forms) or to the heading (public), both taken in the page
(``performance.now()``, the marks of ``bench_browser_login.py``); every round
runs one load of each shape in turn, the order rotated. Also recorded: how many
JavaScript files each shape's tab fetched (Streamlit loads a widget's code on
its first use) and the 1-minute load average around every round. Prints JSON:
medians, quartiles and each shape's ratio to ``public`` of the same round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_browser_login import (
    ARGS,
    CHROMIUM,
    MARKS,
    PASSWORD,
    USER,
    Server,
    _authgate_env,
)

SHAPES = ("public", "full", "nohelp", "nolinks", "mdlinks", "minimal", "component")


def load(browser: Any, url: str, mark: str) -> tuple[float, int]:
    """Navigation start to ``mark`` in a fresh context, and the JavaScript files it fetched."""
    context = browser.new_context()
    scripts: list[str] = []
    try:
        context.add_init_script(MARKS)
        page = context.new_page()
        page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
        page.goto(url)
        page.wait_for_function(f"window.{mark} !== null", timeout=15000)
        at = float(page.evaluate(f"window.{mark}"))
        page.wait_for_timeout(200)  # the rest of the page's scripts, for the count
        return at, len(scripts)
    finally:
        context.close()


def _quartiles(values: list[float]) -> dict[str, float]:
    q1, median, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return {"median": round(median, 1), "p25": round(q1, 1), "p75": round(q3, 1), "n": len(values)}


def run(
    rounds: int, loads: int, with_authgate: bool, shapes: tuple[str, ...] = SHAPES
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="bench-form-shapes-"))
    shapes_server = Server("bench_form_shapes_app.py", workdir, {})
    targets = {shape: (f"{shapes_server.url}/?shape={shape}", _mark(shape)) for shape in shapes}
    servers = [shapes_server]
    if with_authgate:
        common = {"BENCH_USER": USER, "BENCH_PASSWORD": PASSWORD}
        gate = Server(
            "bench_browser_login_app.py", workdir, {**common, **_authgate_env(workdir, "gate")}
        )
        servers.append(gate)
        targets["authgate form"] = (gate.url + "/", "__formAt")
        targets["authgate public"] = (gate.url + "/open", "__contentAt")
    results: dict[str, Any] = {"rounds": []}
    try:
        for server in servers:
            server.wait()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for url, mark in targets.values():  # the servers' first runs, the browser's start
                load(browser, url, mark)
            names = list(targets)
            for number in range(rounds):
                before = os.getloadavg()[0]
                times: dict[str, list[float]] = {name: [] for name in names}
                scripts: dict[str, int] = {}
                for i in range(loads):
                    for name in names[i % len(names) :] + names[: i % len(names)]:
                        at, count = load(browser, *targets[name])
                        times[name].append(at)
                        scripts[name] = count
                public = statistics.median(times["public"])
                entry: dict[str, Any] = {
                    "round": number + 1,
                    "load_1min_before": round(before, 2),
                    "load_1min_after": round(os.getloadavg()[0], 2),
                    "ms": {name: _quartiles(v) for name, v in times.items()},
                    "scripts": scripts,
                    "ratio_to_public": {
                        name: round(statistics.median(v) / public, 3) for name, v in times.items()
                    },
                }
                if with_authgate:
                    entry["authgate_form_vs_public"] = round(
                        statistics.median(times["authgate form"])
                        / statistics.median(times["authgate public"]),
                        3,
                    )
                results["rounds"].append(entry)
                print(json.dumps(entry), file=sys.stderr, flush=True)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    ratios = [r["ratio_to_public"] for r in results["rounds"]]
    results["summary"] = {
        name: {
            "ratio_median_of_rounds": round(statistics.median(r[name] for r in ratios), 3),
            "ratio_min": min(r[name] for r in ratios),
            "ratio_max": max(r[name] for r in ratios),
        }
        for name in ratios[0]
    }
    return results


def _mark(shape: str) -> str:
    return "__contentAt" if shape == "public" else "__formAt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loads", type=int, default=15, help="cold loads of each shape per round")
    parser.add_argument(
        "--authgate", action="store_true", help="measure authgate's gated page in the same rounds"
    )
    parser.add_argument(
        "--shapes",
        default=",".join(SHAPES),
        help="which shapes, comma-separated (public is always measured)",
    )
    options = parser.parse_args()
    shapes = ("public", *(s for s in options.shapes.split(",") if s and s != "public"))
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        parser.error(f"unknown shapes: {', '.join(sorted(unknown))}")
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    results = run(options.rounds, options.loads, options.authgate, shapes)
    results["started"] = started
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
