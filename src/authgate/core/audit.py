"""The audit subscriber: every auth event becomes a row and one log line.

The row is written on the caller's database session, so it commits or rolls
back with the change it describes. The log line is structured (``extra``
fields plus a JSON message) and carries the same ids, never a secret.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session as DbSession

from authgate.core.events import AuthEvent
from authgate.core.identity import sanitize_client_text
from authgate.store.models import AuditEvent

__all__ = ["record_event"]

logger = logging.getLogger("authgate.audit")

_MAX_TEXT = {"username": 320, "ip": 64, "user_agent": 512}


def _clip(name: str, value: str | None) -> str | None:
    return sanitize_client_text(value, _MAX_TEXT[name])


def record_event(db: DbSession, event: AuthEvent, *, now: datetime) -> AuditEvent:
    """Add the audit row for ``event`` to ``db`` (the caller commits) and log it."""
    detail = _jsonable(event.detail())
    row = AuditEvent(
        occurred_at=now,
        event_type=event.event_type,
        outcome=event.outcome,
        user_id=event.user_id,
        actor_id=event.actor_id,
        username=_clip("username", event.username),
        ip=_clip("ip", event.ip),
        user_agent=_clip("user_agent", event.user_agent),
        detail=detail,
    )
    db.add(row)
    payload = {
        "event": event.event_type,
        "outcome": event.outcome,
        "user_id": event.user_id,
        "actor_id": event.actor_id,
        "username": row.username,
        "ip": row.ip,
        **detail,
    }
    level = logging.INFO if event.outcome == "success" else logging.WARNING
    logger.log(level, json.dumps(payload, default=str), extra={"authgate_event": payload})
    return row


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in detail.items()}
