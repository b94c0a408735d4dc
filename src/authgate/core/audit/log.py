"""Reading the audit log, and its one CSV export (the API's and the admin page's).

A CSV cell that starts like a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return) is prefixed with ``'`` so a spreadsheet shows it instead of
running it: usernames in failed-login rows are whatever an attacker typed.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authgate.core.clock import Clock
from authgate.core.ports.audit import AuditQuery
from authgate.core.records import AuditRecord
from authgate.core.unit_of_work import UnitOfWork

__all__ = ["AUDIT_CSV_COLUMNS", "AuditLog", "audit_csv"]

AUDIT_CSV_COLUMNS = (
    "id",
    "occurred_at",
    "event_type",
    "outcome",
    "user_id",
    "actor_id",
    "username",
    "ip",
    "user_agent",
    "detail",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_ROWS = 10_000


@dataclass(kw_only=True, eq=False)
class AuditLog:
    """Audit rows, newest first, filtered by any combination of the arguments."""

    uow: UnitOfWork
    clock: Clock

    def list(
        self,
        *,
        user_id: int | None = None,
        event_type: str | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditRecord]:
        query = AuditQuery(
            user_id=user_id,
            event_type=event_type or None,
            outcome=outcome or None,
            since=since,
            until=until,
            limit=max(1, min(limit, _MAX_ROWS)),
            offset=max(0, offset),
        )
        with self.uow.read() as repos:
            return repos.audit.list(query)


def audit_csv(records: list[AuditRecord]) -> str:
    """The rows as CSV text with a header; ``detail`` is one JSON cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(AUDIT_CSV_COLUMNS)
    for record in records:
        writer.writerow(
            [
                record.id,
                record.occurred_at.isoformat(),
                record.event_type,
                record.outcome,
                _cell(record.user_id),
                _cell(record.actor_id),
                _cell(record.username),
                _cell(record.ip),
                _cell(record.user_agent),
                _cell(json.dumps(record.detail, sort_keys=True, default=str)),
            ]
        )
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
