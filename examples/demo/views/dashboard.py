"""Dashboard: role-dependent. Everyone sees their own numbers; admins see the site's."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import streamlit as st
from chat_history import demo_engine, history
from demo_settings import demo_settings

from authgate.streamlit import get_backend, get_service, require_login

user = require_login()
remote = bool(demo_settings().api_url)
st.title("Dashboard")

mine = st.columns(3)
sent = sum(1 for m in history(demo_engine(), user.id) if m.author == "user")
mine[0].metric("My messages", sent)
mine[1].metric("My active sessions", len(get_backend().list_sessions(user.id)))
mine[2].metric("Last login", f"{user.last_login_at:%Y-%m-%d}" if user.last_login_at else "-")

if user.is_admin and remote:
    st.caption(
        "Site statistics read authgate's database, which lives with the API server in "
        "remote-backend mode; the Admin page lists the accounts."
    )
elif user.is_admin:
    auth = get_service()
    st.subheader("Site (admins only)")
    site = st.columns(2)
    site[0].metric("Users", auth.accounts.count_users())
    site[1].metric("Active sessions", auth.sessions.count_active())
    since = datetime.now(UTC) - timedelta(days=14)
    events = auth.audit.list(event_type="login.succeeded", since=since, limit=10_000)
    per_day = Counter(e.occurred_at.date().isoformat() for e in events)
    days = [(since + timedelta(days=i + 1)).date().isoformat() for i in range(14)]
    st.caption("Logins per day (last 14 days, from the audit log)")
    st.bar_chart({"logins": [per_day.get(d, 0) for d in days]} | {"day": days}, x="day", y="logins")
else:
    st.caption("Administrators also see user, session and login statistics here.")
