"""Admin-only views of activity: every live session (and ending them), the audit log and its CSV.

Same access rule as ``admin``: the ``admin`` role (and MFA when required).
Revocations pass the admin's id, so the ``session.revoked`` rows name them.

The CSV export guards against formula injection: audit rows hold text that
clients chose (attempted usernames, user agents), and a cell starting with
``=``, ``+``, ``-`` or ``@`` would run as a formula in a spreadsheet, so such
cells get a leading apostrophe (OWASP's advice).

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

import csv
import io
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from authgate.api._account_services import GetAccountServices
from authgate.api.errors import ApiError, error_responses
from authgate.api.routers.admin import MAX_ID, UserId, build_require_admin
from authgate.api.schemas_admin import AdminSessionOut, AuditOut, SessionsEnded
from authgate.api.security import GetService
from authgate.core.errors import InvalidInput
from authgate.core.records import AuditRecord
from authgate.core.token_service import TokenContext, TokenService

__all__ = ["AUDIT_CSV_COLUMNS", "audit_csv", "build_admin_activity_router"]

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

SessionId = Annotated[str, Path(min_length=1, max_length=64, description="A session id.")]
FilterUserId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
FilterText = Annotated[str | None, Query(max_length=64)]
FilterTime = Annotated[datetime | None, Query(description="ISO 8601; UTC when no offset.")]


def build_admin_activity_router(
    get_service: GetService, *, token_url: str, get_account: GetAccountServices
) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])
    Tokens = Annotated[TokenService, Depends(get_service)]
    require_admin = build_require_admin(get_service, token_url=token_url, get_account=get_account)
    Admin = Annotated[TokenContext, Depends(require_admin)]
    errors = error_responses(401, 403, 503)

    @router.get("/sessions", response_model=list[AdminSessionOut], responses=errors)
    def list_sessions(
        admin: Admin,
        tokens: Tokens,
        user_id: FilterUserId = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[AdminSessionOut]:
        """Live sessions of every user (or of ``user_id``), most recently used first."""
        rows = tokens.service.list_all_sessions(limit=limit if user_id is None else 10_000)
        chosen = [(r, name) for r, name in rows if user_id is None or r.user_id == user_id]
        return [AdminSessionOut.of(record, name) for record, name in chosen[:limit]]

    @router.delete(
        "/sessions/{session_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=error_responses(401, 403, 404, 503),
    )
    def revoke_session(session_id: SessionId, admin: Admin, tokens: Tokens) -> Response:
        """End any user's session; its refresh tokens die with it."""
        if not tokens.service.revoke_session(session_id, actor_id=admin.user.id, reason="admin"):
            raise ApiError(404, "session_not_found", "No such session.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.delete(
        "/users/{user_id}/sessions",
        response_model=SessionsEnded,
        responses=error_responses(401, 403, 404, 503),
    )
    def revoke_user_sessions(user_id: UserId, admin: Admin, tokens: Tokens) -> SessionsEnded:
        """End every session of one user (they must log in again everywhere)."""
        ended = tokens.service.revoke_user_sessions(user_id, actor_id=admin.user.id, reason="admin")
        return SessionsEnded(sessions_ended=ended)

    @router.get("/audit", response_model=list[AuditOut], responses=errors)
    def list_audit(
        admin: Admin,
        tokens: Tokens,
        user_id: FilterUserId = None,
        event_type: FilterText = None,
        outcome: FilterText = None,
        since: FilterTime = None,
        until: FilterTime = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> list[AuditOut]:
        """Audit events, newest first; ``since`` is inclusive, ``until`` exclusive."""
        records = tokens.service.list_audit_events(
            user_id=user_id,
            event_type=event_type,
            outcome=outcome,
            since=_utc(since),
            until=_utc(until),
            limit=limit,
            offset=offset,
        )
        return [AuditOut.of(record) for record in records]

    @router.get(
        "/audit/export",
        responses={
            **errors,
            200: {
                "description": "The matching events as CSV, newest first.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
        },
    )
    def export_audit(
        admin: Admin,
        tokens: Tokens,
        user_id: FilterUserId = None,
        event_type: FilterText = None,
        outcome: FilterText = None,
        since: FilterTime = None,
        until: FilterTime = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 10_000,
    ) -> Response:
        """The same filters as ``/admin/audit``, as a CSV download (at most 10,000 rows)."""
        records = tokens.service.list_audit_events(
            user_id=user_id,
            event_type=event_type,
            outcome=outcome,
            since=_utc(since),
            until=_utc(until),
            limit=limit,
        )
        stamp = tokens.service.clock.now().strftime("%Y%m%dT%H%M%SZ")
        return Response(
            audit_csv(records),
            media_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="authgate-audit-{stamp}.csv"',
                "Cache-Control": "no-store",
            },
        )

    return router


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


def _utc(value: datetime | None) -> datetime | None:
    """A filter time in UTC; naive means UTC. Refuses times that cannot be stored."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput("The time is out of range.") from None
