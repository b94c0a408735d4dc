"""Deferred jobs: run now, or in order on one background thread, failures logged."""

from __future__ import annotations

import logging
import threading

import pytest

from authgate.core.recovery.deferred import BackgroundWorker, RunNow


def test_run_now_runs_in_the_caller_and_logs_a_failure(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    RunNow().submit(lambda: seen.append(threading.current_thread().name))
    assert seen == [threading.current_thread().name]
    caplog.set_level(logging.ERROR, logger="authgate.background")
    RunNow().submit(lambda: 1 / 0)  # type: ignore[func-returns-value]
    assert "background job failed" in caplog.text


def test_the_worker_runs_jobs_in_order_off_the_caller_and_survives_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger="authgate.background")
    worker = BackgroundWorker(name="test-worker")
    release = threading.Event()
    seen: list[tuple[int, str]] = []

    def first() -> None:
        seen.append((0, threading.current_thread().name))
        release.wait(5)

    worker.submit(first)
    worker.submit(lambda: 1 / 0)  # type: ignore[func-returns-value]
    worker.submit(lambda: seen.append((2, threading.current_thread().name)))
    assert worker.wait_idle(0.05) is False  # the first job is still waiting
    release.set()
    assert worker.wait_idle(5)
    assert seen == [(0, "test-worker"), (2, "test-worker")]
    assert "background job failed" in caplog.text
    worker.close()


def test_close_runs_what_is_queued_then_refuses_more(caplog: pytest.LogCaptureFixture) -> None:
    worker = BackgroundWorker()
    seen: list[int] = []
    for n in range(5):
        worker.submit(lambda n=n: seen.append(n))  # type: ignore[misc]
    worker.close()
    assert seen == [0, 1, 2, 3, 4]
    caplog.set_level(logging.WARNING, logger="authgate.background")
    worker.submit(lambda: seen.append(99))
    assert seen == [0, 1, 2, 3, 4] and "closed" in caplog.text
    assert worker.wait_idle(0)


def test_a_full_queue_drops_the_job_after_waiting(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="authgate.background")
    worker = BackgroundWorker(capacity=1, put_timeout=0.05)
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(5)

    worker.submit(hold)
    assert started.wait(5)  # the thread holds the first job; the queue is empty
    worker.submit(lambda: None)  # fills the queue
    worker.submit(lambda: None)  # no room: dropped
    assert "queue is full" in caplog.text
    release.set()
    assert worker.wait_idle(5)
    worker.close()


def test_a_background_job_sees_the_request_public_url_of_its_submitter() -> None:
    """Mail links built after the answer still point at the address the browser used."""
    from authgate.core.recovery.deferred import BackgroundWorker
    from authgate.core.recovery.mailing import link, request_public_url

    worker = BackgroundWorker(name="test-context")
    seen: list[str] = []
    try:
        with request_public_url("http://localhost:9123"):
            worker.submit(lambda: seen.append(link(None, "reset-password", "t")))
        assert worker.wait_idle(timeout=5)
    finally:
        worker.close()
    assert seen == ["http://localhost:9123/reset-password?token=t"]
