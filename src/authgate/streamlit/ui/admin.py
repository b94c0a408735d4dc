"""The built-in Admin page: users, sessions and the audit log, in three tabs.

The page is routed only to holders of the admin roles, and ``require_role``
refuses anyone else who reaches it. Every change goes through the backend
with ``actor_id`` set to the admin, so the audit log names who did it.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from authgate.core.records import AuthUser
from authgate.streamlit import texts
from authgate.streamlit.guards import require_role
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.admin_audit import render_audit_tab
from authgate.streamlit.ui.admin_users import NOTICE, render_sessions_tab, render_users_tab

__all__ = ["render_admin", "users_table"]


def users_table(users: Iterable[AuthUser]) -> list[dict[str, object]]:
    """The basic columns of the users table (the admin tab adds lockout columns)."""
    return [
        {
            texts.COLUMN_USERNAME: u.username,
            texts.COLUMN_DISPLAY_NAME: u.display_name,
            texts.COLUMN_EMAIL: u.email or "",
            texts.COLUMN_ROLES: ", ".join(sorted(u.roles)),
            texts.COLUMN_ACTIVE: u.is_active,
            texts.COLUMN_LAST_LOGIN: (
                u.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if u.last_login_at else ""
            ),
        }
        for u in users
    ]


def render_admin(run: GateRun, roles: tuple[str, ...]) -> None:
    """The Admin page body."""
    admin = require_role(*roles)
    st.title(texts.ADMIN_TITLE)
    notice = st.session_state.pop(NOTICE, None)
    if isinstance(notice, str):
        st.success(notice)
    users, sessions, audit = st.tabs(
        [texts.ADMIN_TAB_USERS, texts.ADMIN_TAB_SESSIONS, texts.ADMIN_TAB_AUDIT]
    )
    with users:
        render_users_tab(run, admin)
    with sessions:
        render_sessions_tab(run, admin)
    with audit:
        render_audit_tab(run)
