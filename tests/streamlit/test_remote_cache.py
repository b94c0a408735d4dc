"""The remote backend's token cache: bounded, expiring with the refresh token, per-user lookup."""

from __future__ import annotations

import pytest

from authgate.streamlit._remote_cache import SessionTokens, TokenCache


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def pair(now: float, *, expires_in: float = 900, refresh_in: float = 3600) -> SessionTokens:
    return SessionTokens.received(
        "access", "refresh", expires_in=expires_in, refresh_expires_in=refresh_in, now=now
    )


def test_least_recently_used_entries_go_first() -> None:
    clock = Ticker()
    cache = TokenCache(max_entries=2, clock=clock)
    cache.put("a", 1, pair(clock.now))
    cache.put("b", 2, pair(clock.now))
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", 3, pair(clock.now))
    assert len(cache) == 2
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None


def test_entries_die_with_their_refresh_token() -> None:
    clock = Ticker()
    cache = TokenCache(clock=clock)
    cache.put("a", 1, pair(clock.now, refresh_in=60))
    clock.now += 59
    assert cache.get("a") is not None
    clock.now += 1
    assert cache.get("a") is None
    assert cache.latest_for_user(1) is None


def test_put_keeps_the_entry_and_its_lock() -> None:
    clock = Ticker()
    cache = TokenCache(clock=clock)
    first = cache.put("a", 1, pair(clock.now))
    newer = pair(clock.now + 5)
    second = cache.put("a", 1, newer)
    assert second is first and second.tokens is newer


def test_latest_for_user_is_the_most_recently_used() -> None:
    clock = Ticker()
    cache = TokenCache(clock=clock)
    cache.put("old", 7, pair(clock.now))
    cache.put("other", 8, pair(clock.now))
    cache.put("new", 7, pair(clock.now))
    latest = cache.latest_for_user(7)
    assert latest is not None and latest.session_id == "new"
    cache.get("old")
    latest = cache.latest_for_user(7)
    assert latest is not None and latest.session_id == "old"
    assert cache.latest_for_user(9) is None


@pytest.mark.parametrize(
    ("lifetime", "left", "due"),
    [(900, 31, False), (900, 30, True), (2, 1.1, False), (2, 1.0, True), (2, -5, True)],
)
def test_renewal_is_due_within_the_margin_or_half_the_lifetime(
    lifetime: float, left: float, due: bool
) -> None:
    tokens = pair(0, expires_in=lifetime)
    assert tokens.needs_refresh(lifetime - left, margin=30) is due


def test_tokens_stay_out_of_reprs() -> None:
    assert "access" not in repr(pair(0)).replace("access_expires_at", "").replace(
        "access_lifetime", ""
    )


def test_a_cache_needs_room() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        TokenCache(max_entries=0)


def test_a_login_ticket_is_handed_out_once_while_fresh() -> None:
    clock = Ticker()
    cache = TokenCache(clock=clock)
    cache.keep_cookie_ticket("a", "t0", for_seconds=5)  # no entry: nothing to keep it on
    assert cache.take_cookie_ticket("a") is None
    cache.put("a", 1, pair(clock.now))
    cache.keep_cookie_ticket("a", "t1", for_seconds=5)
    assert "t1" not in repr(cache.get("a"))
    assert cache.take_cookie_ticket("a") == "t1"
    assert cache.take_cookie_ticket("a") is None
    cache.keep_cookie_ticket("a", "t2", for_seconds=5)
    clock.now += 6
    assert cache.take_cookie_ticket("a") is None  # stale: the redeem would only fail
    assert cache.get("a") is not None


def test_the_acting_session_is_the_tabs_when_it_is_the_users() -> None:
    clock = Ticker()
    cache = TokenCache(clock=clock)
    cache.put("tab", 1, pair(clock.now))
    cache.put("bob", 2, pair(clock.now))
    cache.put("elsewhere", 1, pair(clock.now))
    assert cache.acting("tab", 1) is cache.get("tab")
    assert cache.acting("tab", None) is cache.get("tab")
    assert cache.acting("tab", 2) is cache.get("bob")  # never another user's session
    assert cache.acting(None, 1) is cache.latest_for_user(1)
    assert cache.acting("gone", 1) is cache.latest_for_user(1)
    assert cache.acting(None, None) is None
    assert cache.acting("gone", 3) is None


def test_the_servers_mfa_rule_is_noted_per_session() -> None:
    clock = Ticker()
    cache = TokenCache(clock=clock)
    cache.put("a", 1, pair(clock.now))
    entry = cache.get("a")
    assert entry is not None and entry.enrollment_required is False
    cache.note_enrollment_required("a", True)
    cache.note_enrollment_required("unknown", True)
    assert entry.enrollment_required is True
