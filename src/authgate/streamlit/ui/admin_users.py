"""The Users and Sessions tabs of the Admin page.

A change shows its result as a notice above the tabs after a rerun, so the
tables below always reflect it. An admin cannot disable, delete or drop the
admin role from their own account here (the API refuses the same).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import streamlit as st

from authgate.core.records import AuthUser
from authgate.streamlit import passkey_texts, texts
from authgate.streamlit.admin_records import AdminSession, AdminUser
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.account import describe_device
from authgate.streamlit.ui.feedback import attempt, listed
from authgate.streamlit.ui.passkeys_admin import render_user_passkeys, with_passkey_counts
from authgate.streamlit.ui.widgets import fresh_key, password_input, renew_keys

__all__ = [
    "NOTICE",
    "admin_users_table",
    "render_sessions_tab",
    "render_users_tab",
    "users_column_config",
    "users_main_columns",
    "when",
]

_CREATE_FORM = "authgate_admin_create_form"
_CREATE_OPEN = "authgate.admin_create_open"
_CREATE_FIELDS = (
    "authgate_admin_new_username",
    "authgate_admin_new_email",
    "authgate_admin_new_display_name",
    "authgate_admin_new_roles",
    "authgate_admin_new_password",
)

NOTICE = "authgate.admin_notice"
"""A success message to show above the tabs after the rerun that follows a change."""

T = TypeVar("T")
_BASE_ROLES = ("admin", "user")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def admin_users_table(rows: list[AdminUser]) -> list[dict[str, object]]:
    return [
        {
            texts.COLUMN_USERNAME: r.user.username,
            texts.COLUMN_EMAIL: r.user.email or "",
            texts.COLUMN_DISPLAY_NAME: r.user.display_name,
            texts.COLUMN_ROLES: ", ".join(sorted(r.user.roles)),
            texts.COLUMN_ACTIVE: r.user.is_active,
            texts.COLUMN_MFA: r.user.mfa_enabled,
            texts.COLUMN_VERIFIED: r.user.email_verified,
            texts.COLUMN_CREATED: when(r.user.created_at),
            texts.COLUMN_LAST_LOGIN: when(r.user.last_login_at),
            texts.COLUMN_FAILED: r.failed_attempts,
            texts.COLUMN_LOCKED_UNTIL: when(r.locked_until),
        }
        for r in rows
    ]


def users_main_columns() -> list[str]:
    """The columns shown until "Show all columns" is on (texts may be replaced at start-up)."""
    return [
        texts.COLUMN_USERNAME,
        texts.COLUMN_DISPLAY_NAME,
        texts.COLUMN_ROLES,
        texts.COLUMN_ACTIVE,
        texts.COLUMN_MFA,
        passkey_texts.ADMIN_PASSKEYS,
        texts.COLUMN_LAST_LOGIN,
    ]


def users_column_config() -> dict[str, Any]:
    """Widths and check boxes for the users table, so it fits a normal page."""
    return {
        texts.COLUMN_USERNAME: st.column_config.TextColumn(width="small"),
        texts.COLUMN_DISPLAY_NAME: st.column_config.TextColumn(width="medium"),
        texts.COLUMN_EMAIL: st.column_config.TextColumn(width="medium"),
        texts.COLUMN_ROLES: st.column_config.TextColumn(width="small"),
        texts.COLUMN_ACTIVE: st.column_config.CheckboxColumn(width="small"),
        texts.COLUMN_MFA: st.column_config.CheckboxColumn(width="small"),
        texts.COLUMN_VERIFIED: st.column_config.CheckboxColumn(width="small"),
        texts.COLUMN_FAILED: st.column_config.NumberColumn(width="small"),
    }


def _act(action: Callable[[], T], notice: Callable[[T], str]) -> None:
    """Run an admin action; on success rerun with ``notice(result)`` shown above the tabs."""
    ok, result = attempt(action)
    if ok:
        st.session_state[NOTICE] = notice(cast(T, result))
        st.rerun()


def _actions(run: GateRun, admin: AuthUser, target: AuthUser, known_roles: set[str]) -> None:
    backend, uid, name, me = run.backend, target.id, target.username, target.id == admin.id
    options = sorted(known_roles | set(target.roles) | set(_BASE_ROLES))
    roles = st.multiselect(
        texts.ADMIN_ROLES, options, default=sorted(target.roles), key=f"authgate_admin_roles_{uid}"
    )
    if st.button(texts.ADMIN_SAVE_ROLES, key=f"authgate_admin_save_roles_{uid}"):
        if me and "admin" in admin.roles and "admin" not in roles:
            st.error(texts.ADMIN_NOT_YOURSELF)
        else:
            _act(
                lambda: backend.admin_set_roles(uid, roles, actor_id=admin.id),
                lambda _: texts.ADMIN_ROLES_SAVED.format(username=name),
            )
    cols = st.columns(3)
    toggle = texts.ADMIN_DISABLE if target.is_active else texts.ADMIN_ENABLE
    if cols[0].button(toggle, key=f"authgate_admin_toggle_{uid}", disabled=me):
        done = texts.ADMIN_DISABLED if target.is_active else texts.ADMIN_ENABLED
        _act(
            lambda: backend.admin_set_active(uid, not target.is_active, actor_id=admin.id),
            lambda _: done.format(username=name),
        )
    if cols[1].button(texts.ADMIN_UNLOCK, key=f"authgate_admin_unlock_{uid}"):
        _act(
            lambda: backend.admin_unlock(uid, actor_id=admin.id),
            lambda _: texts.ADMIN_UNLOCKED.format(username=name),
        )
    if cols[2].button(texts.ADMIN_RESET_MFA, key=f"authgate_admin_reset_mfa_{uid}"):
        _act(
            lambda: backend.admin_reset_mfa(uid, actor_id=admin.id),
            lambda _: texts.ADMIN_MFA_RESET.format(username=name),
        )
    with st.form(f"authgate_admin_password_form_{uid}", clear_on_submit=True):
        password = password_input(
            texts.ADMIN_TEMP_PASSWORD, f"authgate_admin_temp_password_{uid}", new=True
        )
        set_it = st.form_submit_button(texts.ADMIN_SET_PASSWORD)
    if set_it and password:
        _act(
            lambda: backend.admin_set_password(uid, password, actor_id=admin.id),
            lambda count: texts.ADMIN_PASSWORD_SET.format(username=name, count=count),
        )
    sure = st.checkbox(
        texts.ADMIN_DELETE_CONFIRM.format(username=name),
        key=f"authgate_admin_delete_sure_{uid}",
        disabled=me,
    )
    if st.button(texts.ADMIN_DELETE, key=f"authgate_admin_delete_{uid}", disabled=me or not sure):
        _act(
            lambda: backend.admin_delete_user(uid, actor_id=admin.id),
            lambda _: texts.ADMIN_DELETED.format(username=name),
        )


def _create_form(run: GateRun, admin: AuthUser) -> None:
    """Create an account with a temporary password that must be changed at first login.

    The form keeps what was typed when the account is refused (a taken name,
    a weak password), and empties itself only once the account exists.
    """
    with (
        st.expander(texts.ADMIN_CREATE_HEADER, expanded=_CREATE_OPEN in st.session_state),
        st.form(_CREATE_FORM, clear_on_submit=False, enter_to_submit=True),
    ):
        username = st.text_input(
            texts.ADMIN_CREATE_USERNAME, key=fresh_key("authgate_admin_new_username")
        )
        email = st.text_input(texts.ADMIN_CREATE_EMAIL, key=fresh_key("authgate_admin_new_email"))
        display = st.text_input(
            texts.ADMIN_CREATE_DISPLAY_NAME, key=fresh_key("authgate_admin_new_display_name")
        )
        roles = st.text_input(
            texts.ADMIN_CREATE_ROLES, value="user", key=fresh_key("authgate_admin_new_roles")
        )
        password = password_input(
            texts.ADMIN_CREATE_PASSWORD, fresh_key("authgate_admin_new_password"), new=True
        )
        submitted = st.form_submit_button(texts.ADMIN_CREATE_SUBMIT)
    if not submitted:
        return
    wanted = [r.strip() for r in roles.split(",") if r.strip()]
    ok, user = attempt(
        lambda: run.backend.admin_create_user(
            username.strip(),
            password,
            email=email.strip() or None,
            display_name=display.strip() or None,
            roles=wanted,
            actor_id=admin.id,
        )
    )
    if not ok or user is None:
        st.session_state[_CREATE_OPEN] = True  # the error shows under a form still open
        return
    renew_keys(_CREATE_FIELDS)
    st.session_state.pop(_CREATE_OPEN, None)
    st.session_state[NOTICE] = texts.ADMIN_CREATED.format(username=user.username)
    st.rerun()


def render_users_tab(run: GateRun, admin: AuthUser) -> None:
    st.subheader(texts.ADMIN_USERS_HEADER)
    _create_form(run, admin)
    search = st.text_input(
        texts.ADMIN_SEARCH, key="authgate_admin_search", help=texts.ADMIN_SEARCH_HELP
    )
    rows = listed(
        lambda: run.backend.admin_list_users(search=search.strip() or None), texts.ADMIN_NO_USERS
    )
    if not rows:
        return
    every = st.toggle(texts.ADMIN_ALL_COLUMNS, key="authgate_admin_all_columns")
    st.dataframe(
        with_passkey_counts(run, rows, admin_users_table(rows)),
        hide_index=True,
        width="stretch",
        column_order=None if every else users_main_columns(),
        column_config=users_column_config(),
    )
    by_id = {r.user.id: r.user for r in rows}
    picked = st.selectbox(
        texts.ADMIN_PICK_USER,
        list(by_id),
        format_func=lambda i: by_id[i].username,
        key="authgate_admin_pick_user",
    )
    if picked is not None:
        known = {role for r in rows for role in r.user.roles}
        _actions(run, admin, by_id[picked], known)
        render_user_passkeys(run, admin, by_id[picked], notice_key=NOTICE)


def sessions_table(rows: list[AdminSession]) -> list[dict[str, object]]:
    return [
        {
            texts.COLUMN_USER: r.username,
            texts.SESSION_DEVICE: describe_device(r.session.user_agent),
            texts.SESSION_IP: r.session.ip or texts.UNKNOWN_IP,
            texts.SESSION_STARTED: when(r.session.created_at),
            texts.SESSION_LAST_SEEN: when(r.session.last_seen_at),
            texts.COLUMN_EXPIRES: when(min(r.session.expires_at, r.session.absolute_expires_at)),
            texts.COLUMN_MFA: r.session.mfa,
        }
        for r in rows
    ]


def render_sessions_tab(run: GateRun, admin: AuthUser) -> None:
    backend = run.backend
    rows = listed(lambda: backend.admin_list_sessions(limit=1000), texts.ADMIN_NO_SESSIONS)
    if not rows:
        return
    st.dataframe(sessions_table(rows), hide_index=True)
    by_id = {r.session.id: r for r in rows}
    picked = st.selectbox(
        texts.ADMIN_PICK_SESSION,
        list(by_id),
        format_func=lambda sid: (
            f"{by_id[sid].username} · {describe_device(by_id[sid].session.user_agent)} · "
            f"{by_id[sid].session.ip or texts.UNKNOWN_IP} · {when(by_id[sid].session.last_seen_at)}"
        ),
        key="authgate_admin_pick_session",
    )
    if picked is None:
        return
    chosen = by_id[picked]
    cols = st.columns(2)
    if cols[0].button(texts.ADMIN_REVOKE_SESSION, key="authgate_admin_revoke_session"):
        _act(
            lambda: backend.admin_revoke_session(picked, actor_id=admin.id),
            lambda done: texts.ADMIN_SESSION_REVOKED if done else texts.ADMIN_SESSION_GONE,
        )
    if cols[1].button(texts.ADMIN_REVOKE_USER_SESSIONS, key="authgate_admin_revoke_user"):
        _act(
            lambda: backend.admin_revoke_user_sessions(chosen.session.user_id, actor_id=admin.id),
            lambda count: texts.ADMIN_USER_SESSIONS_REVOKED.format(
                count=count, username=chosen.username
            ),
        )
