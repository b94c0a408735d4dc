"""Statistics, machine facts and the markdown block the core benchmark writes."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

__all__ = [
    "CpuMeter",
    "Machine",
    "Stats",
    "machine_facts",
    "replace_block",
    "stats",
    "wait_for_quiet",
]

START = "<!-- bench_core:start -->"
END = "<!-- bench_core:end -->"


@dataclass(frozen=True)
class Stats:
    """Latencies of one measurement, in milliseconds."""

    n: int
    median: float
    p95: float
    p99: float
    mean: float

    def row(self) -> str:
        return f"{self.median:.3f} | {self.p95:.3f} | {self.p99:.3f} | {self.mean:.3f} | {self.n}"


def stats(samples_ns: list[int]) -> Stats:
    values = sorted(v / 1e6 for v in samples_ns)
    return Stats(
        n=len(values),
        median=statistics.median(values),
        p95=_percentile(values, 95),
        p99=_percentile(values, 99),
        mean=statistics.fmean(values),
    )


def _percentile(ordered: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * p / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Machine:
    date: str
    cpus: int
    cpu_model: str
    python: str
    system: str
    versions: dict[str, str] = field(default_factory=dict)


def machine_facts(extra: dict[str, str] | None = None) -> Machine:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {"sqlite": sqlite3.sqlite_version}
    for package in ("sqlalchemy", "psycopg", "argon2-cffi", "pwdlib"):
        try:
            versions[package] = version(package)
        except Exception:  # not installed: leave it out
            continue
    versions.update(extra or {})
    return Machine(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cpus=len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count() or 0,
        cpu_model=model,
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()}",
        versions=versions,
    )


def replace_block(path: Path, block: str, *, title: str) -> None:
    """Put ``block`` between the markers in ``path``, keeping any text around them."""
    generated = f"{START}\n{block.rstrip()}\n{END}\n"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if START in text and END in text:
            before, rest = text.split(START, 1)
            after = rest.split(END, 1)[1].lstrip("\n")
            path.write_text(before + generated + ("\n" + after if after else ""), encoding="utf-8")
            return
        path.write_text(text.rstrip() + "\n\n" + generated, encoding="utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n{generated}", encoding="utf-8")


def _busy_and_total_ticks() -> tuple[int, int]:
    """Machine-wide busy and total CPU ticks since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])
    return total - idle, total


def _server_ticks(names: frozenset[str] = frozenset({"postgres"})) -> int:
    """CPU ticks used so far by the database server's processes on this machine."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        if name in names:
            fields = raw[raw.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


class CpuMeter:
    """Share of the machine's CPU used by *other* processes while the block runs.

    Machine-wide busy time minus this process's own CPU time (all threads) and
    minus the local PostgreSQL server's (reported apart as ``server``, since
    its work is part of what is measured), over the machine's capacity. What is
    left competes with the measured threads: tests of other engineers, a browser.
    """

    def __init__(self) -> None:
        self.others = 0.0
        self.server = 0.0

    def __enter__(self) -> CpuMeter:
        self._busy, self._total = _busy_and_total_ticks()
        self._own = time.process_time()
        self._server = _server_ticks()
        return self

    def __exit__(self, *exc: object) -> None:
        busy, total = _busy_and_total_ticks()
        own = (time.process_time() - self._own) * os.sysconf("SC_CLK_TCK")
        server = _server_ticks() - self._server
        if total > self._total:
            capacity = total - self._total
            self.server = max(0.0, server / capacity)
            self.others = max(0.0, (busy - self._busy - own - server) / capacity)


def wait_for_quiet(*, threshold: float = 0.15, timeout: float = 60.0) -> float:
    """Wait until other processes use under ``threshold`` of the CPU for 2 s; return it."""
    deadline = time.monotonic() + timeout
    while True:
        with CpuMeter() as meter:
            time.sleep(2.0)
        if meter.others < threshold or time.monotonic() > deadline:
            return meter.others
