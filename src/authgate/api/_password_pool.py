"""Where requests that hash a password run: a few threads at lower CPU priority.

Argon2 is built to take tens of milliseconds of CPU. Run on the event loop it
would stall every other request (fastapi-users does this); run in the default
thread pool it competes for the CPU on equal terms with the loop, so a burst of
logins still slows ``GET /me`` down. These threads ask the scheduler for a
lower priority (``nice`` +10 on Linux, where priority is per thread): hashing
still uses every idle core, but the loop thread wins the CPU whenever it has
work. Elsewhere the priority call is skipped and only the offloading remains.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["PasswordWorkPool"]

P = ParamSpec("P")
T = TypeVar("T")


class PasswordWorkPool:
    """A bounded pool for password work.

    Two threads per core keep the cores busy through the short database waits
    around each hash. A lower priority gives up nothing when the CPU is
    otherwise idle: hashing still gets every spare cycle. Under CPU cgroups
    (containers) it weighs only against work in the same group.
    """

    def __init__(self, *, workers: int | None = None, nice: int = 10) -> None:
        self.workers = 2 * (os.cpu_count() or 1) if workers is None else workers
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        self._nice = nice
        self._executor = ThreadPoolExecutor(
            max_workers=self.workers,
            thread_name_prefix="authgate-password",
            initializer=self._lower_priority,
        )

    def _lower_priority(self) -> None:
        setpriority = getattr(os, "setpriority", None)
        if setpriority is None or self._nice <= 0:
            return
        # A sandbox may forbid it; offloading alone still helps.
        with contextlib.suppress(OSError):
            setpriority(os.PRIO_PROCESS, threading.get_native_id(), self._nice)

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` in the pool and wait for it without blocking the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
