"""The session debug panel: refused in production, the right facts, never a secret."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from streamlit.util import calc_hash

from authgate.config import AuthgateSettings
from authgate.core.records import AuthUser, SessionRecord
from authgate.errors import ConfigurationError
from authgate.root import Authgate
from authgate.streamlit import texts
from authgate.streamlit._remote_cache import SessionTokens
from authgate.streamlit.remote_backend import RemoteBackend
from authgate.streamlit.state import REVALIDATED_COOKIE, TabAuth
from authgate.streamlit.ui.debug_panel import countdown, debug_rows

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SECRET = "k" + "0123456789abcdefghijklmnopqrstuvwxyz"


def _auth() -> TabAuth:
    user = AuthUser(
        id=7,
        username="ada",
        email=None,
        display_name="Ada",
        roles=frozenset({"user", "admin"}),
        is_active=True,
        email_verified=False,
        mfa_enabled=True,
        must_change_password=False,
        created_at=NOW,
        updated_at=NOW,
        last_login_at=NOW,
    )
    session = SessionRecord(
        id="0123456789abcdef0123456789abcdef",
        user_id=7,
        created_at=NOW - timedelta(minutes=10),
        last_seen_at=NOW - timedelta(seconds=20),
        expires_at=NOW + timedelta(minutes=29, seconds=40),
        absolute_expires_at=NOW + timedelta(hours=11, minutes=50),
        remember=False,
        ip=None,
        user_agent=None,
        mfa=True,
    )
    return TabAuth(
        session_id=session.id,
        user=user,
        expires_at=session.expires_at,
        checked_at=100.0,
        version=0,
        session=session,
        reason=REVALIDATED_COOKIE,
    )


def test_the_panel_is_refused_in_production(tmp_path: Any) -> None:
    with pytest.raises(ConfigurationError, match="AUTHGATE_DEBUG_PANEL"):
        AuthgateSettings(data_dir=tmp_path, mode="production", secret_key=SECRET, debug_panel=True)
    assert AuthgateSettings(data_dir=tmp_path, debug_panel=True).debug_panel


def test_countdown_reads_as_a_span() -> None:
    assert countdown(245) == "in 4 min 05 s"
    assert countdown(-3) == "3 s ago"
    assert countdown(3 * 3600 + 120) == "in 3 h 02 min"


def test_rows_name_every_time_with_its_countdown() -> None:
    rows = {r.label: r.value for r in debug_rows(_auth(), now=NOW, monotonic_now=112.0)}
    assert rows[texts.DEBUG_WHO] == "ada (id 7)"
    assert rows[texts.DEBUG_SESSION_ID] == "01234567…"
    assert rows[texts.DEBUG_CREATED] == "11:50:00 UTC (10 min 00 s ago)"
    assert rows[texts.DEBUG_LAST_SEEN] == "11:59:40 UTC (20 s ago)"
    assert rows[texts.DEBUG_IDLE_EXPIRY] == "12:29:40 UTC (in 29 min 40 s)"
    assert rows[texts.DEBUG_ABSOLUTE_EXPIRY] == "23:50:00 UTC (in 11 h 50 min)"
    assert rows[texts.DEBUG_ROLES] == "admin, user"
    assert rows[texts.DEBUG_MFA].startswith(texts.DEBUG_MFA_ON)
    assert texts.DEBUG_MFA_SESSION in rows[texts.DEBUG_MFA]
    assert rows[texts.DEBUG_CACHE_AGE] == "12 s ago"
    assert rows[texts.DEBUG_REVALIDATED] == texts.DEBUG_REASONS["cookie"]
    assert texts.DEBUG_ACCESS_EXPIRY not in rows  # in-process: no tokens


def test_remote_rows_time_the_access_token_and_never_show_it() -> None:
    backend = RemoteBackend("http://127.0.0.1:9")
    try:
        clock = backend.api.cache.now()
        tokens = SessionTokens.received(
            "access-token-value",
            "refresh-token-value",
            expires_in=900,
            refresh_expires_in=86400,
            now=clock - 60,
        )
        backend.api.cache.put(_auth().session_id, 7, tokens)
        timing = backend.token_timing(_auth().session_id)
        assert timing is not None
        assert 839 <= timing.access_expires_in <= 840 and 60 <= timing.received_ago <= 61
        assert backend.token_timing("unknown") is None
        rows = debug_rows(_auth(), now=NOW, monotonic_now=112.0, tokens=timing)
    finally:
        backend.close()
    shown = {r.label: r.value for r in rows}
    assert shown[texts.DEBUG_ACCESS_EXPIRY].startswith("in 13 min")
    assert shown[texts.DEBUG_LAST_REFRESH].startswith("1 min 0")
    text = " ".join(r.value for r in rows)
    assert "access-token-value" not in text and "refresh-token-value" not in text
    assert _auth().session_id not in text


def test_the_gate_draws_the_panel_only_when_asked(
    app_test: Any, set_cookie: Any, gate_service: Authgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = gate_service.logins.password("alice", "wonderland-2026")
    set_cookie(login.token)
    at = app_test()
    at._page_hash = calc_hash("home")
    at.run()
    assert texts.DEBUG_TITLE not in [e.label for e in at.sidebar.expander]

    hooks = sys.modules["authgate_gate_test_hooks"]
    monkeypatch.setattr(
        hooks, "settings", gate_service.settings.model_copy(update={"debug_panel": True})
    )
    at = app_test()
    at._page_hash = calc_hash("home")
    at.run()
    assert not at.exception
    assert texts.DEBUG_TITLE in [e.label for e in at.sidebar.expander]
    shown = "\n".join(m.value for m in at.sidebar.markdown)
    for label in ("Created", "Last seen", "Idle expiry", "Absolute expiry"):
        assert f"**{label}:**" in shown
    assert login.session.id[:8].replace("-", "\\-") in shown.replace("\\_", "_")
    assert login.session.id not in shown
    assert login.token not in shown
    assert texts.DEBUG_REASONS["cookie"] in shown
