"""The built-in Admin page: a read-only list of accounts for now.

The role check is real (the page is routed only to holders of the admin
roles, and ``require_role`` refuses anyone else who reaches it); the
management tools arrive with the admin panel.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from authgate.core.records import AuthUser
from authgate.streamlit import texts
from authgate.streamlit.guards import require_role
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.feedback import attempt

__all__ = ["render_admin", "users_table"]


def users_table(users: Iterable[AuthUser]) -> list[dict[str, object]]:
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
    require_role(*roles)
    st.title(texts.ADMIN_TITLE)
    st.subheader(texts.ADMIN_USERS_HEADER)
    st.caption(texts.ADMIN_PLACEHOLDER)
    ok, users = attempt(lambda: run.backend.list_users(limit=500))
    if ok and users is not None:
        st.dataframe(users_table(users), hide_index=True)
