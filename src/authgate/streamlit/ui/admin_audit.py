"""The Audit log tab of the Admin page: filters, a logins-per-day chart, a table, CSV export."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from authgate.core.audit.log import audit_csv
from authgate.core.records import AuditRecord
from authgate.streamlit import texts
from authgate.streamlit.admin_records import AuditQuery
from authgate.streamlit.navigation import GateRun
from authgate.streamlit.ui.admin_users import when
from authgate.streamlit.ui.feedback import attempt, listed

__all__ = ["audit_table", "logins_per_day", "readable_detail", "render_audit_tab"]

EVENT_TYPES = (
    "login.succeeded",
    "login.failed",
    "account.locked",
    "account.unlocked",
    "session.logout",
    "session.revoked",
    "session.revoked_all",
    "password.changed",
    "password.set",
    "password.reset_requested",
    "password.reset",
    "user.registered",
    "user.profile_updated",
    "user.roles_changed",
    "user.disabled",
    "user.enabled",
    "user.deleted",
    "mfa.enrolled",
    "mfa.disabled",
    "mfa.reset",
    "mfa.failed",
    "recovery_code.used",
    "recovery_codes.regenerated",
    "token.reused",
)
OUTCOMES = ("success", "failure")


SUCCESS_COLOUR = "#2e7d32"
"""Succeeded logins in the chart: green."""
FAILURE_COLOUR = "#d32f2f"
"""Failed logins in the chart: red."""


def readable_detail(detail: Mapping[str, object]) -> str:
    """An event's detail as "key: value; key: value" (nested values as compact JSON)."""
    parts = []
    for key in sorted(detail):
        value = detail[key]
        if isinstance(value, list | tuple) and all(isinstance(v, str | int) for v in value):
            shown = ", ".join(str(v) for v in value) or "-"
        elif isinstance(value, dict | list | tuple):
            shown = json.dumps(value, sort_keys=True, default=str, separators=(", ", ": "))
        elif isinstance(value, bool):
            shown = "yes" if value else "no"
        elif value is None:
            shown = "-"
        else:
            shown = str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def _actor(actor_id: int | None, names: Mapping[int, str]) -> str:
    """The acting admin's username (an id only for an account deleted since)."""
    if actor_id is None:
        return ""
    return names.get(actor_id, f"#{actor_id}")


def audit_table(
    events: list[AuditRecord], names: Mapping[int, str] | None = None
) -> list[dict[str, object]]:
    """Rows for the audit tables; ``names`` turns actor ids into usernames."""
    known = names or {}
    return [
        {
            texts.COLUMN_TIME: when(e.occurred_at),
            texts.COLUMN_EVENT: e.event_type,
            texts.COLUMN_OUTCOME: e.outcome,
            texts.COLUMN_USER: e.username or "",
            texts.COLUMN_ACTOR: _actor(e.actor_id, known),
            texts.SESSION_IP: e.ip or "",
            texts.COLUMN_DETAIL: readable_detail(e.detail),
        }
        for e in events
    ]


def logins_per_day(events: list[AuditRecord]) -> list[dict[str, object]]:
    """One row per day with logins that succeeded and failed, oldest day first.

    A wrong second-factor code at login counts as a failed login.
    """
    ok: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for e in events:
        day = e.occurred_at.strftime("%Y-%m-%d")
        if e.event_type == "login.succeeded":
            ok[day] += 1
        elif e.event_type == "login.failed" or (
            e.event_type == "mfa.failed" and e.detail.get("context", "login") == "login"
        ):
            failed[day] += 1
    days = sorted(set(ok) | set(failed))
    return [{"day": d, texts.ADMIN_SUCCEEDED: ok[d], texts.ADMIN_FAILED: failed[d]} for d in days]


def _filters(run: GateRun, names: Mapping[int, str]) -> AuditQuery:
    cols = st.columns([1, 1, 1, 2])
    user = cols[0].selectbox(
        texts.COLUMN_USER,
        [None, *names],
        format_func=lambda i: texts.ADMIN_ALL if i is None else names[i],
        key="authgate_audit_user",
    )
    event = cols[1].selectbox(
        texts.ADMIN_EVENT_TYPE,
        [None, *EVENT_TYPES],
        format_func=lambda v: texts.ADMIN_ALL if v is None else v,
        key="authgate_audit_event",
    )
    outcome = cols[2].selectbox(
        texts.ADMIN_OUTCOME,
        [None, *OUTCOMES],
        format_func=lambda v: texts.ADMIN_ALL if v is None else v,
        key="authgate_audit_outcome",
    )
    today = run.backend.now().date()
    picked = cols[3].date_input(
        texts.ADMIN_DATES, value=(today - timedelta(days=6), today), key="authgate_audit_dates"
    )
    start, end = _range(picked, today)
    return AuditQuery(
        user_id=user,
        event_type=event,
        outcome=outcome,
        since=datetime.combine(start, time.min, tzinfo=UTC),
        until=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
        limit=1000,
    )


def _range(picked: object, today: date) -> tuple[date, date]:
    if isinstance(picked, tuple) and len(picked) == 2:
        return picked[0], picked[1]
    if isinstance(picked, tuple) and len(picked) == 1:
        return picked[0], picked[0]
    if isinstance(picked, date):
        return picked, picked
    return today, today


def render_audit_tab(run: GateRun) -> None:
    ok, users = attempt(lambda: run.backend.admin_list_users(limit=1000))
    names = {r.user.id: r.user.username for r in users or []} if ok else {}
    query = _filters(run, names)
    events = listed(lambda: run.backend.admin_audit(query), texts.ADMIN_NO_EVENTS)
    if not events:
        return
    st.markdown(f"**{texts.ADMIN_LOGINS_CHART}**")
    chart = logins_per_day(events)
    if chart:
        st.bar_chart(
            chart,
            x="day",
            y=[texts.ADMIN_SUCCEEDED, texts.ADMIN_FAILED],
            color=[SUCCESS_COLOUR, FAILURE_COLOUR],
            x_label=texts.ADMIN_CHART_DAY,
            y_label=texts.ADMIN_CHART_LOGINS,
        )
    failures = [e for e in events if e.outcome == "failure"][:20]
    if failures:
        st.markdown(f"**{texts.ADMIN_LATEST_FAILURES}**")
        st.dataframe(audit_table(failures, names), hide_index=True, key="authgate_audit_failures")
    st.dataframe(audit_table(events, names), hide_index=True, key="authgate_audit_events")
    st.download_button(
        texts.ADMIN_EXPORT_CSV,
        data=audit_csv(events),
        file_name="audit.csv",
        mime="text/csv",
        key="authgate_audit_csv",
    )
