"""The remote backend's Admin-page calls, over the API's admin router.

Each call is made with the session of the tab that asks (``acting_session``):
the API checks the admin role on the roles stored now and records that user
as the actor, so the ``actor_id`` the page passes is never sent (a gate cannot
act in someone else's name). A change that may make what other tabs cached
wrong calls ``changed``, which moves the backend's ``state_version``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from authgate.core.records import AuditRecord, AuthUser
from authgate.streamlit._remote_client import RemoteApiClient
from authgate.streamlit._remote_wire import (
    MAX_FIELD,
    MAX_LIST,
    MAX_TOKEN,
    parse_admin_session,
    parse_admin_user,
    parse_audit,
    parse_user,
)
from authgate.streamlit.admin_records import AdminSession, AdminUser, AuditQuery
from authgate.streamlit.backend import NewAccount

__all__ = ["RemoteAdmin"]

_MAX_SEARCH = 100


class RemoteAdmin:
    """What the Admin page asks of an authgate API, as the signed-in administrator."""

    def __init__(
        self,
        api: RemoteApiClient,
        *,
        acting_session: Callable[[], str],
        changed: Callable[[], None],
    ) -> None:
        self.api = api
        self.acting_session = acting_session
        self.changed = changed

    def call(self, method: str, path: str, **options: Any) -> Any:
        """One request to ``/admin{path}`` with the acting tab's session."""
        return self.api.as_session(self.acting_session(), method, "/admin" + path, **options)

    def create_user(self, username: str, password: str, account: NewAccount) -> AuthUser:
        """A new account that must change the password it was given at first login."""
        body = {
            "username": username[:MAX_FIELD],
            "password": password,
            "email": account["email"] or None,
            "display_name": account["display_name"] or None,
            "roles": list(account["roles"]),
            "must_change_password": True,
        }
        answer = self.call("POST", "/users", json=body)
        self.changed()
        return self.api.read(parse_user, answer)

    def list_users(self, *, search: str | None, limit: int) -> list[AdminUser]:
        params: dict[str, Any] = {"limit": max(1, min(limit, MAX_LIST))}
        if search:
            params["search"] = search[:_MAX_SEARCH]
        answer = self.call("GET", "/users", params=params)
        return self.api.read(lambda items: [parse_admin_user(i) for i in items], answer)

    def set_roles(self, user_id: int, roles: Sequence[str]) -> AuthUser:
        answer = self.call("PATCH", f"/users/{int(user_id)}", json={"roles": list(roles)})
        self.changed()
        return self.api.read(parse_user, answer)

    def set_active(self, user_id: int, active: bool) -> AuthUser:
        action = "enable" if active else "disable"
        answer = self.call("POST", f"/users/{int(user_id)}/{action}")
        self.changed()
        return self.api.read(parse_user, answer)

    def unlock(self, user_id: int) -> None:
        self.call("POST", f"/users/{int(user_id)}/unlock")

    def reset_mfa(self, user_id: int) -> None:
        self.call("POST", f"/users/{int(user_id)}/reset-mfa")
        self.changed()

    def set_password(self, user_id: int, password: str) -> int:
        """Set a password the user must change; answers how many sessions ended."""
        body = {"password": password, "must_change": True}
        answer = self.call("POST", f"/users/{int(user_id)}/set-password", json=body)
        self.changed()
        return self.api.read(lambda d: int(d["sessions_ended"]), answer)

    def delete_user(self, user_id: int) -> None:
        self.call("DELETE", f"/users/{int(user_id)}")
        self.changed()

    def list_sessions(self, *, limit: int) -> list[AdminSession]:
        answer = self.call("GET", "/sessions", params={"limit": max(1, min(limit, MAX_LIST))})
        return self.api.read(lambda items: [parse_admin_session(i) for i in items], answer)

    def revoke_session(self, session_id: str) -> bool:
        """End one session; False for an id that cannot be one (nothing is sent)."""
        if not isinstance(session_id, str) or not session_id or len(session_id) > MAX_TOKEN:
            return False
        self.call("DELETE", f"/sessions/{session_id}")
        self.changed()
        return True

    def revoke_user_sessions(self, user_id: int) -> int:
        answer = self.call("DELETE", f"/users/{int(user_id)}/sessions")
        self.changed()
        return self.api.read(lambda d: int(d["sessions_ended"]), answer)

    def audit(self, query: AuditQuery) -> list[AuditRecord]:
        """The audit rows matching ``query``; empty filters are left out."""
        params: dict[str, Any] = {"limit": max(1, min(query.limit, MAX_LIST))}
        if query.offset:
            params["offset"] = query.offset
        for name in ("user_id", "event_type", "outcome"):
            value = getattr(query, name)
            if value is not None and value != "":
                params[name] = value
        if query.since is not None:
            params["since"] = query.since.isoformat()
        if query.until is not None:
            params["until"] = query.until.isoformat()
        answer = self.call("GET", "/audit", params=params)
        return self.api.read(lambda items: [parse_audit(i) for i in items], answer)
