"""Issue 10, item 1: "forgot password" and "forgot username" take the same path for every login.

The probe timed a known account at 1.6-1.9x an unknown one: only an
existing, mailable account checked the resend limit, wrote a token and
started a mail thread before the answer. Now the answer does no account
work at all; the lookup and what follows it run afterwards, as one job that
is the same for every login. These tests record every store call and the
moment the response leaves, and compare the two branches call for call
(timing itself is measured by ``benchmarks/bench_forgot_timing.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgi_support import post

from authgate.api import create_api
from authgate.core.recovery.deferred import Job
from authgate.core.recovery.mail import MailMessage
from authgate.core.recovery.password_reset import AccountRecovery
from authgate.core.unit_of_work import UnitOfWork
from authgate.root import Authgate

PASSWORD = "correct horse battery staple"
FORGOT_PASSWORD = "/api/auth/password/forgot"
FORGOT_USERNAME = "/api/auth/username/forgot"


class _RecordingRepository:
    def __init__(self, name: str, inner: Any, calls: list[str]) -> None:
        self._name, self._inner, self._calls = name, inner, calls

    def __getattr__(self, method: str) -> Any:
        target = getattr(self._inner, method)
        if not callable(target):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            self._calls.append(f"{self._name}.{method}")
            return target(*args, **kwargs)

        return call


class _RecordingRepositories:
    def __init__(self, inner: Any, calls: list[str]) -> None:
        self._inner, self._calls = inner, calls

    def __getattr__(self, name: str) -> Any:
        return _RecordingRepository(name, getattr(self._inner, name), self._calls)


@dataclass
class RecordingStore:
    """The real store, with every transaction and repository call written to ``calls``."""

    inner: Any
    calls: list[str] = field(default_factory=list)

    @contextmanager
    def write(self) -> Iterator[Any]:
        self.calls.append("write")
        with self.inner.write() as repositories:
            yield _RecordingRepositories(repositories, self.calls)

    @contextmanager
    def read(self) -> Iterator[Any]:
        self.calls.append("read")
        with self.inner.read() as repositories:
            yield _RecordingRepositories(repositories, self.calls)


@dataclass
class Later:
    """A ``Deferred`` that keeps the jobs until the test runs them."""

    jobs: list[Job] = field(default_factory=list)

    def submit(self, job: Job) -> None:
        self.jobs.append(job)


@dataclass
class Outbox:
    sent: list[MailMessage] = field(default_factory=list)

    def send(self, message: MailMessage) -> None:
        self.sent.append(message)


@pytest.fixture
def auth(service_factory: Callable[..., Authgate]) -> Authgate:
    auth = service_factory(mail_dir=None)
    auth.accounts.register("alice", PASSWORD, email="alice@example.com", actor_id=0)
    return auth


def _recovery(
    auth: Authgate, store: RecordingStore, later: Later, outbox: Outbox
) -> AccountRecovery:
    return AccountRecovery(
        uow=UnitOfWork(store, clock=auth.clock),  # type: ignore[arg-type]
        passwords=auth.passwords,
        policy=auth.policy,
        lockout=auth.lockout,
        mfa=auth.mfa,
        mailer=outbox,
        public_url=auth.settings.public_url,
        site_name="authgate",
        later=later,
    )


@pytest.mark.parametrize(
    ("ask", "known", "unknown"),
    [
        ("request_password_reset", "alice@example.com", "nobody@example.com"),
        ("request_password_reset", "alice", "nobody"),
        ("request_username_reminder", "alice@example.com", "nobody@example.com"),
    ],
)
def test_the_answer_does_the_same_store_work_for_known_and_unknown_accounts(
    auth: Authgate, ask: str, known: str, unknown: str
) -> None:
    store, later, outbox = RecordingStore(auth.store), Later(), Outbox()
    recovery = _recovery(auth, store, later, outbox)
    request = getattr(recovery, ask)

    before_known = _calls_during(store, lambda: request(known, ip="10.0.0.1"))
    before_unknown = _calls_during(store, lambda: request(unknown, ip="10.0.0.1"))
    assert before_known == before_unknown == []  # nothing touches the store before the answer
    job_known, job_unknown = later.jobs
    assert job_known.func == job_unknown.func  # type: ignore[attr-defined]  # one path for both

    # Afterwards the branches do differ, and the recorder sees it: the known
    # account is mailed (and, for a reset, a token is written), the other is not.
    after_known = _calls_during(store, job_known)
    after_unknown = _calls_during(store, job_unknown)
    assert after_known != after_unknown
    assert after_unknown[:2] == after_known[:2] == ["write", "users.find_by_email_or_username"]
    assert len(outbox.sent) == 1 and outbox.sent[0].to == "alice@example.com"


def _calls_during(store: RecordingStore, action: Callable[[], object]) -> list[str]:
    start = len(store.calls)
    action()
    return store.calls[start:]


@pytest.mark.parametrize(
    ("path", "field_name", "known", "unknown"),
    [
        (FORGOT_PASSWORD, "login", "alice", "nobody"),
        (FORGOT_USERNAME, "email", "alice@example.com", "nobody@example.com"),
    ],
)
def test_the_api_answers_before_any_store_work_in_both_branches(
    auth: Authgate, path: str, field_name: str, known: str, unknown: str
) -> None:
    """Through the real ASGI app: the response leaves before the first store call, both ways."""
    store, outbox = RecordingStore(auth.store), Outbox()
    auth.recovery = _recovery(auth, store, Later(), outbox)
    app = create_api(auth)

    def timeline(value: str) -> tuple[int, list[str]]:
        start = len(store.calls)

        def on_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                store.calls.append("<response sent>")

        body = json.dumps({field_name: value}).encode()
        exchange = post(app, path, [body], on_send=on_send)
        return exchange.status, store.calls[start:]

    (status_known, known_calls), (status_unknown, unknown_calls) = (
        timeline(known),
        timeline(unknown),
    )
    assert status_known == status_unknown == 202
    assert known_calls[0] == unknown_calls[0] == "<response sent>"
    assert "users.find_by_email_or_username" in known_calls  # the lookup ran, afterwards
    assert len(outbox.sent) == 1
