"""The audit subscriber: every auth event becomes a row and one log line.

The row is added through the transaction's audit repository, so it commits or
rolls back with the change it describes. The log line is structured
(``extra`` fields plus a JSON message) and carries the same ids, never a secret.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from authgate.core.events import AuthEvent
from authgate.core.identity import sanitize_client_text
from authgate.core.ports.audit import AuditEntry, AuditRepository

__all__ = ["audit_entry", "record_event"]

logger = logging.getLogger("authgate.audit")

_MAX_TEXT = {"username": 320, "ip": 64, "user_agent": 512}


def _clip(name: str, value: str | None) -> str | None:
    return sanitize_client_text(value, _MAX_TEXT[name])


def audit_entry(event: AuthEvent, *, now: datetime) -> AuditEntry:
    """The row that records ``event``: texts clipped, detail JSON-ready."""
    return AuditEntry(
        occurred_at=now,
        event_type=event.event_type,
        outcome=event.outcome,
        user_id=event.user_id,
        actor_id=event.actor_id,
        username=_clip("username", event.username),
        ip=_clip("ip", event.ip),
        user_agent=_clip("user_agent", event.user_agent),
        detail=_jsonable(event.detail()),
    )


def record_event(audit: AuditRepository, event: AuthEvent, *, now: datetime) -> AuditEntry:
    """Add the audit row for ``event`` (the caller's transaction commits it) and log it."""
    entry = audit_entry(event, now=now)
    audit.add(entry)
    payload = {
        "event": entry.event_type,
        "outcome": entry.outcome,
        "user_id": entry.user_id,
        "actor_id": entry.actor_id,
        "username": entry.username,
        "ip": entry.ip,
        **entry.detail,
    }
    level = logging.INFO if entry.outcome == "success" else logging.WARNING
    logger.log(level, json.dumps(payload, default=str), extra={"authgate_event": payload})
    return entry


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in detail.items()}
