"""``InProcessBackend``: the gate's calls on the services of an ``Authgate`` in this process."""

from __future__ import annotations

from typing import Any

import pytest

from authgate.core.ports.audit import AuditQuery as LogQuery
from authgate.errors import InvalidCredentials
from authgate.root import Authgate
from authgate.streamlit.admin_records import AuditQuery
from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.in_process import InProcessBackend


def test_it_is_an_auth_backend(gate_service: Authgate) -> None:
    assert isinstance(InProcessBackend(gate_service), AuthBackend)


def test_the_audit_query_is_the_logs_with_the_admin_pages_limit() -> None:
    query = AuditQuery(user_id=3)
    assert isinstance(query, LogQuery)
    assert (query.limit, query.offset) == (1000, 0)


def test_admin_audit_honours_every_filter(gate_service: Authgate) -> None:
    backend = InProcessBackend(gate_service)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            backend.login("alice", "not the password", ip="203.0.113.7", user_agent="Test/1")
    failures = backend.admin_audit(AuditQuery(event_type="login.failed", outcome="failure"))
    assert len(failures) == 3
    assert {(e.ip, e.user_agent) for e in failures} == {("203.0.113.7", "Test/1")}
    query = AuditQuery(event_type="login.failed", limit=1, offset=1)
    assert backend.admin_audit(query) == failures[1:2]


def test_self_registration_takes_no_admin_only_arguments(gate_service: Authgate) -> None:
    backend = InProcessBackend(gate_service)
    extra: dict[str, Any] = {"roles": ["admin"], "actor_id": 1, "must_change_password": True}
    user = backend.register("newcomer", "a-fine-long-passphrase", email=None, **extra)
    assert user.roles == frozenset({"user"})
    assert not user.must_change_password
