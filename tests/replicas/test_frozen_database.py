"""A frozen PostgreSQL: 503 (or the gate's page) within the timeout, and recovery.

The server is a private one (``PrivatePostgres``) stopped with SIGSTOP: it
accepts TCP connections and answers nothing, the failure only a client-side
deadline can end (``store/deadlines.py``). With a 2 s statement timeout every
request during the freeze answers 503 within the timeout (plus the watchdog's
tick and some slack for a loaded machine); none hangs, and when the server is
thawed the API answers again. The
Streamlit gate shows its "Service unavailable" page instead of hanging.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_helpers import DemoServer, log_in, logged_in, settled
from replica_support import PASSWORD, PREFIX, PrivatePostgres

from api_server import ApiServer
from authgate.streamlit import texts

pytestmark = [pytest.mark.serverdb, pytest.mark.slow]

TIMEOUT = 2.0
SLACK = 1.0
DEMO_PASSWORD = "wonderland-2026"  # the watchdog's tick, thread scheduling on a loaded machine


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    try:
        server = PrivatePostgres().start()
    except (FileNotFoundError, OSError) as error:
        pytest.skip(f"cannot start a private PostgreSQL: {error}")
    yield server
    server.stop()


def _timed(client: httpx.Client, method: str, url: str, **kwargs: object) -> tuple[int, float]:
    start = time.monotonic()
    answer = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    return answer.status_code, time.monotonic() - start


def test_frozen_postgres_answers_503_within_the_timeout_then_recovers(
    postgres: PrivatePostgres, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="authgate")
    server = ApiServer(
        tmp_path, database_url=postgres.url, database_statement_timeout=TIMEOUT
    ).start()
    try:
        server.add_user("alice", PASSWORD)
        login = {"username": "alice", "password": PASSWORD}
        with httpx.Client(base_url=server.url, timeout=30) as client:
            assert client.post(f"{PREFIX}/login", json=login).status_code == 200
            postgres.freeze()
            status, first = _timed(client, "POST", f"{PREFIX}/login", json=login)
            assert status == 503
            assert first < TIMEOUT + SLACK, f"first request took {first:.1f} s"
            with ThreadPoolExecutor(4) as pool:
                answers = list(
                    pool.map(lambda _: _timed(client, "GET", f"{PREFIX}/health"), range(8))
                )
            assert {status for status, _ in answers} == {503}
            slowest = max(seconds for _, seconds in answers)
            assert slowest < TIMEOUT + SLACK, f"slowest took {slowest:.1f} s"
            print(f"frozen: first 503 after {first:.2f} s, slowest of 8 more {slowest:.2f} s")
            postgres.thaw()
            deadline = time.monotonic() + 10
            while client.get(f"{PREFIX}/health").status_code != 200:
                assert time.monotonic() < deadline, "no recovery within 10 s of the thaw"
                time.sleep(0.2)
            assert client.post(f"{PREFIX}/login", json=login).status_code == 200
    finally:
        postgres.thaw()
        server.stop()
    store_lines = [r for r in caplog.records if r.name == "authgate.store"]
    down = [r for r in store_lines if "store unavailable" in r.getMessage()]
    back = [r for r in store_lines if "available again" in r.getMessage()]
    assert len(down) == 1 and len(back) == 1, [r.getMessage() for r in store_lines]
    assert not any(r.exc_info for r in caplog.records), [
        (r.name, r.getMessage()) for r in caplog.records if r.exc_info
    ]


@pytest.mark.browser
def test_frozen_postgres_shows_the_gate_unavailable_page_then_recovers(
    postgres: PrivatePostgres, tmp_path: Path, context: Any
) -> None:
    demo = DemoServer(
        tmp_path,
        env={
            "AUTHGATE_DATABASE_URL": postgres.url,
            "AUTHGATE_DATABASE_STATEMENT_TIMEOUT": str(TIMEOUT),
        },
    )
    demo.start()
    try:
        page = context.new_page()
        log_in(page, demo.url, "alice", DEMO_PASSWORD)  # a demo account
        postgres.freeze()
        started = time.monotonic()
        page.reload()  # a new websocket: the cookie is validated against the store
        page.get_by_text(texts.UNAVAILABLE_TITLE).wait_for(timeout=30_000)
        seconds = time.monotonic() - started
        assert seconds < TIMEOUT + 5, f"the page took {seconds:.1f} s"  # + the browser's work
        print(f"frozen: the gate's unavailable page after {seconds:.2f} s")
        postgres.thaw()
        deadline = time.monotonic() + 20
        while True:
            page.reload()
            settled(page)
            if logged_in(page).count() == 1:
                break
            assert time.monotonic() < deadline, "the gate did not recover after the thaw"
            time.sleep(0.5)
    finally:
        postgres.thaw()
        demo.stop()
