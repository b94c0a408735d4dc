"""SessionPolicy: lifetimes, the sliding idle timeout, and the one validity rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from authgate.core.ports.sessions import SessionView
from authgate.core.records import AuthUser, SessionRecord
from authgate.core.sessions.policy import SessionPolicy, is_session_id
from authgate.errors import SessionExpired, SessionRevoked

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
POLICY = SessionPolicy(
    idle_timeout=timedelta(minutes=30),
    absolute_lifetime=timedelta(hours=12),
    remember_lifetime=timedelta(days=30),
    touch_interval=timedelta(minutes=1),
)


def _view(*, active: bool = True, **times: datetime) -> SessionView:
    new, _ = POLICY.new_session(1, now=NOW, remember=False, mfa=False, ip=None, user_agent=None)
    session = SessionRecord(
        id=new.id,
        user_id=1,
        created_at=NOW,
        last_seen_at=NOW,
        expires_at=times.get("expires_at", new.expires_at),
        absolute_expires_at=times.get("absolute_expires_at", new.absolute_expires_at),
        remember=False,
        ip=None,
        user_agent=None,
    )
    user = AuthUser(
        1, "alice", None, "alice", frozenset(), active, False, False, False, NOW, NOW, None
    )
    return SessionView(session=session, user=user, idle_seconds=new.idle_timeout_seconds)


def test_a_new_session_has_a_fresh_id_and_a_token_stored_only_as_its_digest() -> None:
    first, token = POLICY.new_session(
        1, now=NOW, remember=False, mfa=False, ip=None, user_agent=None
    )
    second, _ = POLICY.new_session(1, now=NOW, remember=False, mfa=False, ip=None, user_agent=None)
    assert first.id != second.id and is_session_id(first.id)
    assert token not in first.token_hash and len(first.token_hash) == 64


def test_ordinary_and_remembered_lifetimes() -> None:
    short, _ = POLICY.new_session(1, now=NOW, remember=False, mfa=False, ip=None, user_agent=None)
    assert short.expires_at == NOW + timedelta(minutes=30)
    assert short.absolute_expires_at == NOW + timedelta(hours=12)
    long, _ = POLICY.new_session(1, now=NOW, remember=True, mfa=False, ip=None, user_agent=None)
    # A remembered session outlives a closed lid: its idle limit is its whole life.
    assert long.expires_at == long.absolute_expires_at == NOW + timedelta(days=30)


def test_client_text_is_cleaned_like_everywhere_else() -> None:
    new, _ = POLICY.new_session(
        1, now=NOW, remember=False, mfa=False, ip="10.0.0.1\x00", user_agent="x" * 2000
    )
    assert new.ip == "10.0.0.1" and new.user_agent is not None and len(new.user_agent) <= 512


def test_the_idle_expiry_slides_but_never_past_the_absolute_one() -> None:
    absolute = NOW + timedelta(minutes=40)
    assert POLICY.slid_expiry(NOW, 1800, absolute) == NOW + timedelta(minutes=30)
    assert POLICY.slid_expiry(NOW + timedelta(minutes=20), 1800, absolute) == absolute


def test_check_refuses_expired_sessions_and_disabled_accounts() -> None:
    POLICY.check(_view(), NOW)
    with pytest.raises(SessionExpired):
        POLICY.check(_view(), NOW + timedelta(minutes=30))
    with pytest.raises(SessionExpired):
        POLICY.check(
            _view(absolute_expires_at=NOW + timedelta(seconds=1)), NOW + timedelta(seconds=1)
        )
    with pytest.raises(SessionRevoked):
        POLICY.check(_view(active=False), NOW)


def test_activity_is_written_at_most_once_per_interval() -> None:
    session = _view().session
    assert not POLICY.due_for_touch(session, NOW + timedelta(seconds=59))
    assert POLICY.due_for_touch(session, NOW + timedelta(minutes=1))
    assert not POLICY.due_for_touch(
        replace(session, last_seen_at=NOW + timedelta(minutes=1)), NOW + timedelta(minutes=1)
    )


@pytest.mark.parametrize("bad", ["", "abc", "g" * 32, "A" * 32, None, 5, "0" * 33])
def test_only_32_hex_digits_name_a_session(bad: object) -> None:
    assert not is_session_id(bad)
