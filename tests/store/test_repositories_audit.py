"""SqlAuditRepository: appended rows read back newest first, by every filter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from authgate.core.clock import FrozenClock
from authgate.core.ports import AuditEntry, AuditQuery
from authgate.store import SqlStore


def _entry(clock: FrozenClock, event_type: str, **overrides: Any) -> AuditEntry:
    values: dict[str, Any] = {
        "occurred_at": clock.now(),
        "event_type": event_type,
        "outcome": "success",
        "user_id": 1,
        "actor_id": None,
        "username": "alice",
        "ip": "203.0.113.9",
        "user_agent": "pytest",
        "detail": {},
    }
    values.update(overrides)
    return AuditEntry(**values)


def test_add_and_read_back(store: SqlStore, clock: FrozenClock) -> None:
    with store.write() as repositories:
        repositories.audit.add(
            _entry(
                clock,
                "user.registered",
                actor_id=7,
                detail={"roles": ["user"], "by_admin": True, "count": 2, "note": "é ✓"},
            )
        )
    with store.read() as repositories:
        (record,) = repositories.audit.list(AuditQuery())
    assert record.id > 0
    assert record.occurred_at == clock.now()
    assert (record.event_type, record.outcome, record.user_id, record.actor_id) == (
        "user.registered",
        "success",
        1,
        7,
    )
    assert (record.username, record.ip, record.user_agent) == ("alice", "203.0.113.9", "pytest")
    assert record.detail == {"roles": ["user"], "by_admin": True, "count": 2, "note": "é ✓"}


def test_empty_log(store: SqlStore) -> None:
    with store.read() as repositories:
        assert repositories.audit.list(AuditQuery()) == []


def test_filters_order_and_pages(store: SqlStore, clock: FrozenClock) -> None:
    start = clock.now()
    with store.write() as repositories:
        audit = repositories.audit
        audit.add(_entry(clock, "login.succeeded"))
        audit.add(_entry(clock, "login.failed", outcome="failure", user_id=None, username="x"))
        clock.advance(minutes=1)
        audit.add(_entry(clock, "login.succeeded", user_id=2, username="bob"))
        clock.advance(minutes=1)
        audit.add(_entry(clock, "logout", user_id=2, username="bob"))
    with store.read() as repositories:
        audit = repositories.audit

        def types(**filters: Any) -> list[str]:
            return [r.event_type for r in audit.list(AuditQuery(**filters))]

        # Newest first; the id breaks the tie between the two rows of one instant.
        assert types() == ["logout", "login.succeeded", "login.failed", "login.succeeded"]
        assert types(user_id=2) == ["logout", "login.succeeded"]
        assert types(event_type="login.succeeded") == ["login.succeeded", "login.succeeded"]
        assert types(outcome="failure") == ["login.failed"]
        assert types(since=start + timedelta(minutes=1)) == ["logout", "login.succeeded"]
        assert types(until=start + timedelta(minutes=1)) == ["login.failed", "login.succeeded"]
        assert types(limit=2, offset=1) == ["login.succeeded", "login.failed"]
        assert types(limit=0) == ["logout"]
        assert types(offset=-3, limit=1) == ["logout"]
        assert types(user_id=99) == []
        assert [r.username for r in audit.list(AuditQuery(user_id=1))] == ["alice"]
