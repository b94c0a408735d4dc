"""Bodies of the admin endpoints: users with their lockout state, sessions, audit rows.

As in ``schemas``, sizes are capped so absurd input is a 422 before any work;
role names and username syntax stay the core's rules.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StrictBool

from authgate.api.schemas import RecordOut, RegisterRequest, SessionFieldsOut, UserOut
from authgate.core.lockout.policy import ThrottleStatus
from authgate.core.records import AuditRecord, AuthUser

__all__ = [
    "MAX_ID",
    "AdminSessionOut",
    "AdminUserOut",
    "AuditFilter",
    "AuditOut",
    "CreateUserRequest",
    "RoleName",
    "SessionsEnded",
    "SetPasswordRequest",
    "UserPatch",
    "UserSort",
]

MAX_ID = 2**62
RoleName = Annotated[str, Field(min_length=1, max_length=64)]
UserSort = Literal["username", "email", "display_name", "created_at", "last_login_at"]
_ISO_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_date_time(value: object) -> object:
    """Only an ISO 8601 date and time, as the schema says (``date-time``).

    Pydantic alone would also take ``0.5`` as seconds since 1970, which no
    client reading the schema means.
    """
    if isinstance(value, str) and _ISO_DATE_TIME.match(value):
        return value
    if isinstance(value, datetime):
        return value
    raise ValueError("use an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z")


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_date_time)]


class AdminUserOut(UserOut):
    """A user as the admin panel shows it: the account plus its lockout counter."""

    updated_at: datetime
    failed_attempts: int = Field(description="Failed attempts counted toward the lockout.")
    locked_until: datetime | None = Field(description="Set while the account is locked out.")

    @classmethod
    def of_admin(cls, user: AuthUser, lockout: ThrottleStatus, *, now: datetime) -> AdminUserOut:
        locked = lockout.locked_until if lockout.locked_at(now) else None
        return cls.of(user, failed_attempts=lockout.failures, locked_until=locked)


# A registration by an admin: the account's fields, plus its roles and password state.
# (A comment, not a docstring: the schema publishes no description for it.)
class CreateUserRequest(RegisterRequest):
    password: str = Field(
        min_length=1, max_length=4096, description="Checked against the password policy."
    )
    roles: list[RoleName] | None = Field(
        default=None, max_length=32, description="Default roles when omitted."
    )
    must_change_password: StrictBool = Field(
        default=True, description="A temporary password: the user must change it at next login."
    )


class UserPatch(BaseModel):
    roles: list[RoleName] | None = Field(
        default=None, max_length=32, description="The new, complete set of roles."
    )


class SetPasswordRequest(BaseModel):
    password: str = Field(min_length=1, max_length=4096)
    must_change: StrictBool = Field(
        default=True, description="A temporary password, to be changed at next login."
    )


class SessionsEnded(BaseModel):
    sessions_ended: int


class AdminSessionOut(SessionFieldsOut):
    user_id: int
    username: str


class AuditFilter(BaseModel):
    """Which audit events to list or export (query parameters); empty filters match all."""

    user_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    event_type: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=64)
    since: IsoDateTime | None = Field(default=None, description="ISO 8601; UTC when no offset.")
    until: IsoDateTime | None = Field(default=None, description="ISO 8601; UTC when no offset.")


class AuditOut(RecordOut):
    id: int
    occurred_at: datetime
    event_type: str
    outcome: str
    user_id: int | None
    actor_id: int | None = Field(description="The admin who acted, for admin actions.")
    username: str | None
    ip: str | None
    user_agent: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, record: AuditRecord) -> AuditOut:
        return cls.from_record(record, detail=dict(record.detail))
