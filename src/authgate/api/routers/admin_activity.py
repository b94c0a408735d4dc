"""Admin-only views of activity: every live session (and ending them), the audit log and its CSV.

Same access rule as ``admin``: the ``admin`` role (and MFA when required).
Revocations pass the admin's id, so the ``session.revoked`` rows name them.

The CSV export is core's one export (``authgate.core.audit.log.audit_csv``,
the admin page's too), which guards against formula injection: audit rows hold
text that clients chose (attempted usernames, user agents), and a cell
starting with ``=``, ``+``, ``-`` or ``@`` would run as a formula in a
spreadsheet, so such cells get a leading apostrophe (OWASP's advice).

No ``from __future__ import annotations``: FastAPI reads the ``Annotated``
aliases defined inside the factory at runtime.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from authgate.api.errors import ApiError, error_responses
from authgate.api.routers.admin import UserId, build_require_admin
from authgate.api.schemas_admin import MAX_ID, AdminSessionOut, AuditFilter, AuditOut, SessionsEnded
from authgate.api.security import GetAuth
from authgate.core.audit.log import audit_csv
from authgate.core.records import AuditRecord
from authgate.core.tokens.service import TokenContext
from authgate.errors import InvalidInput
from authgate.root import Authgate

__all__ = ["build_admin_activity_router"]

SessionId = Annotated[str, Path(min_length=1, max_length=64, description="A session id.")]
FilterUserId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Filters = Annotated[AuditFilter, Query()]


def build_admin_activity_router(get_auth: GetAuth, *, token_url: str) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])
    Auth = Annotated[Authgate, Depends(get_auth)]
    require_admin = build_require_admin(get_auth, token_url=token_url)
    Admin = Annotated[TokenContext, Depends(require_admin)]
    errors = error_responses(401, 403, 503)

    @router.get("/sessions", response_model=list[AdminSessionOut], responses=errors)
    def list_sessions(
        admin: Admin,
        auth: Auth,
        user_id: FilterUserId = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[AdminSessionOut]:
        """Live sessions of every user (or of ``user_id``), most recently used first."""
        rows = auth.sessions.list_all(limit=limit if user_id is None else 10_000)
        chosen = [(r, name) for r, name in rows if user_id is None or r.user_id == user_id]
        return [AdminSessionOut.from_record(r, username=name) for r, name in chosen[:limit]]

    @router.delete(
        "/sessions/{session_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses=error_responses(401, 403, 404, 503),
    )
    def revoke_session(session_id: SessionId, admin: Admin, auth: Auth) -> Response:
        """End any user's session; its refresh tokens die with it."""
        if not auth.sessions.revoke(session_id, actor_id=admin.user.id, reason="admin"):
            raise ApiError(404, "session_not_found", "No such session.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.delete(
        "/users/{user_id}/sessions",
        response_model=SessionsEnded,
        responses=error_responses(401, 403, 404, 503),
    )
    def revoke_user_sessions(user_id: UserId, admin: Admin, auth: Auth) -> SessionsEnded:
        """End every session of one user (they must log in again everywhere)."""
        ended = auth.sessions.revoke_all(user_id, actor_id=admin.user.id, reason="admin")
        return SessionsEnded(sessions_ended=ended)

    @router.get("/audit", response_model=list[AuditOut], responses=errors)
    def list_audit(
        admin: Admin,
        auth: Auth,
        filters: Filters,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> list[AuditOut]:
        """Audit events, newest first; ``since`` is inclusive, ``until`` exclusive."""
        records = _matching(auth, filters, limit=limit, offset=offset)
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
        auth: Auth,
        filters: Filters,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 10_000,
    ) -> Response:
        """The same filters as ``/admin/audit``, as a CSV download (at most 10,000 rows)."""
        records = _matching(auth, filters, limit=limit)
        stamp = auth.clock.now().strftime("%Y%m%dT%H%M%SZ")
        return Response(
            audit_csv(records),
            media_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="authgate-audit-{stamp}.csv"',
                "Cache-Control": "no-store",
            },
        )

    return router


def _matching(
    auth: Authgate, filters: AuditFilter, *, limit: int, offset: int = 0
) -> list[AuditRecord]:
    """The audit events ``filters`` match, newest first (filter times taken as UTC)."""
    return auth.audit.list(
        user_id=filters.user_id,
        event_type=filters.event_type,
        outcome=filters.outcome,
        since=_utc(filters.since),
        until=_utc(filters.until),
        limit=limit,
        offset=offset,
    )


def _utc(value: datetime | None) -> datetime | None:
    """A filter time in UTC; naive means UTC. Refuses times that cannot be stored."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput("The time is out of range.") from None
