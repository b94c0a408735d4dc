"""The admin's view of passkeys: a count per user, and removing one for a lost device."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

import streamlit as st

from authgate.core.records import AuthUser
from authgate.streamlit import passkey_texts as t
from authgate.streamlit import texts
from authgate.streamlit.admin_records import AdminUser
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.passkey_access import passkey_root
from authgate.streamlit.ui.feedback import attempt

__all__ = ["render_user_passkeys", "with_passkey_counts"]


def with_passkey_counts(
    run: GateRun, rows: Sequence[AdminUser], table: list[dict[str, object]]
) -> list[dict[str, object]]:
    """``table`` (one dict per row of ``rows``) with a "Passkeys" count column added."""
    auth = passkey_root(run.backend)
    if auth is None:
        return table
    ok, counts = attempt(lambda: auth.passkeys.counts(r.user.id for r in rows))
    if not ok or counts is None:
        return table
    return [
        _after_mfa(line, counts.get(row.user.id, 0)) for row, line in zip(rows, table, strict=True)
    ]


def _after_mfa(line: dict[str, object], count: int) -> dict[str, object]:
    """The row with the count next to the MFA column, where an admin looks for factors."""
    out: dict[str, object] = {}
    for name, value in line.items():
        out[name] = value
        if name == texts.COLUMN_MFA:
            out[t.ADMIN_PASSKEYS] = count
    out.setdefault(t.ADMIN_PASSKEYS, count)
    return out


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def render_user_passkeys(
    run: GateRun, admin: AuthUser, target: AuthUser, *, notice_key: str
) -> None:
    """The picked user's passkeys, each with a button to remove it (the notice goes to
    ``notice_key``, shown by the admin page after the rerun)."""
    auth = passkey_root(run.backend)
    if auth is None:
        return
    ok, passkeys = attempt(lambda: auth.passkeys.list(target.id))
    if not ok or not passkeys:
        return
    st.markdown(f"**{t.ADMIN_PASSKEYS}**")
    for passkey in passkeys:
        info, button = st.columns([4, 1], vertical_alignment="center")
        used = passkey.last_used_at
        info.write(
            f"{passkey.name} · "
            + t.PASSKEY_ADDED_AT.format(when=_when(passkey.created_at))
            + " · "
            + (t.PASSKEY_LAST_USED.format(when=_when(used)) if used else t.PASSKEY_NEVER_USED)
        )
        if not button.button(t.PASSKEY_REMOVE, key=f"authgate_admin_passkey_remove_{passkey.id}"):
            continue
        remove = partial(auth.passkeys.admin_remove, target.id, passkey.id, actor_id=admin.id)
        done, _ = attempt(remove)
        if done:
            notice = t.ADMIN_PASSKEY_REMOVED.format(name=passkey.name, username=target.username)
            st.session_state[notice_key] = notice
            st.rerun()
