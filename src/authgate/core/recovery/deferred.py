"""Work a request starts but does not wait for: the account work of the "forgot" flows.

A "forgot password" answer must take as long for an unknown login as for a
known one. Checking the resend limit, writing a reset token and handing a
message to the mailer happen only for an account that exists, so they cannot
run before the answer: the request hands the whole lookup to a ``Deferred``
and returns, and the known and unknown cases differ only after the answer
has gone out.

- ``RunNow`` runs the job in the caller (direct use of the core, tests that
  read the outbox right after the call).
- ``BackgroundWorker`` runs jobs one at a time on a daemon thread, in the
  order they came; the composition root gives the in-process gate one. The
  API instead runs the same job as a Starlette background task, after the
  response has been sent.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol

__all__ = ["BackgroundWorker", "Deferred", "Job", "RunNow", "run_job"]

logger = logging.getLogger("authgate.background")

Job = Callable[[], None]


class Deferred(Protocol):
    """Something that runs a job now or later; a failing job is logged, never raised."""

    def submit(self, job: Job) -> None: ...


def run_job(job: Job) -> None:
    """Run ``job``, logging (not raising) what it raises: its caller has already answered."""
    try:
        job()
    except Exception:
        logger.exception("authgate background job failed")


class RunNow:
    """Runs each job at once, in the caller's thread."""

    def submit(self, job: Job) -> None:
        run_job(job)


class BackgroundWorker:
    """One daemon thread that runs submitted jobs in order.

    The queue is bounded (``capacity``): under a flood of requests a submit
    waits up to ``put_timeout`` seconds for room, then drops the job with a
    warning. Both apply whatever the job is about, so neither tells an
    observer anything about an account. The thread starts on the first job.
    """

    def __init__(
        self, *, name: str = "authgate-background", capacity: int = 1000, put_timeout: float = 5.0
    ) -> None:
        self.name = name
        self.put_timeout = put_timeout
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=capacity)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"BackgroundWorker(name={self.name!r}, pending={self._pending})"

    def submit(self, job: Job) -> None:
        """Queue ``job`` to run with the submitter's context variables (the request's
        public URL that mail links use, among them), as if it ran in the request."""
        job = partial(contextvars.copy_context().run, job)
        with self._lock:
            if self._closed:
                logger.warning("authgate background worker is closed; a job was dropped")
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self.name, daemon=True)
                self._thread.start()
            self._pending += 1
        try:
            self._jobs.put(job, timeout=self.put_timeout)
        except queue.Full:
            logger.warning("authgate background queue is full; a job was dropped")
            self._finished()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has run; False if ``timeout`` ran out first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Run what is queued (up to ``timeout`` seconds), then stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        if thread is not None:
            try:
                self._jobs.put(None, timeout=timeout)
            except queue.Full:
                return  # the daemon thread ends with the process
            thread.join(timeout)

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            run_job(job)
            self._finished()

    def _finished(self) -> None:
        with self._idle:
            self._pending -= 1
            if not self._pending:
                self._idle.notify_all()
